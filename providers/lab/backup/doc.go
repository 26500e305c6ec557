// Package backup is the lab's backup application. Its data: each set's
// manifest as it lies on disk (its storage group, type, time, the log
// generations it holds, every file with its size and SHA-256), how sets
// chain (the full a differential or incremental builds on), and files
// copied into a set and back out of it with every byte checked against
// the manifest.
//
// Its operations (type Application): taking full, copy, incremental and
// differential sets through the store, truncating the logs a set holds
// (never below what a standby copy still needs), verifying sets,
// restoring a chain into a database's place with restore.env for hard
// recovery, hard recovery itself (eseutil /cc), and setting aside a
// storage group's logs.
//
// Imports (exdr): org, providers, providers/lab/ad, providers/lab/disk, providers/lab/ese, providers/lab/host, providers/lab/replication, providers/lab/store.
package backup
