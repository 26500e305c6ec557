package runbook

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/exdr/exdr/internal/pwsh"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/ems/script"
)

// Write writes the runbook of p.
func Write(w io.Writer, p *planner.Plan, opts script.Options) error {
	scripts := make([]*script.Script, len(p.Steps))
	for i, s := range p.Steps {
		sc, err := script.For(s, opts)
		if err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, s.ID, err)
		}
		scripts[i] = sc
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Recovery runbook: %s\n\n", p.Organization)
	if len(p.Steps) == 0 {
		b.WriteString("Nothing to do. " + p.NoChanges() + "\n")
		writeLeft(&b, p)
		_, err := io.WriteString(w, p.RedactText(b.String()))
		return err
	}
	manual := 0
	for _, sc := range scripts {
		if sc.Manual != "" {
			manual++
		}
	}
	b.WriteString(overview(len(p.Steps), manual))
	if len(p.Losses) > 0 {
		b.WriteString("**This recovery loses data:**\n\n")
		for _, l := range p.Losses {
			fmt.Fprintf(&b, "- %s: %s\n", l.Address, l.What)
		}
		b.WriteString("\n")
	}
	index := map[string]int{}
	for i, s := range p.Steps {
		index[s.ID] = i + 1
	}
	for i, s := range p.Steps {
		sc := scripts[i]
		fmt.Fprintf(&b, "## %d. %s: %s\n\n", i+1, s.Address, s.Verb)
		fmt.Fprintf(&b, "%s. Effect: %s; about %s.", upperFirst(s.Reason), s.Effect, planner.RoundEstimate(s.Estimate))
		if len(s.DependsOn) > 0 {
			var nums []int
			for _, d := range s.DependsOn {
				nums = append(nums, index[d])
			}
			slices.Sort(nums)
			var after []string
			for _, n := range nums {
				after = append(after, fmt.Sprintf("%d", n))
			}
			fmt.Fprintf(&b, " After %s.", stepList(after))
		}
		b.WriteString("\n\n")
		if s.Loss != "" {
			fmt.Fprintf(&b, "Loses: %s.\n\n", s.Loss)
		}
		if sc.Manual != "" {
			fmt.Fprintf(&b, "**By hand:** %s\n\n", sc.Manual)
			if sc.ManualScript != "" {
				fmt.Fprintf(&b, "```powershell\n%s```\n\n", strings.TrimPrefix(sc.ManualScript, preambleOf(sc.ManualScript)))
			}
		} else {
			fmt.Fprintf(&b, "```powershell\n%s```\n\n", strings.TrimPrefix(sc.PowerShell, preambleOf(sc.PowerShell)))
		}
		fmt.Fprintf(&b, "Verify: %s\n\n", sc.Verify)
	}
	b.WriteString("## The whole recovery as one script\n\nRun it in the Exchange Management Shell as an Exchange administrator. It stops at the first error; at a step done by hand it waits for you to type done.\n\n```powershell\n")
	b.WriteString(Script(p.Steps, scripts))
	b.WriteString("```\n")
	writeLeft(&b, p)
	_, err := io.WriteString(w, p.RedactText(b.String()))
	return err
}

// overview is the runbook's opening: how many steps, how many by hand,
// and what the script at the end does, agreeing in number.
func overview(steps, manual int) string {
	switch {
	case steps == 1 && manual == 1:
		return "1 step, by hand. The script at the end shows what to do and waits for you to type done.\n\n"
	case steps == 1:
		return "1 step, not by hand. The script at the end runs it and stops if it fails.\n\n"
	}
	return fmt.Sprintf("%d steps, in order; %d of them by hand. Each step waits for the steps it names to be done. ", steps, manual) +
		"The script at the end runs them all in this order, asks at each step done by hand, and stops at the first error.\n\n"
}

// stepList names the steps a step waits for: "step 2", "steps 1 and 2",
// "steps 1, 2 and 4".
func stepList(nums []string) string {
	if len(nums) == 1 {
		return "step " + nums[0]
	}
	return "steps " + strings.Join(nums[:len(nums)-1], ", ") + " and " + nums[len(nums)-1]
}

// Script is the steps as one PowerShell script, each in a block of its
// own so that no step's variables reach the next.
func Script(steps []*providers.Step, scripts []*script.Script) string {
	var b strings.Builder
	if len(scripts) > 0 && scripts[0] != nil {
		for _, sc := range scripts {
			if sc.PowerShell != "" {
				b.WriteString(preambleOf(sc.PowerShell))
				break
			}
		}
	}
	for i, s := range steps {
		sc := scripts[i]
		fmt.Fprintf(&b, "\n# Step %d: %s: %s\n", i+1, s.Address, s.Verb)
		// Through the one quoter: PowerShell ends a literal at U+2018-
		// U+201B too, which a for_each key may hold.
		fmt.Fprintf(&b, "Write-Host %s\n", literal(fmt.Sprintf("Step %d of %d: %s", i+1, len(steps), s.ID)))
		if sc.Manual != "" {
			// Each line a literal: no text from the plan can end a
			// here-string early.
			for _, l := range strings.Split(strings.TrimSpace(sc.Manual)+"\nVerify: "+sc.Verify, "\n") {
				fmt.Fprintf(&b, "Write-Host %s\n", literal(l))
			}
			if sc.ManualScript != "" {
				b.WriteString("# The script for this step, to adapt and run by hand:\n")
				for _, l := range strings.Split(strings.TrimRight(strings.TrimPrefix(sc.ManualScript, preambleOf(sc.ManualScript)), "\n"), "\n") {
					b.WriteString("#   " + l + "\n")
				}
			}
			fmt.Fprintf(&b, "if ((Read-Host 'Type done when step %d is done') -ne 'done') { throw 'Stopped at step %d' }\n", i+1, i+1)
			continue
		}
		b.WriteString("& {\n")
		for _, l := range strings.Split(strings.TrimRight(strings.TrimPrefix(sc.PowerShell, preambleOf(sc.PowerShell)), "\n"), "\n") {
			b.WriteString("  " + l + "\n")
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// preambleOf is the snap-in preamble every ems script starts with.
func preambleOf(script string) string {
	if i := strings.Index(script, "}\n"); i >= 0 && strings.HasPrefix(script, "$ErrorActionPreference") {
		return script[:i+2]
	}
	return ""
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// literal quotes a line of text for Write-Host; a character no literal
// can hold is shown as a space.
func literal(s string) string {
	if q, err := pwsh.Quote(s); err == nil {
		return q
	}
	clean := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	q, _ := pwsh.Quote(clean)
	return q
}

// writeLeft lists what the runbook does not touch and why: what could
// not be read, and what waits for the configuration to say more.
func writeLeft(b *strings.Builder, p *planner.Plan) {
	if len(p.Unreadable) > 0 {
		b.WriteString("\n## Could not be read\n\nNothing is done for these:\n\n")
		for _, u := range p.Unreadable {
			fmt.Fprintf(b, "- %s (%s): %s\n", u.Address, u.Identity, u.Why)
		}
	}
	if len(p.Waiting) > 0 {
		b.WriteString("\n## Left as it is\n\nThese differ from the configuration, which must say more first:\n\n")
		for _, w := range p.Waiting {
			fmt.Fprintf(b, "- %s (%s): %s\n", w.Address, w.Identity, w.Why)
		}
	}
}
