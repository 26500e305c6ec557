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
// symbolic link. Each server's Information Store keeps the set of
// databases it has mounted (store.go), as the running service would.
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
// lab imports org and providers; it must never import planner, executor
// or lang.
//
// Imports (exdr): org, providers, providers/lab/ad, providers/lab/backup, providers/lab/disk, providers/lab/ese, providers/lab/host, providers/lab/replication, providers/lab/store, providers/lab/transport.
package lab
