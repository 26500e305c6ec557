package store

import (
	"errors"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
)

// Advance moves the lab's clock forward by d, then purges what retention
// lets go of in every mounted database (see Purge).
func (l *Store) Advance(d time.Duration) (*PurgeReport, error) {
	if err := l.Ensure(); err != nil {
		return nil, err
	}
	if err := l.AdvanceClock(d); err != nil {
		return nil, err
	}
	// Copies replay what has waited out its lag.
	if err := l.AfterLogs(); err != nil {
		return nil, err
	}
	rep, err := l.Purge()
	if err != nil {
		return rep, err
	}
	// Public folder databases whose replication interval has passed
	// replicate.
	rep.PublicFolderPosts, err = l.ReplicatePublicFolders(false, "")
	return rep, err
}

// PurgeReport says what retention removed.
type PurgeReport struct {
	Items     map[org.Identity]int      // dumpster items purged, by database
	Mailboxes map[org.Identity][]string // disconnected mailboxes purged
	// MailboxItems is how many items went with those mailboxes, by
	// database: never in a dumpster, so not in Items.
	MailboxItems map[org.Identity]int
	// PublicFolderPosts is how many posts public folder replication
	// copied as the time passed.
	PublicFolderPosts int
	// Retried is how many queued messages transport's own retries
	// delivered to mailbox databases.
	Retried int
	// InboundDelivered is how many messages the Internet's servers held
	// and an MX took when they retried.
	InboundDelivered int
}

// Purge removes, from every mounted mailbox database, the deleted items
// past their deleted item retention (kept while retain_deleted_items_until_backup
// waits for a backup), and the disconnected mailboxes past the mailbox
// retention, with their items.
func (l *Store) Purge() (*PurgeReport, error) {
	rep := &PurgeReport{Items: map[org.Identity]int{}, Mailboxes: map[org.Identity][]string{}, MailboxItems: map[org.Identity]int{}}
	var dbs []*ad.Database
	overrides := map[string]*ad.Mailbox{}
	l.ViewDirectory(func(d *ad.Directory) error {
		dbs = append(dbs, d.Databases...)
		for _, m := range d.Mailboxes {
			overrides[strings.ToLower(m.Alias)] = m
		}
		return nil
	})
	now := l.Now()
	for _, db := range dbs {
		if db.Kind != "mailbox" {
			continue
		}
		itemRet := ad.DurationOr(db.DeletedItemRetention, 14*org.Day)
		mbxRet := ad.DurationOr(db.MailboxRetention, 30*org.Day)
		err := l.WithMountedView(db.Identity(), func(v *View, lastBackup time.Time) error {
			gone := map[string]bool{}
			for mb, at := range v.Cat.Disconnected {
				if now.Sub(at) > mbxRet {
					gone[mb] = true
					rep.Mailboxes[db.Identity()] = append(rep.Mailboxes[db.Identity()], mb)
				}
			}
			withMailbox := 0
			n := v.Rewrite(func(it *Item) bool {
				if gone[it.Mailbox] {
					withMailbox++
					return false
				}
				if it.Deleted.IsZero() {
					return true
				}
				ret, untilBackup := itemRet, db.RetainDeletedItemsUntilBackup
				if m := overrides[strings.ToLower(it.Mailbox)]; m != nil && !m.UseDatabaseDefaults() {
					ret, untilBackup = ad.DurationOr(m.RetainDeletedItemsFor, ret), m.RetainUntilBackup
				}
				if now.Sub(it.Deleted) <= ret {
					return true
				}
				// Past its window; with retain-until-backup it waits for a
				// backup taken after it was deleted.
				return untilBackup && !lastBackup.After(it.Deleted)
			})
			rep.Items[db.Identity()] = n - withMailbox
			rep.MailboxItems[db.Identity()] = withMailbox
			if len(gone) > 0 {
				kept := v.Cat.Mailboxes[:0]
				for _, mb := range v.Cat.Mailboxes {
					if !gone[mb] {
						kept = append(kept, mb)
					}
				}
				v.Cat.Mailboxes = kept
				for mb := range gone {
					delete(v.Cat.Disconnected, mb)
				}
				v.Changed[1] = true
			}
			return nil
		})
		var down *ServerDownError
		if err != nil && err != ErrNotMounted && !errors.As(err, &down) {
			// A database on a lost server purges nothing: time passes all
			// the same.
			return rep, err
		}
	}
	return rep, nil
}
