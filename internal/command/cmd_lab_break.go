package command

import (
	"context"
	"fmt"
	"strconv"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab"
)

// labBreak is "exdr lab break": one case per kind of damage, in the
// order its help lists them (long on purpose: a table of damages).
func labBreak(_ context.Context, l *lab.Lab, ws *workspace, args []string, s *streams) error {
	need := func(n int) error {
		if len(args) != n+1 {
			return fmt.Errorf("usage: exdr lab break [DIR] lose-server SERVER | fail-server SERVER | delete-server-object SERVER | delete-database ADDRESS | corrupt-page ADDRESS PAGE | corrupt-queue SERVER PAGE | poison-messages SERVER N | delete-logs STORAGE_GROUP FROM | corrupt-backup SET")
		}
		return nil
	}
	if len(args) == 0 {
		return need(0)
	}
	switch args[0] {
	case "lose-server":
		if err := need(1); err != nil {
			return err
		}
		since := l.Now()
		if err := l.LoseServer(args[1]); err != nil {
			return err
		}
		if ev, ok := l.ClusterEvent(args[1], since); ok {
			fmt.Fprintf(s.stdout, "%s is lost: its disks and services are gone. %s\n", args[1], ev)
			break
		}
		fmt.Fprintf(s.stdout, "%s is lost: its disks and services are gone; its directory entry remains.\n", args[1])
	case "fail-server":
		if err := need(1); err != nil {
			return err
		}
		since := l.Now()
		if err := l.FailServer(args[1]); err != nil {
			return err
		}
		if ev, ok := l.ClusterEvent(args[1], since); ok {
			fmt.Fprintf(s.stdout, "%s has failed: nothing on it runs; its disks survive. %s\n", args[1], ev)
			break
		}
		fmt.Fprintf(s.stdout, "%s has failed: nothing on it runs; its disks survive; its directory entry remains.\n", args[1])
	case "corrupt-queue":
		if err := need(2); err != nil {
			return err
		}
		page, err := strconv.ParseUint(args[2], 10, 32)
		if err != nil {
			return fmt.Errorf("page %q: give a page number", args[2])
		}
		if err := l.CorruptQueuePage(args[1], uint32(page)); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Page %d of %s's mail.que is corrupted.\n", page, args[1])
	case "poison-messages":
		if err := need(2); err != nil {
			return err
		}
		n, err := strconv.Atoi(args[2])
		if err != nil || n < 1 {
			return fmt.Errorf("%q: give how many messages, such as 3", args[2])
		}
		moved, err := l.PoisonMessages(args[1], n)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "%s of %s %s in its Poison queue.\n", plural(moved, "queued message"), args[1], verbFor(moved, "is", "are"))
	case "delete-server-object":
		if err := need(1); err != nil {
			return err
		}
		if err := l.DeleteServerObject(args[1]); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "The Active Directory object of %s is deleted, with its storage groups and databases; its machine and the mailboxes homed on it remain.\n", args[1])
	case "delete-database":
		if err := need(1); err != nil {
			return err
		}
		id, err := databaseIdentity(ws, args[1])
		if err != nil {
			return err
		}
		if err := l.DeleteDatabaseFile(id); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "The file of %s is deleted.\n", id)
	case "corrupt-page":
		if err := need(2); err != nil {
			return err
		}
		id, err := databaseIdentity(ws, args[1])
		if err != nil {
			return err
		}
		page, err := strconv.ParseUint(args[2], 10, 32)
		if err != nil {
			return fmt.Errorf("page %q: give a page number", args[2])
		}
		if err := l.CorruptPage(id, uint32(page)); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Page %d of %s is corrupted.\n", page, id)
	case "delete-logs":
		if err := need(2); err != nil {
			return err
		}
		sg, err := storageGroupIdentity(ws, args[1])
		if err != nil {
			return err
		}
		from, err := strconv.ParseUint(args[2], 10, 32)
		if err != nil {
			return fmt.Errorf("generation %q: give a log generation number", args[2])
		}
		n, err := l.DeleteLogs(sg, uint32(from))
		if err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "%s of %s deleted, from %d on.\n", plural(n, "log generation"), sg, from)
	case "corrupt-backup":
		if err := need(1); err != nil {
			return err
		}
		if err := l.CorruptBackup(args[1]); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Backup set %s is corrupted.\n", args[1])
	default:
		return fmt.Errorf("lab break %s: give lose-server, fail-server, delete-server-object, delete-database, corrupt-page, corrupt-queue, poison-messages, delete-logs or corrupt-backup", args[0])
	}
	return nil
}

func labCrash(_ context.Context, l *lab.Lab, _ *workspace, args []string, s *streams) error {
	if err := l.Crash(args[0]); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "%s crashed: its mounted databases (and a transport server's mail.que) are left in dirty shutdown.\n", args[0])
	return nil
}

func labDismount(ctx context.Context, l *lab.Lab, ws *workspace, args []string, s *streams) error {
	id, err := databaseIdentity(ws, args[0])
	if err != nil {
		return err
	}
	if err := l.Apply(ctx, &providers.Step{Verb: providers.VerbDismount, Identity: id}, nil); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "%s dismounted.\n", id)
	return nil
}

func labMoveCMS(ctx context.Context, l *lab.Lab, ws *workspace, args []string, s *streams) error {
	since := l.Now()
	if err := l.Apply(ctx, &providers.Step{Verb: providers.VerbMoveClusteredServer, Identity: org.Identity(args[0]),
		Args: map[string]string{"target": args[1], "comment": "exdr lab move-cms"}}, nil); err != nil {
		return err
	}
	if ev, ok := l.ClusterEvent(args[0], since); ok {
		fmt.Fprintln(s.stdout, ev)
	} else {
		fmt.Fprintf(s.stdout, "%s runs on %s already.\n", args[0], args[1])
	}
	return nil
}
