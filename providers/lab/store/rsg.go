package store

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
)

// CreateRecoveryGroup is New-StorageGroup -Recovery: a storage group
// with its own log stream, at most one per server.
func (l *Store) CreateRecoveryGroup(step *providers.Step) error {
	server := step.Args["server"]
	var other string
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, sg := range d.StorageGroups {
			if sg.Recovery && strings.EqualFold(sg.Server, server) && !strings.EqualFold(sg.Name, step.Args["name"]) {
				other = sg.Name
			}
		}
		return nil
	})
	if other != "" {
		return fmt.Errorf("%s already has recovery storage group %s; Exchange 2007 allows one per server", server, other)
	}
	return l.CreateStorageGroup(step)
}

// CreateRecoveryDatabase is New-MailboxDatabase -MailboxDatabaseToRecover:
// the object only; the files come from a restore.
func (l *Store) CreateRecoveryDatabase(step *providers.Step) error {
	return l.UpdateDirectory(func(d *ad.Directory) error {
		if d.Database(step.Identity) != nil {
			return nil
		}
		sg := d.StorageGroup(org.Identity(step.Args["storage_group"]))
		if sg == nil || !sg.Recovery {
			return fmt.Errorf("%s is not a recovery storage group", step.Args["storage_group"])
		}
		prod := d.Database(org.Identity(step.Args["recovery_of"]))
		if prod == nil || prod.Kind != "mailbox" {
			return fmt.Errorf("%s is not a mailbox database to recover", step.Args["recovery_of"])
		}
		d.AddDatabase(&ad.Database{
			StorageGroup: string(org.Identity(sg.Server).Join(sg.Name)), Name: step.Args["name"], Kind: "mailbox",
			EdbFilePath: step.Args["edb_file_path"], RecoveryOf: string(prod.Identity()),
			DeletedItemRetention: prod.DeletedItemRetention, MailboxRetention: prod.MailboxRetention,
		})
		return nil
	})
}

// RestoreMailbox is Restore-Mailbox: the items of a mailbox in a mounted
// recovery database that pass the filters are copied into a production
// mailbox, into target_folder or their own folders. An item already there
// (by its identity, or as an earlier copy) is not copied again, so a
// second run is harmless. The merge is recorded in the directory.
func (l *Store) RestoreMailbox(step *providers.Step) error {
	if step.Args["mailbox"] != "*" {
		return l.restoreOneMailbox(step, step.Args["mailbox"], step.Args["target"])
	}
	// Every mailbox, each into the production mailbox of its alias: how
	// dial-tone mail is merged back.
	var all []string
	if err := l.WithMountedView(org.Identity(step.Args["rsg_database"]), func(v *View, _ time.Time) error {
		all = append(all, v.Cat.Mailboxes...)
		return nil
	}); err != nil {
		return fmt.Errorf("the recovery database %s: %w", step.Args["rsg_database"], err)
	}
	for _, mb := range all {
		if err := l.restoreOneMailbox(step, mb, mb); err != nil {
			return err
		}
	}
	return nil
}

func (l *Store) restoreOneMailbox(step *providers.Step, source, target string) error {
	a := step.Args
	var items []Item
	err := l.WithMountedView(org.Identity(a["rsg_database"]), func(v *View, _ time.Time) error {
		if !slices.ContainsFunc(v.Cat.Mailboxes, func(m string) bool { return strings.EqualFold(m, source) }) {
			// Exchange's Restore-Mailbox fails for a mailbox the
			// recovery database does not hold; copying nothing and
			// succeeding hid a mistyped alias (adversarial review).
			return fmt.Errorf("the recovery database %s holds no mailbox %s", a["rsg_database"], source)
		}
		all, err := v.Items()
		if err != nil {
			return err
		}
		for _, it := range all {
			if strings.EqualFold(it.Mailbox, source) && it.Deleted.IsZero() && passes(it, a) {
				items = append(items, it)
			}
		}
		return nil
	})
	if err == ErrNotMounted {
		return fmt.Errorf("the recovery database %s is not mounted: Restore-Mailbox reads a mounted recovery database", a["rsg_database"])
	}
	if err != nil {
		return err
	}
	home, err := l.homeOf(target)
	if err != nil {
		return fmt.Errorf("the target mailbox %s: %w", target, err)
	}
	// Corrupted items: passed over within -BadItemLimit, each lost;
	// more of them, and the run copies nothing and fails.
	limit, _ := strconv.Atoi(a["bad_item_limit"])
	bad := 0
	for _, it := range items {
		if it.Corrupt {
			bad++
		}
	}
	if bad > limit {
		return fmt.Errorf("%s holds %d corrupted item(s) among those to restore, more than BadItemLimit (%d): nothing is copied. Raise bad_item_limit to pass over them (each is lost)", source, bad, limit)
	}
	validate := a["validate_only"] == "true"
	copied := 0
	err = l.WithMountedView(home, func(v *View, _ time.Time) error {
		have, err := v.Items()
		if err != nil {
			return err
		}
		seen := map[uint64]bool{}
		for _, it := range have {
			if strings.EqualFold(it.Mailbox, target) {
				seen[it.ID], seen[it.Orig] = true, true
			}
		}
		if !validate {
			v.AddMailbox(target)
		}
		for _, it := range items {
			if seen[it.ID] || it.Corrupt {
				continue
			}
			if validate {
				copied++ // what would be copied
				continue
			}
			c := it
			c.Orig, c.ID, c.Mailbox = it.ID, 0, target
			if f := a["target_folder"]; f != "" {
				c.Folder = f + "/" + it.Folder
			}
			if err := v.Deliver(c); err != nil {
				return err
			}
			copied++
		}
		return nil
	})
	if err == ErrNotMounted {
		return fmt.Errorf("the target's database %s is not mounted", home)
	}
	if err != nil {
		return err
	}
	return l.UpdateDirectory(func(d *ad.Directory) error {
		rsg := string(step.Identity)
		sets := ""
		if rdb := d.Database(org.Identity(a["rsg_database"])); rdb != nil {
			sets = strings.Join(rdb.RestoredSets, ",")
		}
		for _, m := range d.Merges {
			if m.RecoveryGroup == rsg && strings.EqualFold(m.Mailbox, source) && strings.EqualFold(m.Target, target) && m.TargetFolder == a["target_folder"] && m.Validated == validate &&
				m.Filter == providers.MergeFilter(a) && m.Sets == sets {
				if validate {
					m.Items = copied // the newest check's count
				} else {
					m.Items += copied
				}
				m.Skipped, m.BadItemLimit = bad, limit
				return nil
			}
		}
		d.Merges = append(d.Merges, &ad.Merge{RecoveryGroup: rsg, Mailbox: source, Target: target, TargetFolder: a["target_folder"], Items: copied, Time: l.Now().UTC(), Validated: validate, Skipped: bad, BadItemLimit: limit,
			Filter: providers.MergeFilter(a), Sets: sets})
		return nil
	})
}

// passes applies Restore-Mailbox's filters.
func passes(it Item, a map[string]string) bool {
	if t, err := time.Parse(time.RFC3339, a["start_date"]); err == nil && it.Time.Before(t) {
		return false
	}
	if t, err := time.Parse(time.RFC3339, a["end_date"]); err == nil && it.Time.After(t) {
		return false
	}
	anyIn := func(list, s string) bool {
		if list == "" {
			return true
		}
		for _, k := range strings.Split(list, "\n") { // one value a line (planner.filterList)
			if strings.Contains(strings.ToLower(s), strings.ToLower(strings.TrimSpace(k))) {
				return true
			}
		}
		return false
	}
	folders := func(list string) []string {
		if list == "" {
			return nil
		}
		return strings.Split(list, "\n")
	}
	// The lab's mail has one recipient: the mailbox it was delivered to.
	if !anyIn(a["subject_keywords"], it.Subject) || !anyIn(a["sender_keywords"], it.From) || !anyIn(a["recipient_keywords"], it.Mailbox) ||
		!anyIn(a["content_keywords"], it.Body) {
		return false
	}
	if pats := folders(a["attachment_filenames"]); pats != nil && (it.Attachments == "" || !slices.ContainsFunc(strings.Split(it.Attachments, "|"), func(name string) bool {
		return slices.ContainsFunc(pats, func(p string) bool {
			return wildcardMatch(p, name)
		})
	})) {
		return false
	}
	if inc := folders(a["include_folders"]); inc != nil && !slices.ContainsFunc(inc, func(f string) bool { return strings.EqualFold(f, it.Folder) }) {
		return false
	}
	return !slices.ContainsFunc(folders(a["exclude_folders"]), func(f string) bool { return strings.EqualFold(f, it.Folder) })
}

// RemoveRecoveryGroup dismounts the recovery database, removes it and its
// group from the directory, and moves their files aside (the cmdlets
// leave files; exdr keeps them out of the way, never deletes them).
func (l *Store) RemoveRecoveryGroup(step *providers.Step) error {
	var sg *ad.StorageGroup
	var dbs []*ad.Database
	l.ViewDirectory(func(d *ad.Directory) error {
		sg = d.StorageGroup(step.Identity)
		for _, db := range d.Databases {
			if strings.EqualFold(db.StorageGroup, string(step.Identity)) {
				dbs = append(dbs, db)
			}
		}
		return nil
	})
	if sg == nil {
		return nil // removed already
	}
	if !sg.Recovery {
		return fmt.Errorf("%s is not a recovery storage group; exdr removes only those", step.Identity)
	}
	for _, db := range dbs {
		if err := l.Dismount(db.Identity()); err != nil {
			return err
		}
		if path, err := l.HostPath(sg.Server, db.EdbFilePath); err == nil {
			if _, err := os.Stat(path); err == nil {
				if _, err := disk.MoveAside(path, l.Now()); err != nil {
					return err
				}
			}
		}
	}
	if dir, err := l.HostPath(sg.Server, sg.LogFolderPath); err == nil {
		if _, err := os.Stat(dir); err == nil {
			if _, err := disk.MoveAside(dir, l.Now()); err != nil {
				return err
			}
		}
	}
	return l.UpdateDirectory(func(d *ad.Directory) error {
		d.Databases = slices.DeleteFunc(d.Databases, func(db *ad.Database) bool { return strings.EqualFold(db.StorageGroup, string(step.Identity)) })
		// By identity: sg is from an earlier view, and the directory may
		// have been read again since (another exdr changed it).
		d.StorageGroups = slices.DeleteFunc(d.StorageGroups, func(g *ad.StorageGroup) bool {
			return org.Identity(g.Server).Join(g.Name).Key() == step.Identity.Key()
		})
		d.Reindex()
		return nil
	})
}

// wildcardMatch matches a file name against a Restore-Mailbox attachment
// pattern, ignoring case: * any run of characters, ? one; everything else
// (brackets included) stands for itself.
func wildcardMatch(pattern, name string) bool {
	p, n := []rune(strings.ToLower(pattern)), []rune(strings.ToLower(name))
	var star, mark = -1, 0
	i, j := 0, 0
	for j < len(n) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == n[j]):
			i++
			j++
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case star >= 0:
			i, mark = star+1, mark+1
			j = mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}
