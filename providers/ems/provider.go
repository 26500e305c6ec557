package ems

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/ems/clixml"
	"github.com/exdr/exdr/providers/ems/script"
)

// Runner runs one PowerShell script and returns what it printed and its
// exit code. err is for failing to run it at all.
type Runner interface {
	Run(ctx context.Context, script string) (stdout, stderr string, exit int, err error)
}

// PowerShell runs scripts with powershell.exe, each whole: the bootstrap
// as its command, the script encoded on stdin.
type PowerShell struct {
	Path string // powershell.exe by default
}

func (p PowerShell) Run(ctx context.Context, script string) (string, string, int, error) {
	path := p.Path
	if path == "" {
		path = "powershell.exe"
	}
	cmd := exec.CommandContext(ctx, path, ShellArgs()...)
	cmd.Stdin = strings.NewReader(EncodeInput(script))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	// Once ctx is done (Ctrl-C) the shell is killed, but a process it
	// started can hold its output open: Run waited for that, and a hung
	// shell kept plan deaf to Ctrl-C and SIGTERM, the lock held, for as
	// long as the grandchild lived (adversarial review).
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return out.String(), errOut.String(), -1, fmt.Errorf("the shell was stopped: %w", ctx.Err())
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), errOut.String(), exit.ExitCode(), nil
	}
	return out.String(), errOut.String(), 0, err
}

// Confirmer asks a person to do a manual step and says when it is done;
// nil when nobody is there to ask (no terminal).
type Confirmer func(ctx context.Context, s *Script, step *providers.Step) error

// Provider is an Exchange organization reached through the shell.
type Provider struct {
	runner  Runner
	opts    Options
	confirm Confirmer
}

// New returns the provider.
func New(r Runner, opts Options, confirm Confirmer) *Provider {
	return &Provider{runner: r, opts: opts, confirm: confirm}
}

// SetConfirmer gives the provider a person to ask for manual steps (an
// apply on a terminal).
func (p *Provider) SetConfirmer(c Confirmer) { p.confirm = c }

// ManualStepError is a manual step that no one confirmed: the apply stops
// cleanly, and the next one continues once the live organization shows
// the step done.
type ManualStepError struct {
	Step   *providers.Step
	Script *Script
}

func (e *ManualStepError) Error() string {
	script := ""
	if e.Script.ManualScript != "" {
		script = " The script:\n" + e.Script.ManualScript
	}
	return fmt.Sprintf("a manual step: %s When it is done (%s), run exdr apply again.%s", strings.TrimSpace(e.Script.Manual), strings.TrimSuffix(e.Script.Verify, "."), script)
}

// Apply runs the step's script, or has a person do a manual step.
func (p *Provider) Apply(ctx context.Context, step *providers.Step, _ providers.Progress) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, err := script.For(step, p.opts)
	if err != nil {
		return err
	}
	if s.Manual != "" {
		if done, err := p.done(ctx, step); err != nil || done {
			return err
		}
		if p.confirm == nil {
			return &ManualStepError{Step: step, Script: s}
		}
		if err := p.confirm(ctx, s, step); err != nil {
			return err
		}
		if done, err := p.done(ctx, step); err != nil || done {
			return err
		}
		return fmt.Errorf("%s: confirmed done, but the organization does not show it: %s", step.ID, s.Verify)
	}
	stdout, stderr, exit, err := p.runner.Run(ctx, s.PowerShell)
	if err != nil {
		return fmt.Errorf("run PowerShell: %w", err)
	}
	// The journal keeps what the script printed: what was done, in the
	// shell's own words, for the run's history.
	providers.RecordOutput(ctx, strings.TrimRight(stdout, "\r\n"))
	if exit != 0 {
		return fmt.Errorf("the script failed (exit %d): %s", exit, failure(stderr, stdout))
	}
	return ctx.Err()
}

// failure is what a failed script said: its error records (decoded from
// the "#< CLIXML" stream powershell.exe writes to a redirected stderr),
// or else the first line it printed.
func failure(stderr, stdout string) string {
	if msg := clixml.StreamErrors(stderr); msg != "" {
		return msg
	}
	if line := strings.TrimSpace(firstLine(stderr)); line != "" && !strings.HasPrefix(line, "#< CLIXML") {
		return line
	}
	if line := strings.TrimSpace(firstLine(stdout)); line != "" {
		return line
	}
	return "it printed nothing (run the step's script by hand in the Exchange Management Shell to see why)"
}

// done reports whether the live organization already shows a manual
// step's effect.
func (p *Provider) done(ctx context.Context, step *providers.Step) (bool, error) {
	o, err := p.Read(ctx)
	if err != nil {
		return false, err
	}
	ix := org.NewIndex(o)
	switch step.Verb {
	case providers.VerbCreateServer:
		s := ix.Server(step.Args["server"])
		return s != nil && s.Health != nil && s.Health.Up, nil
	case providers.VerbRestoreBackup, providers.VerbRepairDatabase:
		db := ix.Database(step.Identity)
		return db != nil && db.Health != nil && db.Health.FileExists && (step.Verb == providers.VerbRestoreBackup || db.Health.State == org.StateClean), nil
	}
	return false, nil
}

// Read runs the read script and maps what it exported.
func (p *Provider) Read(ctx context.Context) (*org.Org, error) {
	stdout, stderr, exit, err := p.runner.Run(ctx, ReadScript(p.opts))
	if err != nil {
		return nil, fmt.Errorf("run PowerShell: %w", err)
	}
	if exit != 0 {
		return nil, fmt.Errorf("the read script failed (exit %d): %s", exit, failure(stderr, stdout))
	}
	doc, err := readDocument(stdout)
	if err != nil {
		return nil, err
	}
	vals, err := clixml.Decode(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("the read script's output: %w", err)
	}
	return fromCliXML(vals)
}
