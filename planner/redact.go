package planner

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// Sensitive is what a rendering shows in place of a value from a
// sensitive variable.
const Sensitive = "(sensitive)"

// Redacted is the plan as every rendering shows it: each of its Secrets
// replaced by "(sensitive)" in the steps' reasons, commands, losses and
// arguments, and in the notes and losses. The plan itself is left as it
// is: its steps carry out the real values.
func (p *Plan) Redacted() *Plan {
	if p == nil || len(p.Secrets) == 0 {
		return p
	}
	r := newRedactor(p.Secrets)
	out := *p
	out.Secrets = nil
	out.Steps = make([]*providers.Step, len(p.Steps))
	for i, s := range p.Steps {
		c := *s
		c.Reason, c.Command, c.Loss = r.redact(s.Reason), r.redact(s.Command), r.redact(s.Loss)
		c.Identity = org.Identity(r.redact(string(s.Identity)))
		if s.Args != nil {
			c.Args = maps.Clone(s.Args)
			for k, v := range c.Args {
				c.Args[k] = r.redact(v)
			}
		}
		out.Steps[i] = &c
	}
	out.Notes = make([]string, len(p.Notes))
	for i, n := range p.Notes {
		out.Notes[i] = r.redact(n)
	}
	out.Losses = slices.Clone(p.Losses)
	for i := range out.Losses {
		out.Losses[i].What = r.redact(out.Losses[i].What)
	}
	out.Unreadable = slices.Clone(p.Unreadable)
	for i := range out.Unreadable {
		out.Unreadable[i].Why = r.redact(out.Unreadable[i].Why)
		out.Unreadable[i].Identity = org.Identity(r.redact(string(out.Unreadable[i].Identity)))
	}
	out.Waiting = slices.Clone(p.Waiting)
	for i := range out.Waiting {
		out.Waiting[i].Why = r.redact(out.Waiting[i].Why)
	}
	return &out
}

// RedactText is text with the plan's Secrets replaced, for a rendering
// made from the steps' real arguments (the runbook's scripts).
func (p *Plan) RedactText(text string) string {
	if p == nil {
		return text
	}
	return Redact(p.Secrets, text)
}

// Redact is text with secrets replaced as a plan's renderings replace
// them, for what else exdr prints of a configuration (exdr check).
func Redact(secrets []string, text string) string {
	if len(secrets) == 0 {
		return text
	}
	return newRedactor(secrets).redact(text)
}

// minSecret is the shortest value redacted: a sensitive "E" or "7"
// replaced wherever it stands alone turned every path into
// "(sensitive):\Exchange\..." in the runbook a person copies from
// (adversarial review), and so short a value hides nothing.
const minSecret = 3

// redactor replaces secrets, each as written and as a PowerShell
// single-quoted literal holds it (its quotes doubled), longest first, so
// that a secret inside another is not replaced first.
type redactor struct{ forms []string }

func newRedactor(secrets []string) *redactor {
	var forms []string
	for _, s := range secrets {
		if len(s) < minSecret {
			continue
		}
		forms = append(forms, s)
		if q := doubleQuotes(s); q != s {
			forms = append(forms, q)
		}
	}
	slices.SortFunc(forms, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	return &redactor{forms: slices.Compact(forms)}
}

// doubleQuotes is s as a single-quoted PowerShell literal writes it: each
// single quote, typographic ones too, doubled (internal/pwsh).
func doubleQuotes(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// redact replaces each form where it stands as a whole: not inside a
// longer word or number (a secret "7" leaves "17" alone).
func (r *redactor) redact(s string) string {
	for _, f := range r.forms {
		if !strings.Contains(s, f) {
			continue
		}
		var b strings.Builder
		written := 0 // s[:written] is in b
		for from := 0; ; {
			i := strings.Index(s[from:], f)
			if i < 0 {
				break
			}
			i += from
			end := i + len(f)
			before, _ := utf8.DecodeLastRuneInString(s[:i])
			after, _ := utf8.DecodeRuneInString(s[end:])
			if i > 0 && joins(before, f, true) || end < len(s) && joins(after, f, false) {
				from = i + 1
				continue
			}
			b.WriteString(s[written:i])
			b.WriteString(Sensitive)
			written, from = end, end
		}
		b.WriteString(s[written:])
		s = b.String()
	}
	return s
}

// joins reports whether the rune next to a match makes it part of a
// longer word: a letter or digit beside a form that begins (or ends, for
// the rune after it) with one.
func joins(next rune, form string, before bool) bool {
	edge, _ := utf8.DecodeRuneInString(form)
	if !before {
		edge, _ = utf8.DecodeLastRuneInString(form)
	}
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return word(next) && word(edge)
}
