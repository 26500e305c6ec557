package ems

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// readLiteral is PowerShell's reading of a single-quoted string at the
// start of src: it returns the value and what follows the closing quote.
// A doubled quote character (any of the five PowerShell accepts) stands
// for one; a single one closes the literal.
func readLiteral(src string) (value, rest string, ok bool) {
	if !strings.HasPrefix(src, "'") {
		return "", "", false
	}
	var b strings.Builder
	s := src[1:]
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if strings.ContainsRune(singleQuotes, r) {
			r2, n2 := utf8.DecodeRuneInString(s[n:])
			if n2 > 0 && strings.ContainsRune(singleQuotes, r2) {
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

func TestQuote(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "MBX01", want: "'MBX01'"},
		{in: "", want: "''"},
		{in: `E:\Exchange\SG1\DB1.edb`, want: `'E:\Exchange\SG1\DB1.edb'`},
		{in: "O'Brien", want: "'O''Brien'"},
		{in: "$(Remove-Item C:\\)", want: "'$(Remove-Item C:\\)'"},
		{in: "a\u2019b", want: "'a\u2019\u2019b'"},
		{in: "`n$env:PATH", want: "'`n$env:PATH'"},
		{in: "line\nbreak", bad: true},
		{in: "nul\x00", bad: true},
		{in: "tab\t", bad: true},
		{in: "next\u0085line", bad: true},
		{in: "bad\xffutf8", bad: true},
	}
	for _, tt := range tests {
		got, err := Quote(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("Quote(%q) = %q, want a refusal", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Quote(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// FuzzQuote: whatever the input, the literal reads back as the input and
// the reader ends exactly at the literal's end: nothing follows that
// PowerShell would run.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "DB1", "O'Brien", "''", "'; Remove-Item C:\\ -Recurse; '", "\u2018\u2019\u201a\u201b", "$x", "a\u2019", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Quote(s)
		if err != nil {
			return
		}
		got, rest, ok := readLiteral(q)
		if !ok || rest != "" {
			t.Fatalf("Quote(%q) = %q: the literal ends early, leaving %q", s, q, rest)
		}
		if got != s {
			t.Fatalf("Quote(%q) = %q reads back as %q", s, q, got)
		}
	})
}
