package planner

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// mailbox plans what a configured mailbox needs to exist, connected, in
// its database: the least lossy way back from whatever the directory and
// the store show.
// Long on purpose: one switch over what the directory and the store show
// of the mailbox, least lossy case first.
func (b *builder) mailbox(m *org.Mailbox) {
	addr := m.Addr.String()
	dbAddr := ""
	if db := b.wantIx.Database(m.Database); db != nil {
		dbAddr = db.Addr.String()
	}
	parent := b.lastStepOf(dbAddr) // the database's own recovery comes first
	// A database served from its standby (its SCR copy activated there)
	// holds its users there until failback: that is their home now.
	home := m.Database
	serving, onStandby := b.servingOf[m.Database.Key()]
	if onStandby {
		home = serving
		if want := b.wantIx.Database(m.Database); want != nil && b.failedBack[want.StorageGroup.Key()] != nil {
			// Failback takes the users home in this plan: a mailbox to
			// make is made there, after them.
			home = m.Database
			parent = b.failedBack[want.StorageGroup.Key()]
		}
	}
	atHome := func(id org.Identity) bool {
		return id.Key() == home.Key() || id.Key() == m.Database.Key() || onStandby && id.Key() == serving.Key()
	}
	owner := m.Owner
	if owner == "" {
		owner = m.Name
	}
	// here: the store of its database holds it; homed: its directory
	// object points at that database (Exchange makes the store mailbox
	// at first logon or delivery, so that is enough to exist).
	var here, homed, elsewhere *org.Mailbox
	byDisplayName := 0
	for _, l := range b.live.Mailboxes {
		if l.Health == nil || !sameMailbox(l, m) {
			continue
		}
		if l.Name == "" {
			if byDisplayName++; byDisplayName > 1 {
				// Two disconnected mailboxes with this display name: which
				// is this user's is a person's call.
				b.note("%s: %s holds more than one disconnected mailbox named %q; connect the right one by hand (Connect-Mailbox -Identity <MailboxGuid from Get-MailboxStatistics>), and exdr will see it.",
					addr, m.Database, l.DisplayName)
				return
			}
		}
		switch {
		case atHome(l.Database) && l.Health.InStore:
			here = l
		case atHome(l.Database) && l.Health.InDirectory:
			homed = l
		case l.Health.InStore && l.Health.Disconnected.IsZero():
			elsewhere = l
		}
	}
	if here == nil && homed != nil {
		here = homed // no store mailbox yet; nothing to reconnect
	}
	args := func(extra map[string]string) map[string]string {
		a := map[string]string{"mailbox": m.Name, "owner": m.Owner}
		for k, v := range mailboxSettings(m, nil) {
			a[k] = v
		}
		for k, v := range extra {
			a[k] = v
		}
		return a
	}
	switch {
	case here == nil && elsewhere != nil:
		b.note("%s: the mailbox %s lives in %s, not %s; moving mailboxes (Move-Mailbox) is not something exdr plans.", addr, m.Name, elsewhere.Database, m.Database)
	case here == nil:
		db := b.wantIx.Database(m.Database)
		var c *org.BackupChain
		if db != nil {
			c = b.backupHolding(db, m.Name)
		}
		reason := fmt.Sprintf("the mailbox %s does not exist in %s", m.Name, home)
		if c != nil {
			reason += "; it was purged, and a backup holds it"
		}
		created := after(b.add(&providers.Step{
			Verb: providers.VerbCreateMailbox, Address: addr, Identity: home, Args: args(nil),
			Reason: reason, Effect: providers.Reversible, Estimate: 10 * time.Second,
		}), parent)
		if c != nil {
			b.refill(m, db, c, created)
		}
	case here.Health.InStore && (!here.Health.Disconnected.IsZero() || !here.Health.InDirectory):
		var deps []*providers.Step
		// Connect-Mailbox joins the mailbox to a user account that exists
		// and makes none: Disable-Mailbox keeps the account, a deletion
		// does not, and then a person creates it again first (the step's
		// script stops without it).
		account := fmt.Sprintf("joined to the user account %s, which must exist: if it was deleted, create it again in Active Directory first", owner)
		why := fmt.Sprintf("the mailbox was disconnected at %s and is within the mailbox retention: Connect-Mailbox brings it back with every item, %s",
			here.Health.Disconnected.UTC().Format("2006-01-02 15:04Z"), account)
		if here.Health.Disconnected.IsZero() {
			// The account went out of band: the store still counts the
			// mailbox as connected until it is cleaned.
			deps = append(deps, b.cleanDatabase(home, dbAddr, parent))
			why = "its directory object is gone (its account deleted?), but the store has not noticed; once Clean-MailboxDatabase marks it disconnected, Connect-Mailbox brings it back with every item, " + account
		}
		// The store names a disconnected mailbox by its MailboxGuid (and
		// display name), never by the alias that went with its directory
		// object: Connect-Mailbox -Identity takes the GUID.
		// https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa997878(v=exchg.80)
		extra := map[string]string{}
		if here.GUID != "" {
			extra["mailbox_guid"] = here.GUID
		}
		after(b.add(&providers.Step{
			Verb: providers.VerbConnectMailbox, Address: addr, Identity: home, Args: args(extra),
			Reason: why, Effect: providers.Reversible, Estimate: 10 * time.Second,
		}), append(deps, parent)...)
	default:
		if b.opts.Owed[providers.StepID(addr, providers.VerbRestoreMailbox)] {
			// The journal alone: a merge done before a kill -9 kept its
			// end off the journal is done again, and Restore-Mailbox
			// copies no item the mailbox holds already.
			if db := b.wantIx.Database(m.Database); db != nil {
				if c := b.backupHolding(db, m.Name); c != nil {
					b.refill(m, db, c, nil)
				}
			}
		}
		if s := mailboxSettings(m, here); len(s) > 0 {
			after(b.add(&providers.Step{
				Verb: providers.VerbSetMailbox, Address: addr, Identity: home, Args: args(s),
				Reason: "retention settings differ from the configuration: " + strings.Join(settingList(s), ", "),
				Effect: providers.Reversible, Estimate: 2 * time.Second,
			}), parent)
		}
	}
}

// sameMailbox reports whether a live mailbox is the configured one: by
// alias, or, for a disconnected mailbox the store names only by display
// name, by the configured display_name.
func sameMailbox(live, m *org.Mailbox) bool {
	if live.Name != "" {
		return strings.EqualFold(live.Name, m.Name)
	}
	return m.DisplayName != "" && strings.EqualFold(live.DisplayName, m.DisplayName)
}

// cleanDatabase plans Clean-MailboxDatabase once per database.
func (b *builder) cleanDatabase(db org.Identity, dbAddr string, parent *providers.Step) *providers.Step {
	if s := b.byID[providers.StepID(dbAddr, providers.VerbCleanMailboxDB)]; s != nil {
		return s
	}
	return after(b.add(&providers.Step{
		Verb: providers.VerbCleanMailboxDB, Address: dbAddr, Identity: db,
		Reason: "the store counts as connected a mailbox whose directory object is gone; Clean-MailboxDatabase makes it notice",
		Effect: providers.ReadOnly, Estimate: 30 * time.Second,
	}), parent)
}

// mailboxSettings are the per-mailbox retention settings the
// configuration manages and the live mailbox (nil: all) differs in.
func mailboxSettings(want, live *org.Mailbox) map[string]string {
	out := map[string]string{}
	if want.UseDatabaseRetentionDefaults != nil {
		liveUse := live == nil || live.UseDatabaseRetentionDefaults == nil || *live.UseDatabaseRetentionDefaults
		if live == nil || liveUse != *want.UseDatabaseRetentionDefaults {
			out["use_database_retention_defaults"] = strconv.FormatBool(*want.UseDatabaseRetentionDefaults)
		}
	}
	if want.RetainDeletedItemsFor != nil && (live == nil || live.RetainDeletedItemsFor == nil || *live.RetainDeletedItemsFor != *want.RetainDeletedItemsFor) {
		out["retain_deleted_items_for"] = want.RetainDeletedItemsFor.String()
	}
	if want.RetainDeletedItemsUntilBackup != nil {
		liveVal := live != nil && live.RetainDeletedItemsUntilBackup != nil && *live.RetainDeletedItemsUntilBackup
		if live == nil || liveVal != *want.RetainDeletedItemsUntilBackup {
			out["retain_deleted_items_until_backup"] = strconv.FormatBool(*want.RetainDeletedItemsUntilBackup)
		}
	}
	return out
}

func settingList(s map[string]string) []string {
	var out []string
	for _, k := range []string{"use_database_retention_defaults", "retain_deleted_items_for", "retain_deleted_items_until_backup"} {
		if v, ok := s[k]; ok {
			out = append(out, k+" → "+v)
		}
	}
	return out
}
