package script

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/exdr/exdr/internal/pwsh"
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

// Builder writes a script, quoting every value from the configuration or
// the live organization as a single-quoted literal; the first value that
// cannot be quoted is the error.
type Builder struct {
	lines []string
	err   error
	dc    string
	// display quotes for a line a person reads (Show): never an error,
	// a character no literal can hold shown as U+FFFD.
	display bool
	// shown are the commands the plan shows for the step, each one also
	// in lines (or in a manual step's text); where is the plan's comment
	// after them: on which server, and what the script does around them.
	shown []string
	where string
}

func (b *Builder) q(s string) string {
	if b.display {
		return pwsh.Display(s)
	}
	v, err := pwsh.Quote(s)
	if err != nil && b.err == nil {
		b.err = err
	}
	return v
}

// dc is the -DomainController argument, or nothing.
func (b *Builder) dcArg() string {
	if b.dc == "" {
		return ""
	}
	return " -DomainController " + b.q(b.dc)
}

// line adds a line the script runs. Show keeps only the shown lines: a
// plan shows a command for every step, and formatting the lines around
// them only to throw them away was 15% of the planner's allocations.
func (b *Builder) line(format string, args ...any) {
	if b.display {
		return
	}
	b.lines = append(b.lines, fmt.Sprintf(format, args...))
}

// cmd adds a line the script runs and the plan shows.
func (b *Builder) cmd(format string, args ...any) {
	l := fmt.Sprintf(format, args...)
	if !b.display {
		b.lines = append(b.lines, l)
	}
	b.shown = append(b.shown, strings.TrimSpace(l))
}

// show adds a command the plan shows that a person runs: a manual step's
// text names it, in the same words.
func (b *Builder) show(format string, args ...any) string {
	l := fmt.Sprintf(format, args...)
	b.shown = append(b.shown, l)
	return l
}

// at sets the plan's comment after the shown commands.
func (b *Builder) at(format string, args ...any) { b.where = fmt.Sprintf(format, args...) }

// native is a switch with a path glued to it (eseutil's /l, /s, /d) as
// one single-quoted argument. PowerShell runs eseutil and isinteg itself
// (CreateProcess, no cmd.exe between): it passes the value on, wrapped
// in double quotes when it holds a space, and the C runtime that reads
// eseutil's command line takes \" as a quote character, so a trailing
// backslash is dropped (a drive root keeps its own: it holds no space).
// No Windows path holds a double quote.
func (b *Builder) native(sw, path string) string {
	trimmed := strings.TrimRight(path, `\`)
	switch {
	case len(trimmed) == 2 && trimmed[1] == ':':
		trimmed += `\` // D:\ means the root; D: alone, D:'s current folder
	case trimmed == "":
		trimmed = path
	}
	return b.q(sw + trimmed)
}

// NewBuilder starts a script whose cmdlets go to the domain controller dc
// (none when empty): for scripts outside a step, such as the read.
func NewBuilder(dc string) *Builder { return &Builder{dc: dc} }

// Q quotes a value as a single-quoted literal (pwsh.Quote).
func (b *Builder) Q(s string) string { return b.q(s) }

// DCArg is " -DomainController <dc>", or nothing.
func (b *Builder) DCArg() string { return b.dcArg() }

// Line adds a line of PowerShell.
func (b *Builder) Line(format string, args ...any) { b.line(format, args...) }

// Text is the script with its preamble, or the first value that could not
// be quoted.
func (b *Builder) Text() (string, error) {
	if b.err != nil {
		return "", b.err
	}
	return preamble + strings.Join(b.lines, "\n") + "\n", nil
}

func (b *Builder) script(verb providers.Verb, verify string) (*Script, error) {
	if b.err != nil {
		return nil, fmt.Errorf("%s: %w", verb, b.err)
	}
	if b.display {
		return &Script{Verb: verb, Verify: verify}, nil // Show reads b.shown
	}
	return &Script{Verb: verb, PowerShell: preamble + strings.Join(b.lines, "\n") + "\n", Verify: verify}, nil
}

// Show is a step's command as the plan shows it: the commands the ems
// provider runs for it (a person, for a manual step), each written by the
// same code and quoter as the script, then after "#" where they run and
// what the script does around them.
func Show(step *providers.Step) string {
	b := &Builder{display: true}
	if _, err := render(b, step); err != nil {
		return "# " + err.Error()
	}
	line := strings.Join(b.shown, "; ")
	if b.where != "" {
		if line != "" {
			line += "  "
		}
		line += "# " + b.where
	}
	return line
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

// storageGroupOf is the storage group part of a database identity
// (MBX01\SG1\DB1 is MBX01\SG1).
func storageGroupOf(id string) string {
	if i := strings.LastIndexByte(id, '\\'); i > 0 {
		return id[:i]
	}
	return id
}

// parentPath is the folder of a Windows path.
func parentPath(p string) string {
	if i := strings.LastIndexByte(p, '\\'); i > 0 {
		if i == 2 && p[1] == ':' {
			return p[:3] // a drive root keeps its backslash
		}
		return p[:i]
	}
	return p
}

// unc is a local path on a server as another machine reaches it, through
// the drive's administrative share: E:\x on MBX01 is \\MBX01\E$\x.
func unc(server, path string) string {
	if len(path) >= 2 && path[1] == ':' {
		return `\\` + server + `\` + path[:1] + `$` + path[2:]
	}
	return path
}

// file is a path argument the step must carry (the planner writes it from
// the read): without it the script would guess.
func (b *Builder) file(step *providers.Step, key string) (string, error) {
	if v := step.Args[key]; v != "" {
		return v, nil
	}
	return "", fmt.Errorf("%s: no %s: plan again", step.Verb, key)
}

// stopped says what must be stopped for a step on a file: the database
// dismounted, or for a queue database the transport service.
func stopped(step *providers.Step) string {
	if step.Args["queue_server"] != "" {
		return "MSExchangeTransport stopped"
	}
	return "the database dismounted"
}

// atoi reads a log generation number; what is not one reads as 0.
func atoi(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

func boolArg(v string) string {
	if v == "true" {
		return "$true"
	}
	return "$false"
}
