package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/backup"
	"github.com/exdr/exdr/providers/lab/ese"
)

// placeDatabase copies a database's file from its old place (args
// "source", another server's database, which must be in clean shutdown
// and not mounted) to this database's path, where it is attached to this
// storage group's log stream. The source file is left where it was.
func (l *Store) placeDatabase(step *providers.Step) error {
	dst, err := l.database(step.Identity)
	if err != nil {
		return err
	}
	if e, err := ese.OpenEDB(dst.path, false); err == nil {
		done := strings.EqualFold(e.Hdr.Identity, string(dst.db.Identity())) && e.Hdr.LogStream == dst.sg.Signature
		e.Close()
		if done {
			return nil // placed already
		}
		return fmt.Errorf("a file already stands at %s on %s; exdr does not overwrite it", dst.db.EdbFilePath, dst.server)
	}
	if !dst.db.AllowFileRestore {
		return fmt.Errorf("the database may not be overwritten by a restore: run Set-MailboxDatabase -AllowFileRestore $true first")
	}
	src, err := l.database(org.Identity(step.Args["source"]))
	if err != nil {
		return fmt.Errorf("the database to move, %s: %w", step.Args["source"], err)
	}
	e, err := ese.OpenEDB(src.path, false)
	if err != nil {
		return fmt.Errorf("the file of %s cannot be read: %w", src.db.Identity(), err)
	}
	clean := e.Hdr.State == org.StateClean
	e.Close()
	if !clean {
		return fmt.Errorf("%s is not in clean shutdown: dismount it, or bring it there with soft recovery, before moving it", src.db.Identity())
	}
	st, err := os.Stat(src.path)
	if err != nil {
		return err
	}
	if err := l.EnsureFree(dst.server, dst.db.EdbFilePath, st.Size(), "the moved database"); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst.path), 0o755); err != nil {
		return err
	}
	tmp := dst.path + ".exdr-placing"
	os.Remove(tmp)
	if _, err := backup.CopyVerified(src.path, tmp); err != nil {
		return err
	}
	out, err := ese.OpenEDB(tmp, true)
	if err != nil {
		return err
	}
	// The file takes its new name in the header and joins the new
	// storage group's log stream; being clean, it needs none of the old
	// stream's logs.
	out.Hdr.Identity, out.Hdr.LogStream, out.Hdr.AttachLSN = string(dst.db.Identity()), dst.sg.Signature, 0
	if err := out.WriteHeader(); err != nil {
		out.Close()
		return err
	}
	if err := out.Handle.Sync(); err != nil {
		out.Close()
		return err
	}
	out.Close()
	return os.Rename(tmp, dst.path)
}

// rehomeMailboxes is Move-Mailbox -ConfigurationOnly: the mailboxes homed
// in the old database (args "source") are homed in this one. No data
// moves; it came with the file.
func (l *Store) rehomeMailboxes(step *providers.Step) error {
	src := org.Identity(step.Args["source"])
	return l.UpdateDirectory(func(d *ad.Directory) error {
		if d.Database(step.Identity) == nil {
			return fmt.Errorf("database does not exist")
		}
		for _, m := range d.Mailboxes {
			if org.Identity(m.Database).Key() == src.Key() {
				m.Database = string(step.Identity)
			}
		}
		return nil
	})
}
