package main

import (
	"context"
	"fmt"

	"github.com/exdr/exdr/providers"
)

func cmdForceUnlock(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "force-unlock", "force-unlock [-force] LOCK_ID [DIR]")
	force := fs.Bool("force", false, "do not ask for confirmation")
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
	locker, ok := ws.provider.(providers.Locker)
	if !ok {
		return fmt.Errorf("provider %q has no lock", ws.cfg.Org.Provider.Type)
	}
	if !*force {
		if err := confirmUnlock(s, fs.Arg(0)); err != nil {
			return err
		}
	}
	if err := locker.ForceUnlock(fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "The lock %s is removed. An apply that still runs under it stops at its next check.\n", fs.Arg(0))
	return nil
}

func confirmUnlock(s *streams, id string) error {
	if !s.stdinTTY {
		return fmt.Errorf("force-unlock asks before it removes a lock, and there is no terminal to ask on: give -force")
	}
	return confirm(s, fmt.Sprintf("Remove the lock %s? An apply running under it would be stopped.", id))
}
