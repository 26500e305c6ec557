package command

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab"
)

func inspectFlags(fs *flag.FlagSet) func(context.Context, *lab.Lab, *workspace, []string, *streams) error {
	items := fs.Bool("items", false, "list every item: mailbox, folder and subject, one a line")
	return func(ctx context.Context, l *lab.Lab, ws *workspace, args []string, s *streams) error {
		if srv := edgeServerNamed(ws, args[0]); srv != nil {
			return inspectEdge(ctx, l, srv, s)
		}
		id, err := databaseIdentity(ws, args[0])
		if err != nil {
			return err
		}
		in, err := l.Inspect(id)
		if err != nil {
			return err
		}
		writeInspection(s, in, *items)
		return nil
	}
}

func writeInspection(s *streams, in *lab.Inspection, items bool) {
	w := s.stdout
	fmt.Fprintf(w, "Database: %s\nFile:     %s\n", in.Identity, in.EdbFilePath)
	if !in.FileExists {
		fmt.Fprintln(w, "State:    the file is missing")
		return
	}
	if in.HeaderError != "" {
		fmt.Fprintf(w, "State:    unreadable: %s\n", in.HeaderError)
		return
	}
	state := map[org.ShutdownState]string{org.StateClean: "Clean Shutdown", org.StateDirty: "Dirty Shutdown"}[in.State]
	fmt.Fprintf(w, "State:    %s\n", state)
	if in.State == org.StateDirty {
		fmt.Fprintf(w, "Log Required: %s\n", in.LogRequired)
	}
	fmt.Fprintf(w, "Repair Count: %d\n", in.RepairCount)
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return "none"
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	}
	fmt.Fprintf(w, "Last full backup: %s\nLast incremental backup: %s\nLast differential backup: %s\n",
		stamp(in.LastFull), stamp(in.LastIncremental), stamp(in.LastDifferential))
	fmt.Fprintf(w, "Pages:    %d (%s), %s\n", in.Pages, in.Size, failing(len(in.BadPages)))
	fmt.Fprintf(w, "Mounted:  %s\n", map[bool]string{true: "yes", false: "no"}[in.Mounted])
	if in.ContentError != "" {
		fmt.Fprintf(w, "Items:    cannot be read: %s\n", in.ContentError)
		return
	}
	if in.Hierarchy != nil || in.Folders != nil {
		publicFolders(w, in, items)
		return
	}
	fmt.Fprintf(w, "Items:    %d in %s", in.Items(), plural(len(in.Mailboxes), "mailbox"))
	if in.Pending > 0 {
		fmt.Fprintf(w, " (in the pages; %s in the logs await soft recovery)", plural(in.Pending, "page change"))
	}
	if n := in.Dumpster(); n > 0 {
		fmt.Fprintf(w, "; %d deleted, kept in the dumpster", n)
	}
	fmt.Fprintln(w)
	for _, mb := range in.MailboxNames() {
		visible, deleted := 0, 0
		for _, it := range in.Mailboxes[mb] {
			if it.Deleted.IsZero() {
				visible++
			} else {
				deleted++
			}
		}
		line := fmt.Sprintf("  %-20s %s", mb, plural(visible, "item"))
		if deleted > 0 {
			line += fmt.Sprintf(", %d in the dumpster", deleted)
		}
		if at, ok := in.Disconnected[mb]; ok {
			line += fmt.Sprintf(", disconnected %s", at.UTC().Format("2006-01-02 15:04Z"))
		}
		fmt.Fprintln(w, line)
	}
	if items {
		for _, mb := range in.MailboxNames() {
			// As a person reads a mailbox: by folder, then Message 5
			// before Message 10; the store's own order is its pages'.
			list := slices.Clone(in.Mailboxes[mb])
			slices.SortStableFunc(list, func(a, b lab.Item) int {
				if c := naturalCompare(a.Folder, b.Folder); c != 0 {
					return c
				}
				return naturalCompare(a.Subject, b.Subject)
			})
			for _, it := range list {
				del := ""
				if it.Attachments != "" {
					del = "\t(attached: " + strings.ReplaceAll(it.Attachments, "|", ", ") + ")"
				}
				if it.Corrupt {
					del += "\t(corrupted)"
				}
				if !it.Deleted.IsZero() {
					del += "\t(deleted)"
				}
				fmt.Fprintf(w, "%s\t%s\t%s%s\n", it.Mailbox, it.Folder, it.Subject, del)
			}
		}
	}
}

// naturalCompare orders strings as a person does: runs of digits by
// their value (Message 5 before Message 10), the rest as text.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// publicFolders shows a public folder database's copy of the hierarchy,
// each folder's replicas and the posts this database holds of it.
func publicFolders(w io.Writer, in *lab.Inspection, items bool) {
	posts := 0
	for _, its := range in.Folders {
		posts += len(its)
	}
	fmt.Fprintf(w, "Folders:  %s in its hierarchy; %s held here\n", plural(len(in.Hierarchy), "folder"), plural(posts, "post"))
	for _, f := range in.Hierarchy {
		held := "no replica here"
		if f.HasReplica(string(in.Identity)) {
			held = plural(len(in.Folders[f.Path]), "post")
		}
		fmt.Fprintf(w, "  %-20s %s; replicas: %s\n", f.Path, held, strings.Join(f.Replicas, ", "))
	}
	for path, its := range in.Folders {
		if !slices.ContainsFunc(in.Hierarchy, func(f *lab.PublicFolder) bool { return strings.EqualFold(f.Path, path) }) {
			fmt.Fprintf(w, "  %-20s %s, not in its hierarchy\n", path, plural(len(its), "post"))
		}
	}
	if !items {
		return
	}
	for _, f := range in.Hierarchy {
		list := slices.Clone(in.Folders[f.Path])
		slices.SortStableFunc(list, func(a, b lab.Item) int { return naturalCompare(a.Subject, b.Subject) })
		for _, it := range list {
			fmt.Fprintf(w, "  %s\t%s\t%s\n", f.Path, it.Subject, it.Time.UTC().Format("2006-01-02 15:04:05Z"))
		}
	}
}
