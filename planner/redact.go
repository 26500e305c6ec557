package planner

import (
	"maps"
	"slices"

	"github.com/exdr/exdr/internal/redact"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// Sensitive is what a rendering shows in place of a value from a
// sensitive variable.
const Sensitive = redact.Sensitive

// Redacted is the plan as every rendering shows it: each of its Secrets
// replaced by "(sensitive)" in the steps' reasons, commands, losses and
// arguments, and in the notes and losses. The plan itself is left as it
// is: its steps carry out the real values.
func (p *Plan) Redacted() *Plan {
	if p == nil || len(p.Secrets) == 0 {
		return p
	}
	r := redact.New(p.Secrets)
	out := *p
	out.Secrets = nil
	out.Organization = r.Redact(p.Organization)
	out.Steps = make([]*providers.Step, len(p.Steps))
	for i, s := range p.Steps {
		c := *s
		c.Reason, c.Command, c.Loss = r.Redact(s.Reason), r.Redact(s.Command), r.Redact(s.Loss)
		c.Identity = org.Identity(r.Redact(string(s.Identity)))
		if s.Args != nil {
			c.Args = maps.Clone(s.Args)
			for k, v := range c.Args {
				c.Args[k] = r.Redact(v)
			}
		}
		out.Steps[i] = &c
	}
	out.Notes = make([]string, len(p.Notes))
	for i, n := range p.Notes {
		out.Notes[i] = r.Redact(n)
	}
	out.Losses = slices.Clone(p.Losses)
	for i := range out.Losses {
		out.Losses[i].What = r.Redact(out.Losses[i].What)
	}
	out.Unreadable = slices.Clone(p.Unreadable)
	for i := range out.Unreadable {
		out.Unreadable[i].Why = r.Redact(out.Unreadable[i].Why)
		out.Unreadable[i].Identity = org.Identity(r.Redact(string(out.Unreadable[i].Identity)))
	}
	out.Waiting = slices.Clone(p.Waiting)
	for i := range out.Waiting {
		out.Waiting[i].Why = r.Redact(out.Waiting[i].Why)
	}
	return &out
}

// RedactText is text with the plan's Secrets replaced, for a rendering
// made from the steps' real arguments (the runbook's scripts).
func (p *Plan) RedactText(text string) string {
	if p == nil {
		return text
	}
	return redact.Text(p.Secrets, text)
}
