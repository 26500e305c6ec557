package command

import (
	"context"
	"fmt"
	"runtime"
	"strings"

	"github.com/exdr/exdr/providers/all"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func cmdVersion(_ context.Context, args []string, s *streams) error {
	fs := newFlags(s, "version", "version [-json]")
	asJSON := fs.Bool("json", false, "print the version as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("version takes no arguments, got %s", strings.Join(fs.Args(), " "))
	}
	if *asJSON {
		// As terraform version -json: the version without its "v", the
		// platform as GOOS_GOARCH.
		return writeJSON(s.stdout, jsonVersion{
			Version: version, Platform: runtime.GOOS + "_" + runtime.GOARCH,
			GoVersion: runtime.Version(), Providers: all.Names(),
		})
	}
	fmt.Fprintf(s.stdout, "exdr v%s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

type jsonVersion struct {
	Version   string   `json:"exdr_version"`
	Platform  string   `json:"platform"`
	GoVersion string   `json:"go_version"`
	Providers []string `json:"providers"`
}

func cmdHelp(ctx context.Context, args []string, s *streams) error {
	if len(args) == 0 || isHelp(args[0]) {
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
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	hint := ""
	if c := closest(args[0], names); c != "" {
		hint = fmt.Sprintf(" Did you mean %q?", c)
	}
	return fmt.Errorf("exdr has no command %q.%s Run \"exdr help\" for the list", args[0], hint)
}
