// Package host is the ground the lab stands on: the folder it lives in,
// each server's machine and the disks where its Windows paths map to
// files (HostPath), free space, whether a machine runs, the directory
// file (directory.json, Active Directory as the lab keeps it) with its
// checksum and cache, the log streams' locks, the lab's clock, and the
// rates its steps were measured at.
//
// Every component of the lab (store, replication, backup, transport)
// stands on a Host; none of them reaches the disk another way.
//
// Imports (exdr): internal/jsonread, org, providers/lab/ad, providers/lab/disk, providers/lab/ese.
package host
