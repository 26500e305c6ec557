package script

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/exdr/exdr/internal/pwsh"
)

// psNative is the command line PowerShell 2.0 builds for a native
// program (eseutil, isinteg) from one argument's value: the value as it
// is, wrapped in double quotes when it holds a space or a tab; nothing
// inside is escaped.
func psNative(v string) string {
	if strings.ContainsAny(v, " \t") {
		return `"` + v + `"`
	}
	return v
}

// crtArgv splits a command line as the Microsoft C runtime does for a
// program's main (eseutil's): 2n backslashes before a quote are n
// backslashes and the quote opens or closes a quoted part; 2n+1 are n and
// a literal quote; backslashes before anything else are literal.
func crtArgv(line string) []string {
	var args []string
	var cur strings.Builder
	inArg, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(line) && line[i] == '\\' {
				n++
				i++
			}
			if i < len(line) && line[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					quoted = !quoted
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i--
			}
			inArg = true
		case c == '"':
			quoted, inArg = !quoted, true
		case (c == ' ' || c == '\t') && !quoted:
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args
}

// eseutilReads is what eseutil receives for a switch and a path exdr
// writes: the single-quoted literal read as PowerShell reads it, passed
// on as PowerShell 2.0 passes it, split as the C runtime splits it.
func eseutilReads(t *testing.T, sw, path string) []string {
	t.Helper()
	b := &Builder{}
	lit := b.native(sw, path)
	v, rest, ok := pwsh.ReadLiteral(lit)
	if !ok || rest != "" || b.err != nil {
		t.Fatalf("%q: not one literal: %s (%v)", path, lit, b.err)
	}
	return crtArgv(psNative(v))
}

// A folder path reaches eseutil whole, as one argument, whatever it
// holds: before, a folder with a space and a trailing backslash
// (D:\Exchange Logs\) reached it as D:\Exchange Logs" (the C runtime
// reads \" as a quote character), and PowerShell's $( ) in double
// quotes would have run.
func TestNativeArgumentsReachEseutilWhole(t *testing.T) {
	for _, tt := range []struct{ path, want string }{
		{`D:\Exchange\SG1`, `/lD:\Exchange\SG1`},
		{`D:\Exchange Logs\SG1`, `/lD:\Exchange Logs\SG1`},
		{`D:\Exchange Logs\SG1\`, `/lD:\Exchange Logs\SG1`},
		{`D:\Exchange Logs\SG1\\`, `/lD:\Exchange Logs\SG1`},
		{`D:\`, `/lD:\`},
		{`C:\Program Files\Microsoft\Exchange Server\TransportRoles\data\Queue\`, `/lC:\Program Files\Microsoft\Exchange Server\TransportRoles\data\Queue`},
		{`E:\O'Brien $(calc) 100% & x; y`, `/lE:\O'Brien $(calc) 100% & x; y`},
		{"E:\\O\u2019Brien \u2018q\u201b", "/lE:\\O\u2019Brien \u2018q\u201b"},
	} {
		got := eseutilReads(t, "/l", tt.path)
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("%q reaches eseutil as %q, want [%q]", tt.path, got, tt.want)
		}
	}
	// What the old form did with the same folder.
	if got := crtArgv(psNative(`/lD:\Exchange Logs\SG1\`)); len(got) != 1 || got[0] != `/lD:\Exchange Logs\SG1"` {
		t.Errorf("the C runtime model: %q", got)
	}
}

// Property: any path of Windows path characters, with any run of
// trailing backslashes, reaches eseutil as one argument naming the same
// folder.
func TestNativeArgumentsProperty(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "Z", "0", " ", " ", "'", "\u2019", "\u2018", "$", "(", ")", "`", "%", "&", ";", "|", "#", "@", ".", "-", "é", "\\"}
	for i := 0; i < 20000; i++ {
		var p strings.Builder
		p.WriteString(string(rune('C'+r.Intn(20))) + `:\`)
		for n := 1 + r.Intn(30); n > 0; n-- {
			p.WriteString(alphabet[r.Intn(len(alphabet))])
		}
		path := p.String()
		want := "/d" + strings.TrimRight(path, `\`)
		if len(strings.TrimRight(path, `\`)) < 3 {
			want = "/d" + path[:3]
		}
		if got := eseutilReads(t, "/d", path); len(got) != 1 || got[0] != want {
			t.Fatalf("%q reaches eseutil as %q, want [%q]", path, got, want)
		}
	}
}
