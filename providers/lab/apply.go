package lab

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/exdr/exdr/internal/english"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/store"
	"github.com/exdr/exdr/providers/lab/transport"
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
	if err := l.CheckTree(); err != nil {
		return err
	}
	if err := l.Ensure(); err != nil {
		return err
	}
	if q := step.Args["queue_server"]; q != "" {
		return l.applyQueue(ctx, q, step, progress)
	}
	do, ok := verbs[step.Verb]
	if !ok {
		return fmt.Errorf("the lab cannot carry out %s", step.Verb)
	}
	if err := do(l, call{ctx, step, progress}); err != nil {
		return fmt.Errorf("%s %s: %w", step.Verb, step.Identity, err)
	}
	return nil
}

// call is one step to carry out, with its context and progress.
type call struct {
	ctx      context.Context
	step     *providers.Step
	progress providers.Progress
}

// measured runs a step whose work it counts (bytes restored, log
// generations replayed), and records the rate for the planner's
// estimates.
func (l *Lab) measured(c call, do func(context.Context, *providers.Step, providers.Progress) (int64, error)) error {
	start := time.Now()
	n, err := do(c.ctx, c.step, c.progress)
	if err == nil {
		l.Measure(string(c.step.Verb), n, time.Since(start))
	}
	return err
}

// verbs are the lab's implementation of each verb on a mailbox
// server's resources (a step on a queue database goes to queueVerbs).
// Every verb of providers.Verbs has one (TestLabKnowsEveryVerb).
var verbs = map[providers.Verb]func(l *Lab, c call) error{
	providers.VerbCreateServer: func(l *Lab, c call) error {
		return l.createServer(c.step)
	},
	providers.VerbCreateStorageGroup: func(l *Lab, c call) error {
		return l.CreateStorageGroup(c.step)
	},
	providers.VerbSetStorageGroup: func(l *Lab, c call) error {
		return l.SetStorageGroup(c.step)
	},
	providers.VerbCreateDatabase: func(l *Lab, c call) error {
		return l.CreateDatabase(c.step)
	},
	providers.VerbCreateEmptyDatabase: func(l *Lab, c call) error {
		return l.CreateDatabase(c.step)
	},
	providers.VerbNewPublicFolder: func(l *Lab, c call) error {
		return l.NewPublicFolder(c.step.Args["path"], c.step.Args["server"])
	},
	providers.VerbSetPublicFolderReplicas: func(l *Lab, c call) error {
		return l.SetReplicas(c.step.Args["path"], providers.SplitList(c.step.Args["replicas"]))
	},
	providers.VerbUpdatePublicFolders: func(l *Lab, c call) error {
		_, err := l.Backfill(c.step.Identity)
		return err
	},
	providers.VerbSetDatabase: func(l *Lab, c call) error {
		return l.SetDatabase(c.step)
	},
	providers.VerbMount: func(l *Lab, c call) error {
		if err := l.Mount(c.step.Identity); err != nil {
			return err
		}
		return l.seedNewClusterCopy(c.step.Identity)
	},
	providers.VerbDismount: func(l *Lab, c call) error {
		return l.Dismount(c.step.Identity)
	},
	providers.VerbReplayLogs: func(l *Lab, c call) error {
		return l.ReplayLogs(c.ctx, c.step.Identity, c.progress)
	},
	providers.VerbRepairDatabase: func(l *Lab, c call) error {
		return l.Repair(c.ctx, c.step.Identity, c.progress)
	},
	providers.VerbAllowFileRestore: func(l *Lab, c call) error {
		return l.UpdateDirectory(func(d *ad.Directory) error {
			db := d.Database(c.step.Identity)
			if db == nil {
				return fmt.Errorf("database does not exist")
			}
			db.AllowFileRestore = c.step.Args["value"] != "false"
			return nil
		})
	},
	providers.VerbRestoreBackup: func(l *Lab, c call) error {
		return l.measured(c, l.RestoreBackup)
	},
	providers.VerbHardRecovery: func(l *Lab, c call) error {
		return l.measured(c, l.HardRecovery)
	},
	providers.VerbIntegrityCheck: func(l *Lab, c call) error {
		return l.Integrity(c.step.Identity)
	},
	providers.VerbDefragment: func(l *Lab, c call) error {
		return l.Defragment(c.ctx, c.step.Identity, c.progress)
	},
	providers.VerbPlaceDatabase: func(l *Lab, c call) error {
		return l.PlaceDatabase(c.step)
	},
	providers.VerbRemoveDatabase: func(l *Lab, c call) error {
		// Mail still routed to it would wait for it forever: refused
		// until it is resubmitted to where its recipients are (a plan
		// made now does that first).
		n, where := 0, ""
		for _, m := range l.QueuedMessages() {
			if m.Dest != "" && org.Identity(m.Dest).Key() == c.step.Identity.Key() {
				n, where = n+1, m.Server
			}
		}
		if n > 0 {
			return fmt.Errorf("%s still has %s routed to it in %s's queues: resubmit them (Retry-Queue -Resubmit $true) before it is removed; a plan made now does", c.step.Identity, english.Plural(n, "message"), where)
		}
		return l.RemoveDatabase(c.step)
	},
	providers.VerbRehomeMailboxes: func(l *Lab, c call) error {
		return l.RehomeMailboxes(c.step)
	},
	providers.VerbCreateMailbox: func(l *Lab, c call) error {
		return l.CreateMailbox(c.step)
	},
	providers.VerbConnectMailbox: func(l *Lab, c call) error {
		return l.ConnectMailbox(c.step)
	},
	providers.VerbCleanMailboxDB: func(l *Lab, c call) error {
		return l.CleanMailboxDatabase(c.step)
	},
	providers.VerbSetMailbox: func(l *Lab, c call) error {
		return l.SetMailbox(c.step)
	},
	providers.VerbCreateRecoveryGroup: func(l *Lab, c call) error {
		return l.CreateRecoveryGroup(c.step)
	},
	providers.VerbCreateRecoveryDB: func(l *Lab, c call) error {
		return l.CreateRecoveryDatabase(c.step)
	},
	providers.VerbRestoreMailbox: func(l *Lab, c call) error {
		return l.RestoreMailbox(c.step)
	},
	providers.VerbRemoveRecoveryGroup: func(l *Lab, c call) error {
		return l.RemoveRecoveryGroup(c.step)
	},
	providers.VerbSwapDatabases: func(l *Lab, c call) error {
		return l.SwapDatabases(c.step)
	},
	providers.VerbValidateEdgeConfig: func(l *Lab, c call) error {
		return l.ValidateEdge(c.step)
	},
	providers.VerbImportEdgeConfig: func(l *Lab, c call) error {
		return l.ImportEdge(c.step)
	},
	providers.VerbSubscribeEdge: func(l *Lab, c call) error {
		return l.SubscribeEdge(c.step)
	},
	providers.VerbEnableCopy: func(l *Lab, c call) error {
		return l.EnableCopy(c.step)
	},
	providers.VerbSeedCopy: func(l *Lab, c call) error {
		return l.SeedCopy(c.step.Identity)
	},
	providers.VerbActivateCopy: func(l *Lab, c call) error {
		if l.isClusterCopy(c.step.Identity) {
			return l.ActivateClusterCopy(c.ctx, c.step)
		}
		_, err := l.ActivateCopy(c.ctx, c.step)
		return err
	},
	providers.VerbMoveClusteredServer: func(l *Lab, c call) error {
		return l.MoveClusteredServer(c.ctx, c.step)
	},
	providers.VerbSetMailboxServer: func(l *Lab, c call) error {
		return l.UpdateDirectory(func(d *ad.Directory) error {
			s := d.Server(string(c.step.Identity))
			if s == nil || s.Cluster == nil {
				return fmt.Errorf("%s is not a clustered mailbox server", c.step.Identity)
			}
			dial := c.step.Args["auto_database_mount_dial"]
			if _, ok := org.MountDials[dial]; !ok {
				return fmt.Errorf("AutoDatabaseMountDial %q is not lossless, good_availability or best_availability", dial)
			}
			s.Cluster.MountDial = dial
			return nil
		})
	},
	providers.VerbSetAsideLogs: func(l *Lab, c call) error {
		return l.SetAsideLogs(c.step)
	},
}

func (l *Lab) createServer(step *providers.Step) error {
	switch step.Args["setup"] {
	case "new_cms", "recover_cms":
		return l.createClusteredServer(step)
	case "cluster_node":
		return l.installNode(step)
	}
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
	watermark := l.SetupWatermark(name)
	if err := l.markSetup(name, watermark, []byte(step.Args["roles"]+"\n")); err != nil {
		return err
	}
	err := l.UpdateDirectory(func(d *ad.Directory) error {
		if d.Server(name) == nil {
			d.AddServer(&ad.Server{Name: name, Roles: roles, Site: step.Args["site"], Edition: store.OrDefault(step.Args["edition"], "standard")})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if l.Failed(name) {
		// A new machine with the failed one's disks, as RecoverServer is
		// run on: its services start from nothing.
		for _, p := range []string{l.StorePath(name), l.FailedPath(name)} {
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
		if t, err := l.LoadService(name); err == nil && t != nil {
			t.Running, t.NotAccepting = false, false
			if err := l.SaveService(name, t); err != nil {
				return err
			}
		}
	}
	// The server's machine: Setup puts Exchange on C:.
	if err := os.MkdirAll(l.DisksDir(name)+string(os.PathSeparator)+"C", 0o755); err != nil {
		return err
	}
	if roles.Has(org.RoleEdgeTransport) {
		if _, err := os.Stat(l.ADAMPath(name)); err != nil {
			if err := l.WriteEdgeConfig(name, transport.DefaultEdgeConfig(name)); err != nil {
				return err
			}
		}
	}
	if roles.Has(org.RoleHubTransport) || roles.Has(org.RoleEdgeTransport) {
		if err := l.InstallTransport(name); err != nil {
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
	disks := l.DisksDir(server)
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
