// Package store is the lab's Information Store, as far as it is data: the
// items a database's pages hold (Item: a message in a mailbox, or in a
// transport queue), a database seen as the store sees it, with the logged
// changes not yet in its pages applied (View), the catalog on its first
// page (mailboxes, disconnected mailboxes, a queue database's queues),
// what a page failing its checksum held (ItemsAtRisk), and each server's
// record of the databases it has mounted (Service), by which "mounted" is
// decided.
//
// Mounting, Restore-Mailbox, retention and the other operations on these
// live in the lab provider for now, which reaches the directory and the
// disks for them.
//
// Imports (exdr): org, providers/lab/ese.
package store
