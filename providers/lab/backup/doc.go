// Package backup is the lab's backup sets as they lie on disk: each set's
// manifest (its storage group, type, time, the log generations it holds,
// every file with its size and SHA-256), how sets chain (the full a
// differential or incremental builds on), files copied into a set and
// back out of it with every byte checked against the manifest, and the
// marker a streaming restore leaves for hard recovery, as restore.env.
//
// Taking a backup and restoring one are lab operations: they reach the
// directory and the databases, and live in the lab provider.
//
// Imports (exdr): org, providers, providers/lab/disk.
package backup
