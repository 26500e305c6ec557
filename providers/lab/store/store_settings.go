package store

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/host"
)

func (l *Store) CreateStorageGroup(step *providers.Step) error {
	server, name := step.Args["server"], step.Args["name"]
	var sg *ad.StorageGroup
	existed := false
	err := l.UpdateDirectory(func(d *ad.Directory) error {
		if d.Server(server) == nil {
			return fmt.Errorf("server %s does not exist", server)
		}
		id := org.Identity(server).Join(name)
		if sg = d.StorageGroup(id); sg != nil {
			existed = true
			return nil
		}
		// New-StorageGroup refuses a log folder another storage group of
		// the server keeps its logs in: the streams would mix.
		for _, o := range d.StorageGroups {
			if strings.EqualFold(o.Server, server) && org.SameFolder(o.LogFolderPath, step.Args["log_folder_path"]) {
				return fmt.Errorf("the log folder %s is storage group %s\\%s's: each storage group keeps its logs in its own", step.Args["log_folder_path"], o.Server, o.Name)
			}
		}
		sg = &ad.StorageGroup{
			Server: d.Server(server).Name, Name: name,
			LogFolderPath:    step.Args["log_folder_path"],
			SystemFolderPath: OrDefault(step.Args["system_folder_path"], step.Args["log_folder_path"]),
			CircularLogging:  step.Args["circular_logging"] == "true",
			// In the same write as the group: a kill between two writes
			// left an ordinary storage group by the recovery group's name.
			Recovery:  step.Verb == providers.VerbCreateRecoveryGroup,
			Prefix:    nextPrefix(d, server),
			Signature: host.NewSignature(),
		}
		if c := d.Server(server).Cluster; c != nil && c.Type == org.ClusterCCR && !sg.Recovery {
			// On a CCR clustered mailbox server every storage group has
			// its copy on the passive node, begun with its database.
			sg.Copy = &ad.Copy{Cluster: true, NewSeed: true}
		}
		d.AddStorageGroup(sg)
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := os.Stat(l.DisksDir(sg.Server)); err != nil {
		return fmt.Errorf("server %s is down: its disks are gone", sg.Server)
	}
	s, err := l.Stream(sg)
	if err != nil {
		return err
	}
	mu := l.StreamLock(s.Dir)
	mu.Lock()
	defer mu.Unlock()
	if fresh, err := s.Empty(); err != nil {
		return err
	} else if fresh && existed {
		// A stream started in an empty folder (the group made again
		// after its log folder was lost with its server) is a new
		// stream, with a signature of its own, as ESE gives the first
		// log of a new sequence: it continues no backup of the old one.
		// It kept the old signature, and a restore of a backup from
		// before rolled forward through generations that were not its
		// own, saying nothing was lost (adversarial review).
		// A clean file of the old stream (the database's drive survived
		// the server) stays the group's, attached at its mount, as after
		// a restart (review).
		g, err := l.SwitchStream(org.Identity(sg.Server).Join(sg.Name), host.NewSignature())
		if err != nil {
			return err
		}
		s.Sig = g.Signature
	}
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

func (l *Store) SetStorageGroup(step *providers.Step) error {
	return l.UpdateDirectory(func(d *ad.Directory) error {
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

func (l *Store) SetDatabase(step *providers.Step) error {
	return l.UpdateDirectory(func(d *ad.Directory) error {
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
		case "replication_interval":
			dur, err := org.ParseDuration(val)
			if err != nil {
				return err
			}
			db.ReplicationPeriod = dur.String()
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

func OrDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Exchange's defaults for a new database.
const (
	defaultDeletedItemRetention = "14.00:00:00"
	defaultMailboxRetention     = "30.00:00:00"
)

// SwitchStream records in the directory that storage group id's log
// stream is now the one of signature sig: a new stream (the group made
// again in an emptied folder, a mount of a folder emptied by hand) or
// the backup's again (a VSS restore). The stream it leaves stays among
// the group's restarted ones, so a clean file of it is still the group's
// (ad.StorageGroup.OwnStream) and its mount attaches it; the three
// places that changed the signature each kept that record their own way,
// and two forgot it (review). It returns a copy of the group's record as
// it is then, never the directory's shared one, which other steps read
// at once. The caller holds the stream's lock.
func (l *Store) SwitchStream(id org.Identity, sig uint64) (*ad.StorageGroup, error) {
	var own *ad.StorageGroup
	err := l.UpdateDirectory(func(d *ad.Directory) error {
		g := d.StorageGroup(id)
		if g == nil {
			return fmt.Errorf("storage group %s is not in the directory", id)
		}
		if g.Signature != sig {
			if g.Signature != 0 && !slices.Contains(g.Restarted, g.Signature) {
				g.Restarted = append(g.Restarted, g.Signature)
			}
			g.Restarted = slices.DeleteFunc(g.Restarted, func(s uint64) bool { return s == sig })
			g.Signature = sig
		}
		c := *g
		c.Restarted = slices.Clone(g.Restarted)
		own = &c
		return nil
	})
	return own, err
}
