package ems

import (
	"fmt"
	"strings"

	"github.com/exdr/exdr/providers"
)

// Script is what the ems provider does for one step: a PowerShell script
// for the Exchange Management Shell, or, where no cmdlet does the work
// (rebuilding Windows, restoring with the site's backup software, a tool
// that asks on the server's console), instructions for a person.
type Script struct {
	Verb providers.Verb
	// PowerShell is the script; empty for a manual step.
	PowerShell string
	// Manual says what a person does, for a step no script does;
	// ManualScript is a script for them to run as part of it.
	Manual       string
	ManualScript string
	// Verify says how to see the step worked.
	Verify string
}

// Options shape the scripts.
type Options struct {
	// DomainController is passed to every Exchange cmdlet that takes
	// one, so reads and writes go to the same directory server.
	DomainController string
}

// preamble loads the Exchange snap-in and stops at the first error.
const preamble = `$ErrorActionPreference = 'Stop'
if (-not (Get-PSSnapin -Name Microsoft.Exchange.Management.PowerShell.Admin -ErrorAction SilentlyContinue)) {
  Add-PSSnapin Microsoft.Exchange.Management.PowerShell.Admin
}
`

// builder writes a script, quoting every value from the configuration or
// the live organization as a single-quoted literal; the first value that
// cannot be quoted is the error.
type builder struct {
	lines []string
	err   error
	dc    string
}

func (b *builder) q(s string) string {
	v, err := Quote(s)
	if err != nil && b.err == nil {
		b.err = err
	}
	return v
}

// dc is the -DomainController argument, or nothing.
func (b *builder) dcArg() string {
	if b.dc == "" {
		return ""
	}
	return " -DomainController " + b.q(b.dc)
}

func (b *builder) line(format string, args ...any) {
	b.lines = append(b.lines, fmt.Sprintf(format, args...))
}

func (b *builder) script(verb providers.Verb, verify string) (*Script, error) {
	if b.err != nil {
		return nil, fmt.Errorf("%s: %w", verb, b.err)
	}
	return &Script{Verb: verb, PowerShell: preamble + strings.Join(b.lines, "\n") + "\n", Verify: verify}, nil
}

func manual(verb providers.Verb, what, verify string) *Script {
	return &Script{Verb: verb, Manual: what, Verify: verify}
}

// dbNoun is the cmdlet noun for a database step.
func dbNoun(kind string) string {
	if kind == "public_folder" {
		return "PublicFolderDatabase"
	}
	return "MailboxDatabase"
}

// serverOf is the server part of an Exchange identity (MBX01\SG1\DB1).
func serverOf(id string) string {
	if i := strings.IndexByte(id, '\\'); i > 0 {
		return id[:i]
	}
	return id
}

func boolArg(v string) string {
	if v == "true" {
		return "$true"
	}
	return "$false"
}
