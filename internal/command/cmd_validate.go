package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/org"
)

type validateOptions struct {
	dir  string
	json bool
	vars []lang.VarArg
}

func cmdValidate(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "validate", "validate [-json] [-var NAME=VALUE]... [-var-file FILE]... [DIR|FILE]")
	var opts validateOptions
	fs.BoolVar(&opts.json, "json", false, "print the result as JSON, diagnostics with their ranges")
	var vars varFlags
	vars.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dir, err := dirArg(fs)
	if err != nil {
		return err
	}
	opts.dir, opts.vars = dir, vars.args
	return runValidate(ctx, opts, s)
}

func runValidate(_ context.Context, opts validateOptions, s *streams) error {
	cfg, diags := lang.LoadPath(opts.dir, lang.Options{Vars: opts.vars, Env: s.env, Cache: lang.CacheDir(s.env)})
	if opts.json {
		out := jsonValidation{
			FormatVersion: diagnosticsFormatVersion,
			Valid:         !diags.HasErrors(),
			Diagnostics:   toJSONDiagnostics(cfg.DiagnosticFiles(diags), diags),
		}
		for _, d := range out.Diagnostics {
			if d.Severity == "error" {
				out.ErrorCount++
			} else {
				out.WarningCount++
			}
		}
		if err := writeJSON(s.stdout, out); err != nil {
			return err
		}
		if diags.HasErrors() {
			return errReported
		}
		return nil
	}
	s.diagnostics(cfg.DiagnosticFiles(diags), diags)
	if diags.HasErrors() {
		return errReported
	}
	drills := ""
	if n := len(cfg.Drills); n > 0 {
		drills = "; " + plural(n, "drill")
	}
	fmt.Fprintf(s.stdout, "%s The configuration is valid: %s%s.\n", s.okColor("Success!"), inventory(cfg.Org), drills)
	return nil
}

// inventory counts what a configuration declares, in one line.
func inventory(o *org.Org) string {
	var parts []string
	add := func(n int, one, many string) {
		switch n {
		case 0:
		case 1:
			parts = append(parts, "1 "+one)
		default:
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(len(o.Servers), "server", "servers")
	add(len(o.StorageGroups), "storage group", "storage groups")
	add(len(o.Databases), "database", "databases")
	add(len(o.RecoveryStorageGroups), "recovery storage group", "recovery storage groups")
	add(len(o.Mailboxes), "mailbox", "mailboxes")
	add(len(o.QueueDatabases), "queue database", "queue databases")
	if len(parts) == 0 {
		return "no resources"
	}
	name := ""
	if o.Name != "" {
		name = o.Name + ", "
	}
	return name + strings.Join(parts, ", ")
}
