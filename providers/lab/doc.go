// Package lab is exdr's embedded provider: a simulated Exchange 2007
// organization on local disk, which can really be damaged and really
// recovered.
//
// The lab keeps what Active Directory holds in one JSON file
// (directory.json) and gives each server a directory of "disks", where
// Windows paths map to files: E:\Exchange\SG1\DB1.edb on MBX01 is
// servers/MBX01/disks/E/Exchange/SG1/DB1.edb. Databases, mail.que and
// their logs are files of the storage engine, package ese: pages with
// checksums behind a header, numbered log generations and a checkpoint.
// The lab touches its files through package disk, which follows no
// symbolic link.
//
// The lab is built as Exchange is, one package per component, each on
// the one below it: host (the machines, their disks, the directory file,
// the clock), store (the Information Store), replication (LCR and SCR),
// backup (the backup application) and transport (the Hub and Edge
// Transport pipeline). This package is the provider over them: Read
// gathers what they hold into an org.Org, Apply dispatches each verb to
// the component that carries it out (the verbs and queueVerbs tables),
// and the damage commands ("exdr lab break") break their files.
//
// Changes to a mounted database are written to the log first and reach
// the pages only at a checkpoint (dismount), as ESE does; so a crash
// leaves a dirty database whose missing changes are only in the logs, and
// soft recovery really replays them. Read finds damage from the bytes:
// a missing file, a dirty header, pages failing their checksums, a gap in
// the log stream.
//
// Deviations from Exchange, kept on purpose: every log generation, the
// current one included, is named by its number (E0000000001.log; Exchange
// calls the current one E00.log), and log files are sparse.
//
// lab must never import planner, executor or lang.
//
// Imports (exdr): internal/english, internal/jsonread, org, providers, providers/lab/ad, providers/lab/backup, providers/lab/disk, providers/lab/ese, providers/lab/host, providers/lab/replication, providers/lab/store, providers/lab/transport.
package lab
