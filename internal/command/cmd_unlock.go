package command

import (
	"context"
	"errors"
	"fmt"
)

func cmdForceUnlock(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "force-unlock", "force-unlock [-force] LOCK_ID [DIR]")
	force := fs.Bool("force", false, "do not ask for confirmation")
	inputFlag(fs, s)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		return fmt.Errorf("usage: exdr force-unlock [-force] LOCK_ID [DIR]")
	}
	dir := "."
	if fs.NArg() == 2 {
		dir = fs.Arg(1)
	}
	ws, err := openWorkspace(dir, nil, s)
	if err != nil {
		return err
	}
	if !*force {
		if !s.canAsk() {
			return fmt.Errorf("force-unlock asks before it removes a lock, and cannot ask here (no terminal, or -input=false): give -force")
		}
		ctx, stop := interruptible(ctx)
		defer stop()
		if err := confirm(ctx, s, fmt.Sprintf("Remove the lock %s? An apply running under it would be stopped.", fs.Arg(0)), errors.New("force-unlock asks before it removes a lock, and cannot ask here (no terminal, or -input=false): give -force")); err != nil {
			return err
		}
	}
	said, err := ws.backend.ForceUnlock(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintln(s.stdout, said)
	return nil
}
