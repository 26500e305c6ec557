// Package store is the lab's Information Store. Its data: the items a
// database's pages hold (Item: a message in a mailbox, or in a transport
// queue), a database seen as the store sees it, with the logged changes
// not yet in its pages applied (View), the catalog on its first page
// (mailboxes, disconnected mailboxes, a queue database's queues), what a
// page failing its checksum held (ItemsAtRisk), each server's record of
// the databases it has mounted (Service), by which "mounted" is decided,
// and the marker a restore leaves (restore.env, RestoreMarker).
//
// Its operations (type Store): creating storage groups and databases,
// mounting and dismounting, soft recovery, eseutil's repair and
// defragmentation and isinteg (shared with the queue database),
// mailboxes and their items, deleted item and mailbox retention (the lab
// clock's purge), recovery storage groups and Restore-Mailbox, the
// dial-tone swap, and database portability.
//
// Imports (exdr): internal/jsonread, org, providers, providers/lab/ad, providers/lab/disk, providers/lab/ese, providers/lab/host.
package store
