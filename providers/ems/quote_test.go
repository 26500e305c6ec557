package ems

import (
	"testing"
)

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
		got, rest, ok := ReadLiteral(q)
		if !ok || rest != "" {
			t.Fatalf("Quote(%q) = %q: the literal ends early, leaving %q", s, q, rest)
		}
		if got != s {
			t.Fatalf("Quote(%q) = %q reads back as %q", s, q, got)
		}
	})
}
