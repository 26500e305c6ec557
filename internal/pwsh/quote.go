package pwsh

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SingleQuotes are the characters PowerShell ends a single-quoted string
// at, not only the ASCII apostrophe: each is doubled inside a literal.
const SingleQuotes = "'\u2018\u2019\u201a\u201b"

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
		if isControl(r) {
			return "", fmt.Errorf("%q has a control character (U+%04X) at byte %d: Exchange names and paths cannot hold one", s, r, i)
		}
	}
	return quote(s), nil
}

// Display quotes s for a line a person reads (the plan's commands): as
// Quote, with a character no literal can hold shown as U+FFFD, so the
// line stays one literal whatever the value.
func Display(s string) string {
	clean := strings.Map(func(r rune) rune {
		if isControl(r) {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return quote(clean)
}

func isControl(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\u0085'
}

func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, r := range s {
		if strings.ContainsRune(SingleQuotes, r) {
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

// ReadLiteral is PowerShell's reading of a single-quoted string at the
// start of src: it returns the value and what follows the closing quote
// (Quote's inverse, for tests and the fake shell). A doubled quote
// character (any of the five PowerShell accepts) stands for one; a
// single one closes the literal.
func ReadLiteral(src string) (value, rest string, ok bool) {
	r0, n0 := utf8.DecodeRuneInString(src)
	if n0 == 0 || !strings.ContainsRune(SingleQuotes, r0) {
		return "", "", false
	}
	var b strings.Builder
	s := src[n0:]
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if strings.ContainsRune(SingleQuotes, r) {
			r2, n2 := utf8.DecodeRuneInString(s[n:])
			if n2 > 0 && strings.ContainsRune(SingleQuotes, r2) {
				b.WriteRune(r2) // PowerShell keeps the second of the pair
				s = s[n+n2:]
				continue
			}
			return b.String(), s[n:], true
		}
		b.WriteRune(r)
		s = s[n:]
	}
	return "", "", false
}
