package drill

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab"
)

// A drill's actions on its copy of the lab: what it does before the
// disaster (prepare) and the disaster itself (inflict).

// prepare does one before action on the copy.
func prepare(ctx context.Context, l *lab.Lab, o *org.Org, a org.DrillAction) error {
	switch a.Kind {
	case "traffic":
		opts := lab.TrafficOptions{Mailboxes: num(a, "mailboxes", 2), Items: num(a, "items", 5), External: num(a, "external", 0), Inbound: num(a, "inbound", 0), Seed: uint64(num(a, "seed", 1))}
		rep, err := l.Traffic(ctx, opts)
		if err != nil {
			return err
		}
		moved := rep.External
		if in := rep.Inbound; in != nil {
			moved += in.Accepted + in.Waiting
		}
		for _, n := range rep.Delivered {
			moved += n
		}
		for _, n := range rep.Queued {
			moved += n
		}
		if moved == 0 && opts.Mailboxes > 0 && (opts.Items > 0 || opts.External > 0) && len(rep.Skipped) > 0 {
			// Nothing it counts afterwards was sent: the drill would
			// pass on nothing.
			return fmt.Errorf("its traffic delivered and queued nothing: %s", strings.Join(rep.Skipped, "; "))
		}
		return nil
	case "backup":
		typ, ok := org.ParseBackupType(a.Args["type"])
		if !ok {
			typ = org.BackupFull
		}
		var sg org.Identity
		if v := a.Args["storage_group"]; v != "" {
			sg = storageGroup(o, v)
		}
		method := a.Args["method"]
		if method == "streaming" {
			method = ""
		}
		_, err := l.BackupWith(ctx, sg, typ, method)
		var skipped *lab.BackupSkipped
		if errors.As(err, &skipped) {
			err = nil // the others were backed up; a group with no file has nothing to
		}
		return err
	case "clock":
		d, err := org.ParseDuration(a.Args["advance"])
		if err != nil {
			return err
		}
		_, err = l.Advance(time.Duration(d))
		return err
	case "dismount":
		return l.Apply(ctx, &providers.Step{Verb: providers.VerbDismount, Identity: database(o, a.Args["database"])}, nil)
	case "posts":
		h, err := l.Hierarchy()
		if err != nil {
			return err
		}
		if len(h) == 0 {
			return errors.New("the public folder hierarchy holds no folder to post to")
		}
		for _, f := range h {
			if _, err := l.Post(f.Path, num(a, "count", 5)); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("no such action")
}

// inflict does one disaster on the copy: bytes really lost or damaged.
func inflict(ctx context.Context, l *lab.Lab, o *org.Org, a org.DrillAction) error {
	switch a.Kind {
	case "inbound":
		rep, err := l.Traffic(ctx, lab.TrafficOptions{Mailboxes: num(a, "mailboxes", 2), Inbound: num(a, "count", 3), Seed: uint64(num(a, "seed", 1))})
		if err != nil {
			return err
		}
		if rep.Inbound == nil || rep.Inbound.Accepted+rep.Inbound.Waiting == 0 {
			return errors.New("no mail from the Internet was sent: the organization has no mailbox to send it to")
		}
		return nil
	case "lose_server":
		return l.LoseServer(a.Args["server"])
	case "fail_server":
		return l.FailServer(a.Args["server"])
	case "corrupt_queue":
		return l.CorruptQueuePage(a.Args["server"], uint32(num(a, "page", 0)))
	case "delete_database":
		return l.DeleteDatabaseFile(database(o, a.Args["database"]))
	case "corrupt_page":
		return l.CorruptPage(database(o, a.Args["database"]), uint32(num(a, "page", 0)))
	case "delete_logs":
		_, err := l.DeleteLogs(storageGroup(o, a.Args["storage_group"]), uint32(num(a, "from", 1)))
		return err
	case "crash":
		return l.Crash(a.Args["server"])
	case "dismount":
		return l.Apply(ctx, &providers.Step{Verb: providers.VerbDismount, Identity: database(o, a.Args["database"])}, nil)
	case "corrupt_backup":
		return corruptNewestBackup(l, storageGroup(o, a.Args["storage_group"]))
	case "disable_mailbox":
		return l.DisableMailbox(a.Args["mailbox"])
	case "delete_items":
		_, err := l.DeleteItems(a.Args["mailbox"], num(a, "count", 1))
		return err
	case "remove_account":
		return l.RemoveAccount(a.Args["mailbox"])
	case "clock":
		d, err := org.ParseDuration(a.Args["advance"])
		if err != nil {
			return err
		}
		_, err = l.Advance(time.Duration(d))
		return err
	}
	return errors.New("no such disaster")
}

// corruptNewestBackup damages the newest backup set of a storage group:
// set IDs carry the time they were taken, so a drill cannot name one.
func corruptNewestBackup(l *lab.Lab, sg org.Identity) error {
	sets, err := l.Backups()
	if err != nil {
		return err
	}
	for i := len(sets) - 1; i >= 0; i-- {
		if org.Identity(sets[i].StorageGroup).Key() == sg.Key() {
			return l.CorruptBackup(sets[i].ID)
		}
	}
	return fmt.Errorf("%s has no backup to corrupt: add a before \"backup\" block", sg)
}

func describe(a org.DrillAction) string {
	var parts []string
	for _, k := range org.DrillDisasters[a.Kind].Args {
		if v, ok := a.Args[k]; ok {
			parts = append(parts, k+" "+v)
		}
	}
	return strings.TrimSpace(a.Kind + " " + strings.Join(parts, ", "))
}

func num(a org.DrillAction, name string, def int) int {
	if v, err := strconv.Atoi(a.Args[name]); err == nil {
		return v
	}
	return def
}

// database and storageGroup take an address or an identity; lang has
// checked that one of the configuration's resources answers to it.
func database(o *org.Org, v string) org.Identity {
	for _, db := range o.Databases {
		if db.Addr.String() == v {
			return db.Identity()
		}
	}
	return org.Identity(v)
}

func storageGroup(o *org.Org, v string) org.Identity {
	for _, sg := range o.StorageGroups {
		if sg.Addr.String() == v {
			return sg.Identity()
		}
	}
	return org.Identity(v)
}
