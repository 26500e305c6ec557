package planner

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/exdr/exdr/internal/english"

	"github.com/exdr/exdr/providers"
)

// TextOptions control the text rendering.
type TextOptions struct {
	Color bool // ANSI colour, for a terminal
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiRed    = "\x1b[31m"
	ansiBoldRd = "\x1b[1;31m"
)

// symbol marks a step by what it does to its resource.
func symbol(s *providers.Step) (string, string) {
	switch {
	case s.Effect == providers.DataLoss:
		return "!", ansiBoldRd
	case strings.HasPrefix(string(s.Verb), "create_"):
		return "+", ansiGreen
	case s.Verb == providers.VerbDismount:
		return "-", ansiRed
	}
	return "~", ansiYellow
}

// WriteText renders the plan for people: steps grouped by resource in
// the order they will run, each with its reason and command, then what is
// left alone and a summary line.
func WriteText(w io.Writer, p *Plan, opts TextOptions) error {
	p = p.Redacted()
	c := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	// Written as it is made, through one buffer: the whole text held in
	// a builder first cost 4.6 MB of allocation a plan at 10,000
	// databases, a third of it copies as the builder grew.
	b := bufio.NewWriterSize(w, 64<<10)
	switch {
	case !p.Changes() && (len(p.Unreadable) > 0 || len(p.Waiting) > 0):
		b.WriteString(c(ansiYellow, "No changes planned.") + " " + p.NoChanges() + "\n")
	case !p.Changes():
		b.WriteString(c(ansiGreen, "No changes.") + " " + p.NoChanges() + "\n")
	default:
		fmt.Fprintf(b, "exdr will carry out %s on %s:\n", plural(len(p.Steps), "step"), orgName(p))
		for _, g := range groups(p) {
			fmt.Fprintf(b, "\n  %s\n", c(ansiBold, fmt.Sprintf("# %s (%s)", g.address, g.identity)))
			for _, s := range g.steps {
				writeStep(b, s, opts.Color)
			}
		}
	}
	if len(p.Unreadable) > 0 {
		b.WriteString("\n" + c(ansiYellow, "Could not be read (nothing is planned for them):") + "\n")
		for _, u := range p.Unreadable {
			fmt.Fprintf(b, "  %s (%s): %s\n", u.Address, u.Identity, u.Why)
		}
	}
	if len(p.Waiting) > 0 {
		b.WriteString("\n" + c(ansiYellow, "Differs from the configuration, left until it says more:") + "\n")
		for _, w := range p.Waiting {
			fmt.Fprintf(b, "  %s (%s): %s\n", w.Address, w.Identity, w.Why)
		}
	}
	if len(p.Unmanaged) > 0 {
		b.WriteString("\nNot in the configuration (exdr leaves these alone):\n")
		for _, u := range p.Unmanaged {
			hint := ""
			if u.Kind.String() == "recovery_storage_group" {
				hint = " (remove it with -remove-recovery-groups)"
			}
			fmt.Fprintf(b, "  %s %s%s\n", u.Kind.Noun(), u.Identity, hint)
		}
	}
	if len(p.Notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, n := range p.Notes {
			fmt.Fprintf(b, "  - %s\n", n)
		}
	}
	if p.Changes() {
		fmt.Fprintf(b, "\n%s\n", c(ansiBold, summary(p)))
		for _, line := range objectives(p) {
			fmt.Fprintln(b, line)
		}
	}
	return b.Flush()
}

// writeStep writes one step's lines piece by piece rather than through
// fmt: a plan at 10,000 databases writes 60,000 of these lines, after
// the read and the planner, on one core (BenchmarkWriteText).
func writeStep(b *bufio.Writer, s *providers.Step, color bool) {
	paint := func(code string, texts ...string) {
		if color && code != "" {
			b.WriteString(code)
		}
		for _, t := range texts {
			b.WriteString(t)
		}
		if color && code != "" {
			b.WriteString(ansiReset)
		}
	}
	sym, code := symbol(s)
	b.WriteString("  ")
	paint(code, sym, " ", string(s.Verb))
	b.WriteString(spaces(max(1, 28-(len(sym)+1+len(s.Verb)))))
	label := s.Effect.String()
	paint(effectColor(s.Effect), label, spaces(12-len(label))) // as %-12s
	b.WriteString("  ~")
	b.WriteString(RoundEstimate(s.Estimate))
	b.WriteString("\n      ")
	b.WriteString(s.Reason)
	b.WriteByte('\n')
	if s.Loss != "" {
		b.WriteString("      ")
		paint(ansiBoldRd, "loses:")
		b.WriteString(" " + s.Loss + "\n")
	}
	if s.Consent != "" {
		b.WriteString("      allowed by " + s.Consent + "\n")
	}
	sep := "      after: "
	for _, d := range s.DependsOn {
		if !isOwnStep(s, d) {
			b.WriteString(sep)
			b.WriteString(d)
			sep = ", "
		}
	}
	if sep == ", " {
		b.WriteByte('\n')
	}
	b.WriteString("      ")
	paint("\x1b[2m", "> ", s.Command)
	b.WriteByte('\n')
}

// effectColor is the colour an effect is shown in, "" for none.
func effectColor(e providers.Effect) string {
	switch e {
	case providers.DataLoss:
		return ansiBoldRd
	case providers.Downtime, providers.Irreversible:
		return ansiYellow
	}
	return ""
}

// spaces is n spaces (none for n <= 0, at most 32).
func spaces(n int) string {
	const blank = "                                "
	return blank[:min(max(n, 0), len(blank))]
}

func orgName(p *Plan) string {
	if p.Organization == "" {
		return "the organization"
	}
	return p.Organization
}

// summary is the plan's last line: the steps per effect class and the
// time they take one after another.
func summary(p *Plan) string {
	counts := p.Count()
	var parts []string
	for _, e := range providers.Effects {
		if n := counts[e]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, e))
		}
	}
	return fmt.Sprintf("Plan: %s (%s), about %s one after another.", plural(len(p.Steps), "step"), strings.Join(parts, ", "), RoundEstimate(p.Estimate()))
}

// objectives sets the plan against the configuration's RTO and RPO: the
// critical path of the steps against the first, what is lost against the
// second.
func objectives(p *Plan) []string {
	rt := p.RecoveryTime()
	line := fmt.Sprintf("Recovery time: about %s with independent steps run at once", RoundEstimate(rt))
	if o := time.Duration(p.Objectives.RTO); o > 0 {
		verdict := "within"
		if rt > o {
			verdict = "OVER"
		}
		line += fmt.Sprintf("; objective %s: %s", RoundEstimate(o), verdict)
	}
	lines := []string{line + "."}
	for _, u := range p.UsersBack() {
		if !u.Standby && u.PassiveNode == "" {
			continue
		}
		// Users on a standby are back long before the rest of the
		// recovery (their server's rebuild) ends: said, and held to the
		// RTO, which was chosen on it.
		where := "the standby"
		if u.PassiveNode != "" {
			where = "the passive node " + u.PassiveNode
		}
		line := fmt.Sprintf("Users back: %s on %s (%s) in about %s", u.Address, where, u.Identity, RoundEstimate(u.Estimate))
		if o := time.Duration(p.Objectives.RTO); o > 0 {
			verdict := "within"
			if u.Estimate > o {
				verdict = "OVER"
			}
			line += fmt.Sprintf("; objective %s: %s", RoundEstimate(o), verdict)
		}
		lines = append(lines, line+".")
	}
	if len(p.Losses) == 0 {
		if len(p.Targets) > 0 {
			// Of the targets only: a database left out can still lose
			// what it loses (-target storage_group.SG1 after a lossy
			// failover said "nothing is lost"; adversarial review).
			return append(lines, fmt.Sprintf("Recovery point: nothing is lost in the targeted resources (%s); the rest of the organization is not planned here.", strings.Join(p.Targets, ", ")))
		}
		return append(lines, "Recovery point: nothing is lost.")
	}
	for _, l := range p.Losses {
		line := fmt.Sprintf("Recovery point: %s loses %s", l.Address, l.What)
		if o := time.Duration(p.Objectives.RPO); o > 0 {
			line += " " + rpoVerdict(l, p.ReadAt, o)
		}
		lines = append(lines, line+".")
	}
	return lines
}

// rpoVerdict measures a loss against the RPO: the changes lost span from
// when the loss starts to, at most, when the organization was read.
func rpoVerdict(l Loss, readAt time.Time, rpo time.Duration) string {
	if l.Since.IsZero() || readAt.IsZero() || readAt.Before(l.Since) {
		return fmt.Sprintf("(objective: at most %s lost; how long this loss spans is not known)", RoundEstimate(rpo))
	}
	span := readAt.Sub(l.Since)
	verdict := "within"
	if span > rpo {
		verdict = "OVER"
	}
	// The disaster's own moment is not known: the span runs to when the
	// organization was read, an upper bound.
	return fmt.Sprintf("(up to %s of changes, to when the organization was read; objective at most %s: %s)", RoundEstimate(span), RoundEstimate(rpo), verdict)
}

func plural(n int, word string) string { return english.Plural(n, word) }

// RoundEstimate keeps an estimate's two leading units: 12s, 1m25s, 45m,
// 1h5m.
func RoundEstimate(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	case m > 0 && sec > 0:
		return fmt.Sprintf("%dm%ds", m, sec)
	case m > 0:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%ds", sec)
}

type group struct {
	address  string
	identity string
	steps    []*providers.Step
}

// groups gathers steps by resource, in the order each resource's first
// step runs.
func groups(p *Plan) []*group {
	var out []*group
	by := map[string]*group{}
	for _, s := range p.Steps {
		g, ok := by[s.Address]
		if !ok {
			g = &group{address: s.Address, identity: string(s.Identity)}
			by[s.Address] = g
			out = append(out, g)
		}
		g.steps = append(g.steps, s)
		// The last step's identity names the resource as the
		// configuration has it (a move starts on its old identity).
		g.identity = string(s.Identity)
	}
	return out
}

// isOwnStep says the step ID d is of s's own resource.
func isOwnStep(s *providers.Step, d string) bool {
	return len(d) > len(s.Address) && d[len(s.Address)] == ':' && strings.HasPrefix(d, s.Address)
}
