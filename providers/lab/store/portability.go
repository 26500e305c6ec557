package store

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
)

// PlaceDatabase copies a database's file from its old place (args
// "source", another server's database, which must be in clean shutdown
// and not mounted) to this database's path, where it is attached to this
// storage group's log stream. The source file is left where it was.
func (l *Store) PlaceDatabase(step *providers.Step) error {
	dst, err := l.Database(step.Identity)
	if err != nil {
		return err
	}
	if e, err := ese.OpenEDB(dst.Path, false); err == nil {
		// Placed already: this database's name and its storage group's
		// stream (a file from before a rebuild has the old stream's).
		done := strings.EqualFold(e.Hdr.Identity, string(dst.DB.Identity())) && e.Hdr.LogStream == dst.SG.Signature &&
			step.Args["set_aside"] != "true" // failback: copied again, whatever stands there
		e.Close()
		if done {
			return nil // placed already
		}
		if step.Args["set_aside"] != "true" {
			return fmt.Errorf("a file already stands at %s on %s; exdr does not overwrite it", dst.DB.EdbFilePath, dst.Server)
		}
	}
	if !dst.DB.AllowFileRestore {
		return fmt.Errorf("the database may not be overwritten by a restore: run Set-MailboxDatabase -AllowFileRestore $true first")
	}
	src, err := l.Database(org.Identity(step.Args["source"]))
	if err != nil {
		return fmt.Errorf("the database to move, %s: %w", step.Args["source"], err)
	}
	e, err := ese.OpenEDB(src.Path, false)
	if err != nil {
		return fmt.Errorf("the file of %s cannot be read: %w", src.DB.Identity(), err)
	}
	clean := e.Hdr.State == org.StateClean
	e.Close()
	if !clean {
		return fmt.Errorf("%s is not in clean shutdown: dismount it, or bring it there with soft recovery, before moving it", src.DB.Identity())
	}
	st, err := os.Stat(src.Path)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(dst.Path); err == nil && step.Args["set_aside"] == "true" {
		// Failback: what stands at home, kept aside, once the copy can
		// be made (the checks above refuse before anything moves).
		if _, err := disk.MoveAside(dst.Path, l.Now()); err != nil {
			return err
		}
	}
	if err := l.EnsureFree(dst.Server, dst.DB.EdbFilePath, st.Size(), "the moved database"); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst.Path), 0o755); err != nil {
		return err
	}
	tmp := dst.Path + ".exdr-placing"
	os.Remove(tmp)
	if err := disk.CopyFile(src.Path, tmp); err != nil {
		return err
	}
	out, err := ese.OpenEDB(tmp, true)
	if err != nil {
		return err
	}
	// The file takes its new name in the header and joins the new
	// storage group's log stream; being clean, it needs none of the old
	// stream's logs.
	out.Hdr.Identity, out.Hdr.LogStream, out.Hdr.AttachLSN = string(dst.DB.Identity()), dst.SG.Signature, 0
	if err := out.WriteHeader(); err != nil {
		out.Close()
		return err
	}
	if err := out.Handle.Sync(); err != nil {
		out.Close()
		return err
	}
	out.Close()
	return os.Rename(tmp, dst.Path)
}

// RehomeMailboxes is Move-Mailbox -ConfigurationOnly: the mailboxes homed
// in the old database (args "source") are homed in this one. No data
// moves; it came with the file.
func (l *Store) RehomeMailboxes(step *providers.Step) error {
	src := org.Identity(step.Args["source"])
	return l.UpdateDirectory(func(d *ad.Directory) error {
		if d.Database(step.Identity) == nil {
			return fmt.Errorf("database does not exist")
		}
		for _, m := range d.Mailboxes {
			if org.Identity(m.Database).Key() == src.Key() {
				m.Database = string(step.Identity)
				d.Touch(m)
			}
		}
		return nil
	})
}

// RemoveDatabase is Remove-MailboxDatabase then Remove-StorageGroup, for
// a database without users alone in its storage group (the one an SCR
// copy became on its standby, after failback): dismounted, its objects
// removed from the directory, its file and log folder set aside, never
// deleted. Refused while a mailbox is homed in it, as Exchange refuses.
func (l *Store) RemoveDatabase(step *providers.Step) error {
	sgID := org.Identity(step.Args["storage_group"])
	var sg *ad.StorageGroup
	var db *ad.Database
	var others, homed int
	l.ViewDirectory(func(d *ad.Directory) error {
		sg, db = d.StorageGroup(sgID), d.Database(step.Identity)
		for _, o := range d.Databases {
			if strings.EqualFold(o.StorageGroup, string(sgID)) && org.Identity(o.Identity()).Key() != step.Identity.Key() {
				others++
			}
		}
		for _, m := range d.Mailboxes {
			if org.Identity(m.Database).Key() == step.Identity.Key() {
				homed++
			}
		}
		return nil
	})
	switch {
	case sg == nil && db == nil:
		return nil // removed already
	case sg == nil:
		return fmt.Errorf("%s is not in storage group %s: plan again", step.Identity, sgID)
	case homed > 0:
		return fmt.Errorf("%s still has %d mailboxes: re-home them first", step.Identity, homed)
	case others > 0:
		return fmt.Errorf("%s holds other databases: exdr removes a storage group only with its one database", sgID)
	case sg != nil && sg.Recovery:
		return fmt.Errorf("%s is a recovery storage group: remove it as one", sgID)
	}
	// The objects go before the files: a kill between the two leaves
	// files without objects, which the copy's next seed sets aside, never
	// a standby database without its file, which would read as an
	// activation to finish.
	var files []string
	if db != nil {
		if err := l.Dismount(step.Identity); err != nil {
			return err
		}
		if path, err := l.HostPath(sg.Server, db.EdbFilePath); err == nil {
			files = append(files, path)
		}
	}
	if sg != nil {
		if dir, err := l.HostPath(sg.Server, sg.LogFolderPath); err == nil {
			files = append(files, dir)
		}
	}
	err := l.UpdateDirectory(func(d *ad.Directory) error {
		d.Databases = slices.DeleteFunc(d.Databases, func(o *ad.Database) bool { return org.Identity(o.Identity()).Key() == step.Identity.Key() })
		d.StorageGroups = slices.DeleteFunc(d.StorageGroups, func(g *ad.StorageGroup) bool {
			return org.Identity(g.Server).Join(g.Name).Key() == sgID.Key()
		})
		d.Reindex()
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range files {
		if _, err := os.Lstat(f); err == nil {
			if _, err := disk.MoveAside(f, l.Now()); err != nil {
				return err
			}
		}
	}
	return nil
}
