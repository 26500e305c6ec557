package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab"
	"github.com/exdr/exdr/run"
)

// labCommand is one "exdr lab" subcommand: what happens to a lab from
// outside a plan — setting it up, mail, inspection, and the damage that
// drills and the walkthrough inflict.
type labCommand struct {
	name, usage, summary string
	nargs                int // positional arguments after the optional DIR
	flags                func(fs *flag.FlagSet) func(ctx context.Context, l *lab.Lab, ws *workspace, args []string, s *streams) error
	// optional, if set, is the prefix of an optional last argument that
	// cannot be taken for the directory ("+" for lab clock +14d).
	optional string
}

func labCommands() []labCommand {
	return []labCommand{
		{"init", "lab init [DIR]", "create an empty lab for the configuration in DIR", 0, noFlags(labInit), ""},
		{"traffic", "lab traffic [-mailboxes N] [-items N] [-external N] [-inbound N] [-seed S] [DIR]", "send deterministic mail to every mailbox database, through a hub when there is one, to other organizations and from the Internet", 0, trafficFlags, ""},
		{"inspect", "lab inspect [-items] [DIR] ADDRESS|IDENTITY", "show a database as eseutil /mh would, with its mailboxes and items, or an Edge server's configuration", 1, inspectFlags, ""},
		{"backup", "lab backup [-type full|incremental|differential|copy] [-method streaming|vss] [-storage-group ADDRESS] [DIR]", "take a backup of every storage group, or of one", 0, backupFlags, ""},
		{"backups", "lab backups [DIR]", "list the backup catalog, each set verified", 0, noFlags(labBackups), ""},
		{"clock", "lab clock [DIR] [+DURATION]", "show the lab's time, or move it forward (retention windows pass)", 0, clockFlags, "+"},
		{"mailbox", "lab mailbox [-count N] [DIR] delete-items|corrupt-items|recover-deleted|disable|remove-account ALIAS", "delete a mailbox's oldest items or recover them from the dumpster, corrupt its oldest items, disable it, or delete its account out of band", 2, mailboxFlags, ""},
		{"public-folder", "lab public-folder [-count N] [DIR] add PATH SERVER | post PATH | replicas PATH ADDRESS|IDENTITY...", "create a public folder on a server's public folder database, post to it, or set its replicas; replication runs as lab clock passes each database's interval", -1, publicFolderFlags, ""},
		{"disk", "lab disk [DIR] SERVER DRIVE SIZE", "give a server's drive a size, such as 500MB (default 2TB)", 3, noFlags(labDisk), ""},
		{"break", "lab break [DIR] lose-server SERVER | fail-server SERVER | delete-server-object SERVER | delete-database ADDRESS | corrupt-page ADDRESS PAGE | corrupt-queue SERVER PAGE | poison-messages SERVER N | delete-logs STORAGE_GROUP FROM | corrupt-backup SET", "inflict a disaster: the bytes are really lost or damaged", -1, noFlags(labBreak), ""},
		{"edge", "lab edge [DIR] add-send-connector SERVER NAME ADDRESS_SPACE SMART_HOST", "customise an Edge server, for a drill to bring back", -1, noFlags(labEdge), ""},
		{"crash", "lab crash [DIR] SERVER", "stop a server's Information Store and transport abruptly, as a power cut would", 1, noFlags(labCrash), ""},
		{"queues", "lab queues [DIR] [SERVER]", "list each transport server's queues, as Get-Queue would, with its mail.que", -1, noFlags(labQueues), ""},
		{"transport", "lab transport [DIR] stop|start SERVER", "stop or start a server's MSExchangeTransport", -1, noFlags(labTransport), ""},
		{"dismount", "lab dismount [DIR] ADDRESS|IDENTITY", "dismount a database cleanly, as Dismount-Database would", 1, noFlags(labDismount), ""},
		{"move-cms", "lab move-cms [DIR] SERVER NODE", "move a clustered mailbox server to its passive node, as Move-ClusteredMailboxServer would: a scheduled outage, nothing lost", 2, noFlags(labMoveCMS), ""},
		{"mount", "lab mount [-force] [DIR] ADDRESS|IDENTITY", "mount a database, as Mount-Database would; -force answers yes when its file is missing and Exchange offers to create an empty one", 1, mountFlags, ""},
	}
}

func noFlags(run func(ctx context.Context, l *lab.Lab, ws *workspace, args []string, s *streams) error) func(*flag.FlagSet) func(context.Context, *lab.Lab, *workspace, []string, *streams) error {
	return func(*flag.FlagSet) func(context.Context, *lab.Lab, *workspace, []string, *streams) error { return run }
}

func cmdLab(ctx context.Context, args []string, s *streams) error {
	if len(args) == 0 || isHelp(args[0]) {
		// Asked for, the help goes to stdout; a lab with no command is a
		// mistake, answered on stderr.
		w := s.stdout
		if len(args) == 0 {
			w = s.stderr
		}
		fmt.Fprintln(w, "Usage: exdr lab <command> [args]\n\nThe embedded lab organization of a configuration (its provider \"lab\"): set it\nup, send mail, inspect it, and damage it for real for a drill or a walkthrough.\n\nExamples:\n  exdr lab traffic .\n  exdr lab break . delete-database mailbox_database.DB1\n  exdr lab inspect -items . mailbox_database.DB1\n\nCommands:")
		for _, c := range labCommands() {
			fmt.Fprintf(w, "  %-54s %s\n", c.usage, c.summary)
		}
		fmt.Fprintln(w, "\nRun \"exdr lab <command> -h\" for a command's flags.")
		if len(args) == 0 {
			return errReported
		}
		return nil
	}
	for _, c := range labCommands() {
		if c.name != args[0] {
			continue
		}
		fs := newFlags(s, "lab "+c.name, c.usage)
		about := strings.ToUpper(c.summary[:1]) + c.summary[1:] + "."
		fs.Usage = func() { printHelpText(s.stdout, fs, c.usage, helpText{about: about}) }
		lockWait, useLock := labLockWait, true
		if labMayChange(c.name) {
			fs.DurationVar(&lockWait, "lock-timeout", labLockWait, "how long to wait for the lock another run holds")
			fs.BoolVar(&useLock, "lock", true, "take the lock apply takes; -lock=false only when nothing else changes the lab")
		}
		runLab := c.flags(fs)
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		rest := fs.Args()
		var opt []string
		if c.optional != "" && len(rest) > 0 && strings.HasPrefix(rest[len(rest)-1], c.optional) {
			opt, rest = rest[len(rest)-1:], rest[:len(rest)-1]
		}
		dir := "."
		switch {
		case c.nargs < 0:
			// A variable number of arguments after an optional DIR: DIR
			// is taken when it names a directory.
			if len(rest) > 0 {
				if st, err := os.Stat(rest[0]); err == nil && st.IsDir() {
					dir, rest = rest[0], rest[1:]
				}
			}
		case len(rest) == c.nargs:
		case len(rest) == c.nargs+1:
			dir, rest = rest[0], rest[1:]
		default:
			return fmt.Errorf("usage: exdr %s", c.usage)
		}
		ws, err := openWorkspace(dir, nil, s)
		if err != nil {
			return err
		}
		if ws.cfg.Org.Provider.Type != "lab" {
			return fmt.Errorf("the configuration in %s uses provider %q, not the lab", dir, ws.cfg.Org.Provider.Type)
		}
		l := lab.New(ws.provPath, ws.cfg.Org.Name)
		if c.name != "init" && !lab.Exists(l.Root()) {
			return fmt.Errorf("no lab at %s yet: run exdr apply (or exdr lab init) first", l.Root())
		}
		if err := l.CheckOrganization(ws.cfg.Org.Name); err != nil {
			return err
		}
		if err := l.CheckAllLinks(); err != nil {
			return err
		}
		// Checked before the lock: a mistyped action says so at once,
		// not after waiting for another run to end.
		if err := c.checkAction(append(rest, opt...)); err != nil {
			return err
		}
		if !labChanges(c.name, append(rest, opt...)) {
			return runLab(ctx, l, ws, append(rest, opt...), s)
		}
		// A command that changes the lab takes the lock apply takes:
		// two at once (two bursts of traffic, traffic during an apply)
		// would write one queue database or mailbox store from two
		// processes, as no Exchange server does.
		lk := run.Lock{Backend: ws.backend, Operation: "lab " + c.name, Wait: lockWait, Skip: !useLock,
			Hint: "Give -lock-timeout to wait longer."}
		return run.Locked(ctx, lk, func(msg string) { printWarning(s, msg) }, func(ctx context.Context, _ string) error {
			return runLab(ctx, l, ws, append(rest, opt...), s)
		})
	}
	var names []string
	for _, c := range labCommands() {
		names = append(names, c.name)
	}
	hint := ""
	if c := closest(args[0], names); c != "" {
		hint = fmt.Sprintf(" Did you mean %q?", c)
	}
	return fmt.Errorf("exdr lab has no command %q.%s Run \"exdr lab -h\" for the list", args[0], hint)
}

func labInit(_ context.Context, l *lab.Lab, ws *workspace, _ []string, s *streams) error {
	existed := lab.Exists(l.Root())
	if _, err := lab.Init(l.Root(), ws.cfg.Org.Name); err != nil {
		return err
	}
	if existed {
		fmt.Fprintf(s.stdout, "A lab already exists at %s; it is left as it is.\n", l.Root())
		return nil
	}
	fmt.Fprintf(s.stdout, "Created an empty lab at %s. Run exdr apply to build the organization in it.\n", l.Root())
	return nil
}

func labDisk(_ context.Context, l *lab.Lab, _ *workspace, args []string, s *streams) error {
	size, err := org.ParseSize(args[2])
	if err != nil {
		return err
	}
	drive := strings.TrimSuffix(args[1], ":")
	if len(drive) != 1 {
		return fmt.Errorf("drive %q: give a drive letter, such as E", args[1])
	}
	if err := l.SetCapacity(args[0], drive, size); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "%s: of %s is now %s.\n", strings.ToUpper(drive), args[0], size)
	return nil
}

func clockFlags(fs *flag.FlagSet) func(context.Context, *lab.Lab, *workspace, []string, *streams) error {
	return func(_ context.Context, l *lab.Lab, _ *workspace, args []string, s *streams) error {
		if len(args) == 1 {
			d, err := org.ParseDuration(strings.TrimPrefix(args[0], "+"))
			if err != nil || d <= 0 {
				return fmt.Errorf("lab clock %s: give how far to move the clock forward, such as +14d or +6h", args[0])
			}
			rep, err := l.Advance(time.Duration(d))
			if err != nil {
				return err
			}
			for db, n := range rep.Items {
				if n > 0 {
					fmt.Fprintf(s.stdout, "%s: %s past retention purged.\n", db, plural(n, "deleted item"))
				}
			}
			for db, mbs := range rep.Mailboxes {
				fmt.Fprintf(s.stdout, "%s: disconnected mailboxes past retention purged: %s; %s went with %s.\n", db, strings.Join(mbs, ", "), plural(rep.MailboxItems[db], "item"), verbFor(len(mbs), "it", "them"))
			}
			if rep.Retried > 0 {
				fmt.Fprintf(s.stdout, "Transport retried its queues: %s delivered.\n", plural(rep.Retried, "message"))
			}
			if rep.InboundDelivered > 0 {
				fmt.Fprintf(s.stdout, "The Internet's servers retried: %s from the Internet accepted.\n", plural(rep.InboundDelivered, "message"))
			}
			if rep.PublicFolderPosts > 0 {
				fmt.Fprintf(s.stdout, "Public folder replication copied %s.\n", plural(rep.PublicFolderPosts, "post"))
			}
		}
		fmt.Fprintf(s.stdout, "Lab time: %s\n", l.Now().UTC().Format("2006-01-02 15:04:05Z"))
		return nil
	}
}

func mailboxFlags(fs *flag.FlagSet) func(context.Context, *lab.Lab, *workspace, []string, *streams) error {
	count := fs.Int("count", 1, "delete-items, corrupt-items: how many of the oldest items")
	return func(_ context.Context, l *lab.Lab, _ *workspace, args []string, s *streams) error {
		action, alias := args[0], args[1]
		switch action {
		case "delete-items":
			if *count < 1 {
				return fmt.Errorf("-count %d: give how many items to delete, 1 or more", *count)
			}
			n, err := l.DeleteItems(alias, *count)
			if err != nil {
				return err
			}
			fmt.Fprintf(s.stdout, "%s of %s moved to the dumpster.\n", plural(n, "item"), alias)
		case "corrupt-items":
			if *count < 1 {
				return fmt.Errorf("-count %d: give how many items to corrupt, 1 or more", *count)
			}
			n, err := l.CorruptItems(alias, *count)
			if err != nil {
				return err
			}
			fmt.Fprintf(s.stdout, "%s of %s corrupted: the store keeps them; Restore-Mailbox cannot copy them.\n", plural(n, "item"), alias)
		case "recover-deleted":
			n, err := l.RecoverDeleted(alias)
			if err != nil {
				return err
			}
			fmt.Fprintf(s.stdout, "%s of %s recovered from the dumpster (Recover Deleted Items).\n", plural(n, "item"), alias)
		case "disable":
			if err := l.DisableMailbox(alias); err != nil {
				return err
			}
			fmt.Fprintf(s.stdout, "%s disabled: disconnected in its database, kept for the mailbox retention.\n", alias)
		case "remove-account":
			if err := l.RemoveAccount(alias); err != nil {
				return err
			}
			fmt.Fprintf(s.stdout, "The account of %s is gone from the directory; its store has not noticed.\n", alias)
		default:
			return fmt.Errorf("lab mailbox %s: give delete-items, corrupt-items, recover-deleted, disable or remove-account", action)
		}
		return nil
	}
}

// mountFlags is Mount-Database. With the file missing Exchange asks
// whether to create an empty database in its place; -force answers yes,
// as an administrator in a hurry does (EXCHANGE.md 3.9: what a
// same-server dial tone does on purpose).
func mountFlags(fs *flag.FlagSet) func(context.Context, *lab.Lab, *workspace, []string, *streams) error {
	force := fs.Bool("force", false, "create an empty database when the file is missing")
	return func(ctx context.Context, l *lab.Lab, ws *workspace, args []string, s *streams) error {
		id, err := databaseIdentity(ws, args[0])
		if err != nil {
			return err
		}
		path, err := l.DatabaseFile(id)
		if err != nil {
			return err
		}
		if _, err := os.Stat(path); os.IsNotExist(err) {
			if !*force {
				return fmt.Errorf("the database file of %s is missing: Mount-Database would create an empty database in its place; give -force to do so", id)
			}
			if err := l.Apply(ctx, &providers.Step{Verb: providers.VerbCreateEmptyDatabase, Identity: id}, nil); err != nil {
				return err
			}
			fmt.Fprintf(s.stdout, "%s: its file was missing; an empty database was created in its place.\n", id)
		}
		if err := l.Apply(ctx, &providers.Step{Verb: providers.VerbMount, Identity: id}, nil); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "%s mounted.\n", id)
		return nil
	}
}

// databaseIdentity resolves a configuration address (mailbox_database.DB1)
// or takes an Exchange identity (MBX01\SG1\DB1) as it is.
func databaseIdentity(ws *workspace, arg string) (org.Identity, error) {
	if strings.Contains(arg, `\`) {
		return org.Identity(arg), nil
	}
	var known []string
	for _, db := range ws.cfg.Org.Databases {
		if db.Addr.String() == arg {
			return db.Identity(), nil
		}
		known = append(known, db.Addr.String())
	}
	return "", fmt.Errorf("%s names no database of the configuration; give an address such as %s, or an identity such as MBX01\\SG1\\DB1",
		arg, strings.Join(known[:min(2, len(known))], " or "))
}

func backupFlags(fs *flag.FlagSet) func(context.Context, *lab.Lab, *workspace, []string, *streams) error {
	typ := fs.String("type", "full", "full, incremental, differential or copy")
	group := fs.String("storage-group", "", "back up only this storage group (address or identity)")
	method := fs.String("method", "streaming", "streaming (the legacy API: restore.env, then eseutil /cc) or vss (a Volume Shadow Copy snapshot: restored in place, then eseutil /r)")
	return func(ctx context.Context, l *lab.Lab, ws *workspace, _ []string, s *streams) error {
		t, ok := org.ParseBackupType(*typ)
		if !ok {
			return fmt.Errorf("-type %q: give full, incremental, differential or copy", *typ)
		}
		m := *method
		switch m {
		case "streaming":
			m = ""
		case "vss":
		default:
			return fmt.Errorf("-method %q: give streaming or vss", *method)
		}
		var id org.Identity
		if *group != "" {
			var err error
			if id, err = storageGroupIdentity(ws, *group); err != nil {
				return err
			}
		}
		sets, err := l.BackupWith(ctx, id, t, m)
		for _, m := range sets {
			how := ""
			if m.Method == "vss" {
				how = " (VSS)"
			}
			fmt.Fprintf(s.stdout, "%s backup%s of %s: set %s, logs %s\n", m.Type, how, m.StorageGroup, m.ID, m.Logs)
		}
		var skipped *lab.BackupSkipped
		if errors.As(err, &skipped) {
			fmt.Fprintf(s.stderr, "%s %s.\n", s.warnColor("Warning:"), skipped)
			return nil
		}
		return err
	}
}

func storageGroupIdentity(ws *workspace, arg string) (org.Identity, error) {
	if strings.Contains(arg, `\`) {
		return org.Identity(arg), nil
	}
	var addrs []string
	for _, sg := range ws.cfg.Org.StorageGroups {
		if sg.Addr.String() == arg {
			return sg.Identity(), nil
		}
		addrs = append(addrs, sg.Addr.String())
	}
	hint := ""
	if c := closest(arg, addrs); c != "" {
		hint = fmt.Sprintf(" Did you mean %s?", c)
	}
	// The configuration's own names, never a made-up one: an example
	// address the configuration lacks reads as a contradiction.
	example := `MBX01\SG1`
	if len(ws.cfg.Org.StorageGroups) > 0 {
		sg := ws.cfg.Org.StorageGroups[0]
		example = fmt.Sprintf("%s or %s", sg.Addr, sg.Identity())
	}
	return "", fmt.Errorf("%s names no storage group of the configuration.%s Give its address or its identity, such as %s", arg, hint, example)
}

func labBackups(_ context.Context, l *lab.Lab, _ *workspace, _ []string, s *streams) error {
	sets, err := l.Backups()
	if err != nil {
		return err
	}
	if len(sets) == 0 {
		fmt.Fprintln(s.stdout, "No backups. Take one with exdr lab backup.")
		return nil
	}
	for _, m := range sets {
		status := "verified"
		if why := l.Verify(m); why != "" {
			status = "DAMAGED: " + why
		}
		typ := string(m.Type)
		if m.Method == "vss" {
			typ += " VSS"
		}
		fmt.Fprintf(s.stdout, "%s  %-12s %-24s logs %-8s %s\n", m.Time.Format("2006-01-02 15:04:05Z"), typ, m.StorageGroup, m.Logs, status)
	}
	return nil
}

func trafficFlags(fs *flag.FlagSet) func(context.Context, *lab.Lab, *workspace, []string, *streams) error {
	opts := lab.TrafficOptions{}
	fs.IntVar(&opts.Mailboxes, "mailboxes", 3, "mailboxes per mounted mailbox database (created if missing)")
	fs.IntVar(&opts.Items, "items", 10, "messages delivered to each mailbox")
	fs.IntVar(&opts.External, "external", 0, "messages each mailbox sends to other organizations, through a hub (and the subscribed Edge)")
	fs.IntVar(&opts.Inbound, "inbound", 0, "messages each mailbox receives from the Internet, through the subscribed Edge (or a hub) and a hub")
	fs.Uint64Var(&opts.Seed, "seed", 1, "the same seed and history deliver the same mail")
	fs.BoolVar(&opts.Attachments, "attachments", false, "attach a file to about a third of the messages (what Restore-Mailbox's attachment and content filters look at)")
	return func(ctx context.Context, l *lab.Lab, _ *workspace, _ []string, s *streams) error {
		if opts.Mailboxes < 0 || opts.Items < 0 || opts.External < 0 || opts.Inbound < 0 {
			return fmt.Errorf("-mailboxes, -items, -external and -inbound cannot be negative")
		}
		rep, err := l.Traffic(ctx, opts)
		if err != nil {
			return err
		}
		total := 0
		for id, n := range rep.Delivered {
			total += n
			_ = id
		}
		fmt.Fprintf(s.stdout, "Delivered %s to %s.\n", plural(total, "message"), plural(len(rep.Delivered), "database"))
		if rep.External > 0 {
			fmt.Fprintf(s.stdout, "Sent %s to other organizations; exdr lab queues shows any still on their way.\n", plural(rep.External, "message"))
		}
		for _, id := range sortedIdentities(rep.Queued) {
			fmt.Fprintf(s.stdout, "  %s for %s %s in %s's queues: the database is not mounted\n", plural(rep.Queued[id], "message"), id, verbFor(rep.Queued[id], "waits", "wait"), rep.Via[id])
		}
		for _, sk := range rep.Skipped {
			fmt.Fprintf(s.stdout, "  no mail for %s\n", sk)
		}
		if rep.Retried > 0 {
			fmt.Fprintf(s.stdout, "The Internet's servers retried: %s from the Internet accepted.\n", plural(rep.Retried, "message"))
		}
		switch in := rep.Inbound; {
		case in == nil:
		case in.Accepted > 0:
			fmt.Fprintf(s.stdout, "%s from the Internet accepted by %s; exdr lab queues shows any still on their way.\n", plural(in.Accepted, "message"), in.By)
		case in.Waiting > 0:
			fmt.Fprintf(s.stdout, "%s from the Internet %s on the senders' servers, which retry (exdr lab clock, exdr lab traffic): %s\n", plural(in.Waiting, "message"), verbFor(in.Waiting, "waits", "wait"), in.Why)
		}
		return nil
	}
}

// publicFolderFlags is New-PublicFolder, a client's posts and
// Set-PublicFolder -Replicas, on the lab's public folders.
func publicFolderFlags(fs *flag.FlagSet) func(context.Context, *lab.Lab, *workspace, []string, *streams) error {
	count := fs.Int("count", 5, "post: how many posts")
	return func(_ context.Context, l *lab.Lab, ws *workspace, args []string, s *streams) error {
		usage := fmt.Errorf("usage: exdr lab public-folder [-count N] [DIR] add PATH SERVER | post PATH | replicas PATH ADDRESS|IDENTITY...")
		if len(args) < 2 {
			return usage
		}
		action, path := args[0], args[1]
		switch {
		case action == "add" && len(args) == 3:
			if err := l.NewPublicFolder(path, args[2]); err != nil {
				return err
			}
			fmt.Fprintf(s.stdout, "Public folder %s is in the hierarchy, its replica on %s's public folder database.\n", path, args[2])
		case action == "post" && len(args) == 2:
			if *count < 1 {
				return fmt.Errorf("-count %d: give how many posts, 1 or more", *count)
			}
			db, err := l.Post(path, *count)
			if err != nil {
				return err
			}
			fmt.Fprintf(s.stdout, "%s to %s, saved in %s; the other replicas get them at its next replication.\n", plural(*count, "post"), path, db)
		case action == "replicas" && len(args) >= 3:
			var ids []string
			for _, a := range args[2:] {
				id, err := databaseIdentity(ws, a)
				if err != nil {
					return err
				}
				ids = append(ids, string(id))
			}
			if err := l.SetReplicas(path, ids); err != nil {
				return err
			}
			fmt.Fprintf(s.stdout, "Public folder %s: replicas %s; content moves at the next replication.\n", path, strings.Join(ids, ", "))
		default:
			return usage
		}
		return nil
	}
}

// labLockWait is how long a lab command waits for the lock another run
// holds: a burst of traffic or an apply of a small lab ends within it.
const labLockWait = 30 * time.Second

// labChanges reports whether a lab command changes the lab: those that
// only show it (inspect, backups, queues, the clock without a duration)
// take no lock, as a plan with -lock=false reads it.
func labChanges(name string, args []string) bool {
	if name == "clock" {
		return len(args) > 0
	}
	return labMayChange(name)
}

// labMayChange reports whether a lab command can change the lab, and so
// takes -lock and -lock-timeout. init makes an empty lab, before any
// lock can be.
func labMayChange(name string) bool {
	switch name {
	case "inspect", "backups", "queues", "init":
		return false
	}
	return true
}

// labActions are, for the lab commands that take an action, each action
// and how many arguments follow it (a negative n: at least -n).
var labActions = map[string]map[string]int{
	"mailbox":       {"delete-items": 1, "corrupt-items": 1, "recover-deleted": 1, "disable": 1, "remove-account": 1},
	"public-folder": {"add": 2, "post": 1, "replicas": -2},
	"break": {"lose-server": 1, "fail-server": 1, "delete-server-object": 1, "delete-database": 1, "corrupt-page": 2,
		"corrupt-queue": 2, "poison-messages": 2, "delete-logs": 2, "corrupt-backup": 1},
	"transport": {"stop": 1, "start": 1},
	"edge":      {"add-send-connector": 4},
}

// checkAction refuses an action the command does not have, or the wrong
// number of arguments for it, with the command's usage.
func (c labCommand) checkAction(args []string) error {
	actions, ok := labActions[c.name]
	if !ok {
		return nil
	}
	usage := fmt.Errorf("usage: exdr %s", c.usage)
	if len(args) == 0 {
		return usage
	}
	n, ok := actions[args[0]]
	switch {
	case !ok:
		return fmt.Errorf("exdr lab %s has no action %q; %w", c.name, args[0], usage)
	case n >= 0 && len(args)-1 != n, n < 0 && len(args)-1 < -n:
		return usage
	}
	return nil
}
