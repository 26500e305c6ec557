package command

import (
	"context"
	"fmt"
	"runtime"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func cmdVersion(_ context.Context, args []string, s *streams) error {
	fs := newFlags(s, "version", "version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "exdr v%s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

func cmdHelp(ctx context.Context, args []string, s *streams) error {
	if len(args) == 0 {
		printUsage(s.stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] && c.name != "help" {
			// Every command prints its usage and flags for -h.
			s := *s
			s.stderr = s.stdout
			return c.run(ctx, []string{"-h"}, &s)
		}
	}
	return fmt.Errorf("no command %q: run \"exdr help\" for the list", args[0])
}
