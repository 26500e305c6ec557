package ems

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PowerShell ends a single-quoted string at any of these, not only at
// the ASCII apostrophe: each is doubled inside a literal.
const singleQuotes = "'\u2018\u2019\u201a\u201b"

// Quote makes s a PowerShell single-quoted literal, in which nothing is
// expanded: no variable, no subexpression, no escape. Every quote
// character is doubled, so no value can end the literal early and run as
// a command. Control characters (NUL, newlines, tabs, ...) are refused:
// no Exchange name or path holds one, and a newline would end the
// statement in an interactive shell.
func Quote(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%q is not valid UTF-8", s)
	}
	for i, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return "", fmt.Errorf("%q has a control character (U+%04X) at byte %d: Exchange names and paths cannot hold one", s, r, i)
		}
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, r := range s {
		if strings.ContainsRune(singleQuotes, r) {
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String(), nil
}
