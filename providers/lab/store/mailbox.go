package store

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/ese"
)

var ErrNotMounted = errors.New("the database is not mounted: the store can change only a mounted database")

// WithMountedView runs fn on a mounted database's content and logs what
// it changed, as the store does. fn also gets the time of the database's
// last full or incremental backup.
func (l *Store) WithMountedView(id org.Identity, fn func(v *View, lastBackup time.Time) error) error {
	c, st, err := l.databaseAndStore(id)
	if err != nil {
		return err
	}
	e, err := ese.OpenEDB(c.Path, true)
	if err != nil {
		return ErrNotMounted
	}
	defer e.Close()
	if !st.IsMounted(id, e.Hdr) {
		return ErrNotMounted
	}
	mu := l.StreamLock(c.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	v, err := LoadView(e, c.Stream, true)
	if err != nil {
		return err
	}
	if err := fn(v, StampTime(max(e.Hdr.LastFull, e.Hdr.LastIncr))); err != nil {
		return err
	}
	if err := v.Commit(c.Stream); err != nil {
		return err
	}
	return l.checkpointIfDeep(c, e)
}

// homeOf finds the database a mailbox lives in: its directory object's
// home, or else the store that holds it.
func (l *Store) homeOf(alias string) (org.Identity, error) {
	var home org.Identity
	var dbs []org.Identity
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, m := range d.Mailboxes {
			if strings.EqualFold(m.Alias, alias) {
				home = org.Identity(m.Database)
			}
		}
		for _, db := range d.Databases {
			dbs = append(dbs, db.Identity())
		}
		return nil
	})
	if home != "" {
		return home, nil
	}
	for _, id := range dbs {
		found := false
		l.WithMountedView(id, func(v *View, _ time.Time) error {
			found = slices.ContainsFunc(v.Cat.Mailboxes, func(m string) bool { return strings.EqualFold(m, alias) })
			return nil
		})
		if found {
			return id, nil
		}
	}
	return "", fmt.Errorf("no mailbox %s in the lab", alias)
}

// DeleteItems moves a mailbox's n oldest visible items to the dumpster,
// as a user deleting them would, and returns how many it moved.
func (l *Store) DeleteItems(alias string, n int) (int, error) {
	db, err := l.homeOf(alias)
	if err != nil {
		return 0, err
	}
	moved := 0
	now := l.Now().UTC()
	err = l.WithMountedView(db, func(v *View, _ time.Time) error {
		v.Rewrite(func(it *Item) bool {
			if moved < n && strings.EqualFold(it.Mailbox, alias) && it.Deleted.IsZero() {
				it.Deleted = now
				moved++
			}
			return true
		})
		return nil
	})
	return moved, err
}

// CorruptItems damages the n oldest items of a mailbox, as a bad
// property stream would: the store keeps them, and Restore-Mailbox
// cannot copy them. It returns how many.
func (l *Store) CorruptItems(alias string, n int) (int, error) {
	db, err := l.homeOf(alias)
	if err != nil {
		return 0, err
	}
	done := 0
	err = l.WithMountedView(db, func(v *View, _ time.Time) error {
		v.Rewrite(func(it *Item) bool {
			if done < n && strings.EqualFold(it.Mailbox, alias) && !it.Corrupt {
				it.Corrupt = true
				done++
			}
			return true
		})
		return nil
	})
	return done, err
}

// RecoverDeleted is what a user does with Outlook's Recover Deleted
// Items: every item of the mailbox still in the dumpster comes back. It
// returns how many.
func (l *Store) RecoverDeleted(alias string) (int, error) {
	db, err := l.homeOf(alias)
	if err != nil {
		return 0, err
	}
	n := 0
	err = l.WithMountedView(db, func(v *View, _ time.Time) error {
		v.Rewrite(func(it *Item) bool {
			if strings.EqualFold(it.Mailbox, alias) && !it.Deleted.IsZero() {
				it.Deleted = time.Time{}
				n++
			}
			return true
		})
		return nil
	})
	return n, err
}

// DisableMailbox is Disable-Mailbox: the directory object goes and the
// store marks the mailbox disconnected now; it stays, with its items, for
// the mailbox retention.
func (l *Store) DisableMailbox(alias string) error {
	db, err := l.homeOf(alias)
	if err != nil {
		return err
	}
	if err := l.WithMountedView(db, func(v *View, _ time.Time) error {
		return v.Disconnect(alias, l.Now().UTC())
	}); err != nil {
		return err
	}
	return l.dropMailboxObject(alias)
}

// RemoveAccount deletes a mailbox's owner account from the directory out
// of band: the store does not notice until Clean-MailboxDatabase.
func (l *Store) RemoveAccount(alias string) error {
	if _, err := l.homeOf(alias); err != nil {
		return err
	}
	return l.dropMailboxObject(alias)
}

func (l *Store) dropMailboxObject(alias string) error {
	return l.UpdateDirectory(func(d *ad.Directory) error {
		d.Mailboxes = slices.DeleteFunc(d.Mailboxes, func(m *ad.Mailbox) bool { return strings.EqualFold(m.Alias, alias) })
		return nil
	})
}

// Step verbs on mailboxes. Args: "mailbox" (the alias), "owner".

// CreateMailbox is Enable-Mailbox: a directory object homed in the
// database. The store makes the mailbox itself at first logon or
// delivery, as Exchange's does.
func (l *Store) CreateMailbox(step *providers.Step) error {
	if _, err := l.Database(step.Identity); err != nil {
		return err
	}
	return l.SetMailboxObject(step.Args["mailbox"], step.Identity, step.Args)
}

// ConnectMailbox is Connect-Mailbox: a disconnected mailbox in the store
// is joined to its owner's directory object again, its items intact.
func (l *Store) ConnectMailbox(step *providers.Step) error {
	alias := step.Args["mailbox"]
	err := l.WithMountedView(step.Identity, func(v *View, _ time.Time) error {
		i := slices.IndexFunc(v.Cat.Mailboxes, func(m string) bool { return strings.EqualFold(m, alias) })
		if i < 0 {
			return fmt.Errorf("the store holds no mailbox %s to connect: it was purged, or never lived here", alias)
		}
		if _, disconnected := v.Cat.Disconnected[v.Cat.Mailboxes[i]]; disconnected {
			delete(v.Cat.Disconnected, v.Cat.Mailboxes[i])
			v.Changed[1] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	return l.SetMailboxObject(alias, step.Identity, step.Args)
}

// CleanMailboxDatabase is Clean-MailboxDatabase: mailboxes the store
// holds as connected whose directory object is gone are marked
// disconnected now.
func (l *Store) CleanMailboxDatabase(step *providers.Step) error {
	objects := map[string]bool{}
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, m := range d.Mailboxes {
			if org.Identity(m.Database).Key() == step.Identity.Key() {
				objects[strings.ToLower(m.Alias)] = true
			}
		}
		return nil
	})
	now := l.Now().UTC()
	return l.WithMountedView(step.Identity, func(v *View, _ time.Time) error {
		for _, mb := range v.Cat.Mailboxes {
			if _, gone := v.Cat.Disconnected[mb]; !gone && !objects[strings.ToLower(mb)] {
				if err := v.Disconnect(mb, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// SetMailbox is Set-Mailbox for the retention overrides.
func (l *Store) SetMailbox(step *providers.Step) error {
	return l.SetMailboxObject(step.Args["mailbox"], step.Identity, step.Args)
}

// SetMailboxObject creates or updates a mailbox's directory object with
// the owner and retention settings present in args.
func (l *Store) SetMailboxObject(alias string, db org.Identity, args map[string]string) error {
	return l.UpdateDirectory(func(d *ad.Directory) error {
		var m *ad.Mailbox
		for _, x := range d.Mailboxes {
			if strings.EqualFold(x.Alias, alias) {
				m = x
			}
		}
		if m == nil {
			m = &ad.Mailbox{Alias: alias}
			d.AddMailbox(m)
		}
		d.Touch(m)
		m.Database = string(db)
		if o, ok := args["owner"]; ok && o != "" {
			m.Owner = o
		}
		if v, ok := args["use_database_retention_defaults"]; ok {
			b, _ := strconv.ParseBool(v)
			m.UseDefaults = &b
		}
		if v, ok := args["retain_deleted_items_for"]; ok {
			m.RetainDeletedItemsFor = v
		}
		if v, ok := args["retain_deleted_items_until_backup"]; ok {
			m.RetainUntilBackup = v == "true"
		}
		return nil
	})
}
