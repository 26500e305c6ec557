package drill

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab"
)

// items is every visible item in the organization's mailboxes, keyed by
// mailbox and subject (traffic gives each message a subject of its own),
// with its time.
type items map[string]map[string]time.Time

// inventory reads every mailbox database of the configuration as a user
// would see it. A database that cannot be read holds nothing a user can
// reach.
func inventory(l *lab.Lab, o *org.Org) (items, error) {
	out := items{}
	for _, db := range o.Databases {
		if db.Kind != org.MailboxDB {
			continue
		}
		in, err := l.Inspect(db.Identity())
		if err != nil || in.ContentError != "" || !in.Mounted {
			continue
		}
		for mb, its := range in.Mailboxes {
			for _, it := range its {
				if !it.Deleted.IsZero() {
					continue
				}
				if out[mb] == nil {
					out[mb] = map[string]time.Time{}
				}
				out[mb][it.Subject] = it.Time
			}
		}
	}
	return out, nil
}

func (in items) count() int {
	n := 0
	for _, m := range in {
		n += len(m)
	}
	return n
}

// missingFrom lists what in holds and after does not, by mailbox then
// subject.
func (in items) missingFrom(after items) []LostItem {
	var out []LostItem
	for mb, m := range in {
		for subject, t := range m {
			if _, ok := after[mb][subject]; !ok {
				out = append(out, LostItem{Mailbox: mb, Subject: subject, Time: t.UTC()})
			}
		}
	}
	slices.SortFunc(out, func(a, b LostItem) int {
		if a.Mailbox != b.Mailbox {
			return compare(a.Mailbox, b.Mailbox)
		}
		return compare(a.Subject, b.Subject)
	})
	return out
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// copyTree copies a lab directory into an empty one, keeping modes.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, info.Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
