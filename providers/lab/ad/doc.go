// Package ad is the lab's Active Directory: the configuration objects
// Exchange keeps there (servers and their roles, storage groups with
// their log prefix and copies, databases and their settings, mailboxes
// and the database each is homed in, Edge subscriptions) and the record
// of each Restore-Mailbox merge, with lookups that ignore case as Active
// Directory does. Plain data: the lab reads and writes it as
// directory.json.
//
// Imports (exdr): org.
package ad
