// Package replication is the lab's local and standby continuous
// replication (LCR, SCR). Its data: the replication service's record of
// one copy (State: what it has copied and replayed, whether it is
// suspended, activated), the copy's and the source's log streams and
// paths (Replica), and copying one closed log generation from the source
// to the copy.
//
// Its operations (type Service, the Microsoft Exchange Replication
// service): enabling and seeding a copy, the service's pass over every
// copy (copy what the source closed, replay what has waited out its lag),
// the copy's health as Get-StorageGroupCopyStatus reports it, how far a
// copy holds back log truncation, and activation
// (Restore-StorageGroupCopy).
//
// Imports (exdr): org, providers, providers/lab/ad, providers/lab/disk, providers/lab/ese, providers/lab/host, providers/lab/store.
package replication
