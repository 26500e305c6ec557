// Package ese is the lab's storage engine, after Exchange 2007's
// Extensible Storage Engine: the database file of 8 KiB pages, each with
// a CRC-32C checksum, behind a header page that records clean or dirty
// shutdown, the attach position and the backup stamps (edb.go); and the
// transaction log of a storage group, or of a transport server's queue
// database: numbered 1 MiB generations of checksummed records, the
// checkpoint file, appending, replay, and what eseutil /mh and /ml read
// from them (logs.go). Mailbox databases and mail.que are both files of
// this engine.
//
// It knows pages and records, not what they hold: items, mailboxes and
// queues belong to the packages above it. It touches files only through
// package disk.
//
// Imports (exdr): org, providers/lab/disk.
package ese
