package lab

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
)

// Apply carries out one step on the lab. Every verb checks whether its
// effect is already in place first, so applying a step twice is harmless.
func (l *Lab) Apply(ctx context.Context, step *providers.Step, progress providers.Progress) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkStepNames(step); err != nil {
		return err
	}
	if err := l.checkTree(); err != nil {
		return err
	}
	if err := l.ensure(); err != nil {
		return err
	}
	if q := step.Args["queue_server"]; q != "" {
		return l.applyQueue(ctx, q, step, progress)
	}
	var err error
	switch step.Verb {
	case providers.VerbCreateServer:
		err = l.createServer(step)
	case providers.VerbCreateStorageGroup:
		err = l.createStorageGroup(step)
	case providers.VerbSetStorageGroup:
		err = l.setStorageGroup(step)
	case providers.VerbCreateDatabase, providers.VerbCreateEmptyDatabase:
		err = l.createDatabase(step)
	case providers.VerbSetDatabase:
		err = l.setDatabase(step)
	case providers.VerbMount:
		err = l.mount(step.Identity)
	case providers.VerbDismount:
		err = l.dismount(step.Identity)
	case providers.VerbReplayLogs:
		err = l.replayLogs(ctx, step.Identity, progress)
	case providers.VerbRepairDatabase:
		err = l.repair(ctx, step.Identity, progress)
	case providers.VerbAllowFileRestore:
		err = l.updateDirectory(func(d *ad.Directory) error {
			db := d.Database(step.Identity)
			if db == nil {
				return fmt.Errorf("database does not exist")
			}
			db.AllowFileRestore = step.Args["value"] != "false"
			return nil
		})
	case providers.VerbRestoreBackup:
		start := time.Now()
		var n int64
		if n, err = l.restoreBackup(ctx, step, progress); err == nil {
			l.measure(string(step.Verb), n, time.Since(start))
		}
	case providers.VerbHardRecovery:
		start := time.Now()
		var gens int64
		if gens, err = l.hardRecovery(ctx, step, progress); err == nil {
			l.measure(string(step.Verb), gens, time.Since(start))
		}
	case providers.VerbIntegrityCheck:
		err = l.integrity(step.Identity)
	case providers.VerbDefragment:
		err = l.defragment(ctx, step.Identity, progress)
	case providers.VerbPlaceDatabase:
		err = l.placeDatabase(step)
	case providers.VerbRehomeMailboxes:
		err = l.rehomeMailboxes(step)
	case providers.VerbCreateMailbox:
		err = l.createMailbox(step)
	case providers.VerbConnectMailbox:
		err = l.connectMailbox(step)
	case providers.VerbCleanMailboxDB:
		err = l.cleanMailboxDatabase(step)
	case providers.VerbSetMailbox:
		err = l.setMailbox(step)
	case providers.VerbCreateRecoveryGroup:
		err = l.createRecoveryGroup(step)
	case providers.VerbCreateRecoveryDB:
		err = l.createRecoveryDatabase(step)
	case providers.VerbRestoreMailbox:
		err = l.restoreMailbox(step)
	case providers.VerbRemoveRecoveryGroup:
		err = l.removeRecoveryGroup(step)
	case providers.VerbSwapDatabases:
		err = l.swapDatabases(step)
	case providers.VerbValidateEdgeConfig:
		err = l.validateEdge(step)
	case providers.VerbImportEdgeConfig:
		err = l.importEdge(step)
	case providers.VerbSubscribeEdge:
		err = l.subscribeEdge(step)
	case providers.VerbEnableCopy:
		err = l.enableCopy(step)
	case providers.VerbSeedCopy:
		err = l.seedCopy(step.Identity)
	case providers.VerbActivateCopy:
		_, err = l.activateCopy(ctx, step)
	case providers.VerbSetAsideLogs:
		err = l.setAsideLogs(step)
	default:
		return fmt.Errorf("the lab cannot carry out %s", step.Verb)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", step.Verb, step.Identity, err)
	}
	return nil
}

func (l *Lab) createServer(step *providers.Step) error {
	name := step.Args["server"]
	var roles org.Roles
	for _, r := range strings.Split(step.Args["roles"], ",") {
		if role, ok := org.ParseRole(strings.TrimSpace(r)); ok {
			roles = roles.With(role)
		}
	}
	// Setup's watermark first, on the machine's C: drive (its registry):
	// until Setup ends, a kill leaves a server that reads as half set up,
	// and the next plan runs Setup again.
	watermark := l.setupWatermark(name)
	if err := l.markSetup(name, watermark, []byte(step.Args["roles"]+"\n")); err != nil {
		return err
	}
	err := l.updateDirectory(func(d *ad.Directory) error {
		if d.Server(name) == nil {
			d.AddServer(&ad.Server{Name: name, Roles: roles, Site: step.Args["site"], Edition: orDefault(step.Args["edition"], "standard")})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if l.failed(name) {
		// A new machine with the failed one's disks, as RecoverServer is
		// run on: its services start from nothing.
		for _, p := range []string{l.storePath(name), l.failedPath(name)} {
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
		if t, err := l.loadTransport(name); err == nil && t != nil {
			t.Running, t.NotAccepting = false, false
			if err := l.saveTransport(name, t); err != nil {
				return err
			}
		}
	}
	// The server's machine: Setup puts Exchange on C:.
	if err := os.MkdirAll(l.disksDir(name)+string(os.PathSeparator)+"C", 0o755); err != nil {
		return err
	}
	if roles.Has(org.RoleEdgeTransport) {
		if _, err := os.Stat(l.adamPath(name)); err != nil {
			if err := l.writeEdgeConfig(name, defaultEdgeConfig(name)); err != nil {
				return err
			}
		}
	}
	if roles.Has(org.RoleHubTransport) || roles.Has(org.RoleEdgeTransport) {
		if err := l.installTransport(name); err != nil {
			return err
		}
	}
	return os.Remove(watermark)
}

// markSetup writes Setup's watermark. A machine that has no disks yet
// gets them with the watermark already in place (made aside, renamed in):
// disks without a watermark read as a server that is up, set up, and
// whose files (an Edge server's ADAM) are then missing.
func (l *Lab) markSetup(server, watermark string, roles []byte) error {
	disks := l.disksDir(server)
	if _, err := os.Lstat(disks); err == nil {
		if err := os.MkdirAll(filepath.Dir(watermark), 0o755); err != nil {
			return err
		}
		return disk.WriteAtomic(watermark, roles)
	}
	staging := disks + ".exdr-setup"
	if err := disk.RefuseLinks(staging); err != nil {
		return err
	}
	rel, err := filepath.Rel(disks, watermark)
	if err != nil {
		return err
	}
	// What a killed Setup left there: exdr's own scratch folder, made
	// here, holding nothing but the watermark (and its temporary file).
	if err := os.RemoveAll(staging); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Join(staging, rel)), 0o755); err != nil {
		return err
	}
	// Not live until the rename: written in place.
	if err := os.WriteFile(filepath.Join(staging, rel), roles, 0o644); err != nil {
		return err
	}
	return os.Rename(staging, disks)
}

// setupWatermark is where a lab server keeps Setup's progress while it
// runs: Exchange's Watermark registry value.
func (l *Lab) setupWatermark(server string) string {
	return filepath.Join(l.disksDir(server), "C", ".exdr-setup-watermark")
}

func (l *Lab) createStorageGroup(step *providers.Step) error {
	server, name := step.Args["server"], step.Args["name"]
	var sg *ad.StorageGroup
	err := l.updateDirectory(func(d *ad.Directory) error {
		if d.Server(server) == nil {
			return fmt.Errorf("server %s does not exist", server)
		}
		id := org.Identity(server).Join(name)
		if sg = d.StorageGroup(id); sg != nil {
			return nil
		}
		sg = &ad.StorageGroup{
			Server: d.Server(server).Name, Name: name,
			LogFolderPath:    step.Args["log_folder_path"],
			SystemFolderPath: orDefault(step.Args["system_folder_path"], step.Args["log_folder_path"]),
			CircularLogging:  step.Args["circular_logging"] == "true",
			// In the same write as the group: a kill between two writes
			// left an ordinary storage group by the recovery group's name.
			Recovery:  step.Verb == providers.VerbCreateRecoveryGroup,
			Prefix:    nextPrefix(d, server),
			Signature: newSignature(),
		}
		d.AddStorageGroup(sg)
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := os.Stat(l.disksDir(sg.Server)); err != nil {
		return fmt.Errorf("server %s is down: its disks are gone", sg.Server)
	}
	s, err := l.stream(sg)
	if err != nil {
		return err
	}
	mu := l.streamLock(s.Dir)
	mu.Lock()
	defer mu.Unlock()
	return s.Create()
}

// nextPrefix gives a server's next storage group the next free log prefix:
// E00 for the first, E01 for the second, and so on.
func nextPrefix(d *ad.Directory, server string) string {
	used := map[string]bool{}
	for _, sg := range d.StorageGroups {
		if strings.EqualFold(sg.Server, server) {
			used[sg.Prefix] = true
		}
	}
	for i := 0; ; i++ {
		p := fmt.Sprintf("E%02X", i)
		if !used[p] {
			return p
		}
	}
}

func (l *Lab) setStorageGroup(step *providers.Step) error {
	return l.updateDirectory(func(d *ad.Directory) error {
		sg := d.StorageGroup(step.Identity)
		if sg == nil {
			return fmt.Errorf("storage group does not exist")
		}
		if v, ok := step.Args["circular_logging"]; ok {
			sg.CircularLogging = v == "true"
		}
		return nil
	})
}

// Exchange's defaults for a new database.
const (
	defaultDeletedItemRetention = "14.00:00:00"
	defaultMailboxRetention     = "30.00:00:00"
)

func (l *Lab) setDatabase(step *providers.Step) error {
	return l.updateDirectory(func(d *ad.Directory) error {
		db := d.Database(step.Identity)
		if db == nil {
			return fmt.Errorf("database does not exist")
		}
		return applySettings(db, step.Args)
	})
}

// applySettings sets the database settings present in args.
func applySettings(db *ad.Database, args map[string]string) error {
	for key, val := range args {
		switch key {
		case "allow_file_restore":
			db.AllowFileRestore = val == "true"
		case "retain_deleted_items_until_backup":
			db.RetainDeletedItemsUntilBackup = val == "true"
		case "deleted_item_retention", "mailbox_retention":
			dur, err := org.ParseDuration(val)
			if err != nil {
				return err
			}
			if key == "deleted_item_retention" {
				db.DeletedItemRetention = dur.String()
			} else {
				db.MailboxRetention = dur.String()
			}
		}
	}
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
