package redact

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sensitive is what is shown in place of a value from a sensitive
// variable.
const Sensitive = "(sensitive)"

// Text is text with each secret replaced by "(sensitive)" where it stands
// as a whole word, in PowerShell's single-quoted form too.
func Text(secrets []string, text string) string {
	if len(secrets) == 0 {
		return text
	}
	return New(secrets).Redact(text)
}

// minSecret is the shortest value redacted: a sensitive "E" or "7"
// replaced wherever it stands alone turned every path into
// "(sensitive):\Exchange\..." in the runbook a person copies from
// (adversarial review), and so short a value hides nothing.
const minSecret = 3

// Redactor replaces secrets, each as written and as a PowerShell
// single-quoted literal holds it (its quotes doubled), longest first, so
// that a secret inside another is not replaced first.
// Redactor replaces a set of secrets.
type Redactor struct{ forms []string }

// New is a Redactor of secrets, each at least minSecret long.
func New(secrets []string) *Redactor {
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
	return &Redactor{forms: slices.Compact(forms)}
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

// Redact replaces each form where it stands as a whole: not inside a
// longer word or number (a secret "Payroll" leaves "Payrolls" alone).
func (r *Redactor) Redact(s string) string {
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
