package command

import (
	"context"
	"fmt"

	"github.com/exdr/exdr/internal/redact"
	"github.com/exdr/exdr/readiness"
)

// cmdCheck is "exdr check": whether the organization could be recovered
// as configured, today. It reads; it never changes anything.
func cmdCheck(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "check", "check [-json] [-var NAME=VALUE]... [-var-file FILE]... [DIR]")
	asJSON := fs.Bool("json", false, "print the findings as JSON, for monitoring")
	var vars varFlags
	vars.register(fs)
	ws, err := parseWorkspace(fs, &vars, args, s)
	if err != nil {
		return err
	}
	live, err := ws.provider.Read(ctx)
	if err != nil {
		return fmt.Errorf("read the live organization: %w", err)
	}
	findings := readiness.Check(ws.cfg.Org, live)
	if secrets := ws.cfg.Org.Secrets(); len(secrets) > 0 {
		for i := range findings {
			f := &findings[i]
			f.Identity, f.Message, f.Fix = redact.Text(secrets, f.Identity), redact.Text(secrets, f.Message), redact.Text(secrets, f.Fix)
		}
	}
	if *asJSON {
		err = readiness.WriteJSON(s.stdout, findings)
	} else {
		err = readiness.WriteText(s.stdout, findings)
	}
	if err != nil {
		return err
	}
	if len(findings) > 0 {
		return exitStatus(exitChanges)
	}
	return nil
}
