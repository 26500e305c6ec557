package cmdlets

import (
	"testing"

	"github.com/exdr/exdr/internal/pwsh"
)

// Any value pwsh.Quote accepts reads back, through this reader, as one
// argument holding exactly the value, and no other command appears; and
// no input makes the reader panic. (go test -fuzz FuzzQuotedValue runs
// it beyond the seeds.)
func FuzzQuotedValue(f *testing.F) {
	for _, s := range []string{"", "O'Brien", "O\u2019Brien", "\u2018\u2019\u201a\u201b", "$(Remove-Item C:\\)", "`n", `"; x; "`, "a\u2019'\u2019b", "#", "@(1)", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Commands(s) // never panics, whatever it is given
		q, err := pwsh.Quote(s)
		if err != nil {
			return // control characters and invalid UTF-8 are refused
		}
		cmds, err := Commands("Mount-Database -Identity " + q + " -Confirm:$false")
		if err != nil {
			t.Fatalf("%q quoted as %s does not parse: %v", s, q, err)
		}
		if len(cmds) != 1 || len(cmds[0].Args) != 3 || cmds[0].Args[1].Value != "'"+s+"'" {
			t.Fatalf("%q quoted as %s reads as %s", s, q, describe(cmds))
		}
		if v, rest, ok := pwsh.ReadLiteral(q); !ok || v != s || rest != "" {
			t.Fatalf("%q quoted as %s reads back as %q, rest %q", s, q, v, rest)
		}
	})
}
