package planner

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown renders the plan for a pull-request comment: a table of
// steps, then the commands, folded.
func WriteMarkdown(w io.Writer, p *Plan) error {
	p = p.Redacted()
	var b strings.Builder
	fmt.Fprintf(&b, "### exdr plan for %s\n\n", orgName(p))
	switch {
	case !p.Changes() && (len(p.Unreadable) > 0 || len(p.Waiting) > 0):
		b.WriteString("**No changes planned.** " + p.NoChanges() + "\n")
	case !p.Changes():
		b.WriteString("**No changes.** " + p.NoChanges() + "\n")
	default:
		fmt.Fprintf(&b, "**%s**\n\n", strings.TrimSuffix(summary(p), "."))
		b.WriteString("| # | resource | step | effect | reason |\n|---:|---|---|---|---|\n")
		for i, s := range p.Steps {
			effect := s.Effect.String()
			if s.Effect.String() == "data_loss" {
				effect = "**data_loss**"
			}
			reason := s.Reason
			if s.Loss != "" {
				reason += " — **loses** " + s.Loss
			}
			fmt.Fprintf(&b, "| %d | `%s` | %s | %s | %s |\n", i+1, s.Address, s.Verb, effect, mdEscape(reason))
		}
		b.WriteString("\n<details><summary>Commands, in order</summary>\n\n```powershell\n")
		for i, s := range p.Steps {
			fmt.Fprintf(&b, "# %d. %s: %s\n%s\n", i+1, s.Address, s.Verb, s.Command)
		}
		b.WriteString("```\n\n</details>\n\n")
		// The same objective lines as the text plan: a reviewer weighs
		// the recovery time and what is lost before anything else.
		for _, line := range objectives(p) {
			label, rest, _ := strings.Cut(line, ": ")
			fmt.Fprintf(&b, "- **%s:** %s\n", label, mdEscape(rest))
		}
	}
	if len(p.Unreadable) > 0 {
		b.WriteString("\nCould not be read (nothing is planned for them):\n\n")
		for _, u := range p.Unreadable {
			fmt.Fprintf(&b, "- `%s` (%s): %s\n", u.Address, u.Identity, mdEscape(u.Why))
		}
	}
	if len(p.Waiting) > 0 {
		b.WriteString("\nDiffers from the configuration, left until it says more:\n\n")
		for _, w := range p.Waiting {
			fmt.Fprintf(&b, "- `%s` (%s): %s\n", w.Address, w.Identity, mdEscape(w.Why))
		}
	}
	if len(p.Unmanaged) > 0 {
		b.WriteString("\nNot in the configuration (left alone):\n\n")
		for _, u := range p.Unmanaged {
			fmt.Fprintf(&b, "- %s `%s`\n", u.Kind.Noun(), u.Identity)
		}
	}
	if len(p.Notes) > 0 {
		b.WriteString("\nNotes:\n\n")
		for _, n := range p.Notes {
			fmt.Fprintf(&b, "- %s\n", mdEscape(n))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
