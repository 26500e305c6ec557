package ems

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Bootstrap is the command powershell.exe is given: it reads the script
// from standard input, as base64 of its UTF-8 ($input holds the lines
// piped to a command), and runs it whole as one script block. A throw in
// the script ends it there, and powershell.exe exits 1 with the error on
// standard error.
//
// The script is not piped to "-Command -": powershell.exe reads such
// input "one statement at a time as though they were typed at the
// PowerShell command prompt", a statement over several lines runs only
// once an empty line follows it, and the exit code is the last executed
// statement's, so the preamble's multi-line if swallowed every script
// and each "succeeded" with exit 0, having done nothing
// (https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.core/about/about_powershell_exe,
// https://github.com/PowerShell/PowerShell/issues/3223). Base64 also
// keeps names such as O’Brien whole: powershell.exe decodes redirected
// input with the console's OEM code page
// (https://github.com/PowerShell/PowerShell/issues/14945).
//
// It uses only what PowerShell 1.0 has: $ExecutionContext's
// NewScriptBlock ([scriptblock]::Create came with 2.0) and .NET 2.0.
//
// The script ends with endLine, which the loader checks before it runs
// anything: an input cut short, or none at all ($input empty), would
// otherwise run a part of the script, or nothing, and exit 0.
const Bootstrap = `$ErrorActionPreference = 'Stop'; ` +
	`$s = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([string]::Join('', @($input)))); ` +
	`if (-not $s.EndsWith('` + endLine + `' + [char]10)) { throw 'exdr: the script did not arrive whole on standard input' }; ` +
	`& ($ExecutionContext.InvokeCommand.NewScriptBlock($s))`

// endLine ends every script the loader runs.
const endLine = "# exdr: end of script"

// ShellArgs are powershell.exe's arguments: the bootstrap as
// -EncodedCommand (base64 of UTF-16LE), which no quoting of the command
// line can mangle.
func ShellArgs() []string {
	return []string{"-NoProfile", "-NonInteractive", "-EncodedCommand", EncodeCommand(Bootstrap)}
}

// EncodeCommand is s as -EncodedCommand takes it: base64 of UTF-16LE.
func EncodeCommand(s string) string {
	units := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		b = append(b, byte(u), byte(u>>8))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// inputLine is the length of each line of the encoded script: short
// lines, as base64 is usually wrapped, for any reader's line buffer.
const inputLine = 76

// EncodeInput is what the bootstrap reads on standard input: base64 of
// the script's UTF-8 ended by endLine, in lines of inputLine characters.
func EncodeInput(script string) string {
	if script != "" && !strings.HasSuffix(script, "\n") {
		script += "\n"
	}
	enc := base64.StdEncoding.EncodeToString([]byte(script + endLine + "\n"))
	var b strings.Builder
	for len(enc) > inputLine {
		b.WriteString(enc[:inputLine])
		b.WriteString("\r\n")
		enc = enc[inputLine:]
	}
	b.WriteString(enc)
	b.WriteString("\r\n")
	return b.String()
}

// DecodeInvocation is the script a powershell.exe started with args and
// given stdin runs, for a stand-in shell; the error says why a real one
// would not run it whole.
func DecodeInvocation(args []string, stdin []byte) (string, error) {
	want := ShellArgs()
	for _, a := range args {
		if strings.EqualFold(a, "-Command") {
			return "", errors.New("powershell.exe -Command - runs what it reads one statement at a time, as typed at a prompt: a statement over several lines runs only after an empty line, and the exit code is the last one run's")
		}
	}
	if len(args) != len(want) {
		return "", fmt.Errorf("powershell.exe %s: want %s <bootstrap>", strings.Join(args, " "), strings.Join(want[:3], " "))
	}
	for i := range want {
		switch {
		case args[i] == want[i], i < 3 && strings.EqualFold(args[i], want[i]):
		case i == 3:
			return "", errors.New("-EncodedCommand is not exdr's bootstrap")
		default:
			return "", fmt.Errorf("argument %d is %q, want %q", i+1, args[i], want[i])
		}
	}
	var joined strings.Builder
	for _, line := range strings.Split(string(stdin), "\n") {
		joined.WriteString(strings.TrimRight(line, "\r"))
	}
	raw, err := base64.StdEncoding.DecodeString(joined.String())
	if err != nil {
		return "", fmt.Errorf("standard input is not base64: %w", err)
	}
	if !utf8.Valid(raw) {
		return "", errors.New("the decoded script is not UTF-8")
	}
	script, whole := strings.CutSuffix(string(raw), endLine+"\n")
	if !whole {
		return "", errors.New("exdr: the script did not arrive whole on standard input")
	}
	return script, nil
}
