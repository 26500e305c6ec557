package lab

import (
	"fmt"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/backup"
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/replication"
	"github.com/exdr/exdr/providers/lab/store"
	"github.com/exdr/exdr/providers/lab/transport"
)

var _ providers.Provider = (*Lab)(nil)

// Lab is a simulated organization rooted at a directory: the provider
// (Read, Apply, damage) over the lab's components.
type Lab struct {
	*host.Host
	*store.Store
	*replication.Service
	*backup.Application
	*transport.Pipeline
}

// New returns the lab at root without touching the disk: a lab that does
// not exist yet reads as an empty organization, and is created by the
// first step applied or lock taken (or by Init).
func New(root, organization string) *Lab {
	h := host.NewHost(root, organization)
	st := store.New(h)
	copies := replication.New(h, st)
	h.AfterLogs = copies.Replicate
	return &Lab{Host: h, Store: st, Service: copies,
		Application: backup.New(h, st, copies),
		Pipeline:    transport.New(h, st)}
}

// Open opens the lab at root, which must exist.
func Open(root string) (*Lab, error) {
	if !host.Exists(root) {
		return nil, fmt.Errorf("no lab at %s: create it with \"exdr lab init\" or by running exdr apply", root)
	}
	return New(root, ""), nil
}

// Init creates an empty lab organization at root, or opens the one there.
func Init(root, organization string) (*Lab, error) {
	l := New(root, organization)
	return l, l.Ensure()
}

// Exists reports whether a lab has been created at root.
func Exists(root string) bool { return host.Exists(root) }

// Measured is a verb's measured rate (see Lab.Measurements).
type Measured = host.Measured

// Inspection is what "exdr lab inspect" shows of a database.
type Inspection = store.Inspection

// BackupSkipped names the storage groups a backup of every group passed
// over, having no database file to back up; the others were backed up.
type BackupSkipped = backup.SkippedError

// Item is an item of a mailbox, as an Inspection lists it.
type Item = store.Item

// PublicFolder is a folder of a public folder database's hierarchy.
type PublicFolder = store.PublicFolder

// TrafficOptions and QueuedMessage are "exdr lab traffic"'s options and
// one message waiting in a queue, as drills count them.
type (
	TrafficOptions = transport.TrafficOptions
	QueuedMessage  = transport.QueuedMessage
)

// CheckOrganization refuses a lab that holds another organization than
// want, before anything is read or changed there; a lab not created yet,
// or created without a name, passes.
func (l *Lab) CheckOrganization(want string) error {
	if !host.Exists(l.Root()) {
		return nil
	}
	var got string
	if err := l.ViewDirectory(func(d *ad.Directory) error { got = d.Organization; return nil }); err != nil {
		return err
	}
	if got != "" && want != "" && !org.SameOrganization(got, want) {
		return &org.AnotherOrganizationError{Configured: want, Found: got, Where: "the lab at " + l.Root()}
	}
	return nil
}

// MailboxHomes is the database the directory homes each mailbox in, by
// alias: where a user's mail is, wherever the configuration puts it (a
// database served from its standby until failback, say).
func (l *Lab) MailboxHomes() (map[string]org.Identity, error) {
	homes := map[string]org.Identity{}
	err := l.ViewDirectory(func(d *ad.Directory) error {
		for _, m := range d.Mailboxes {
			homes[m.Alias] = org.Identity(m.Database)
		}
		return nil
	})
	return homes, err
}

// Advance moves the lab's clock forward (the store's retention and
// public folder replication pass, the copies replay), the transport
// servers retry the queues whose retry interval has run out, and the
// Internet's servers retry the mail they hold for the organization.
func (l *Lab) Advance(d time.Duration) (*store.PurgeReport, error) {
	rep, err := l.Store.Advance(d)
	if err != nil {
		return rep, err
	}
	if rep.Retried, err = l.RetryDue(); err != nil {
		return rep, err
	}
	rep.InboundDelivered, err = l.RetrySenders()
	return rep, err
}
