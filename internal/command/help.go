package command

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
)

// helpText is what "exdr CMD -h" says beyond the flags: a paragraph on
// what the command does and a few command lines to start from.
type helpText struct {
	about    string
	examples []string
}

// helps are the commands' help texts, by the name their flag set has.
var helps = map[string]helpText{
	"plan": {`Reads the live organization through the configuration's provider, compares
it with the configuration and prints the ordered recovery: each step with
its command, why it is needed, its effect (reversible, or losing data and
what allows that) and its estimated time, then the recovery time against
the objective and what would be lost. Nothing is changed. A step that
would lose data is refused unless the configuration or -allow-data-loss
allows it.`, []string{
		"exdr plan .",
		"exdr plan -allow-data-loss -out recover.plan .",
		"exdr plan -markdown . > recovery.md",
		"exdr plan -runbook . > runbook.md",
		"exdr plan -detailed-exitcode .        # exit 2 when there is something to recover",
	}},
	"apply": {`Carries out the recovery: plans as "exdr plan" does (or takes a plan saved
with -out, refusing it if anything it was planned from has changed), asks
for "yes" unless -auto-approve, then runs each step under the
organization's lock, journaling every step, and reads the organization
again at the end to prove it matches. An interrupted apply exits 1 and
the next one continues from the journal.`, []string{
		"exdr apply .",
		"exdr apply -auto-approve -allow-data-loss .",
		"exdr apply recover.plan",
	}},
	"show": {`Prints a plan saved with "exdr plan -out": as text, as JSON, as Markdown for a
pull request, or as the break-glass runbook with one PowerShell script.`, []string{
		"exdr show recover.plan",
		"exdr show -markdown recover.plan",
		"exdr show -runbook recover.plan > runbook.md",
	}},
	"graph": {`Prints the plan's steps and their order as a graph in the DOT language,
for Graphviz.`, []string{
		"exdr graph . | dot -Tsvg > plan.svg",
	}},
	"validate": {`Checks that the configuration is valid (its syntax, every attribute,
Exchange's limits and names, references between blocks) without reading
the organization. Every error names its file, line and column.`, []string{
		"exdr validate .",
		"exdr validate -json . | jq .diagnostics",
	}},
	"drill": {`Runs the configuration's drill blocks, each on a copy of the lab (never the
lab itself, unless -in-place): the drill's actions, a count of every item
and queued message, the disaster, the plan and its apply, the count again.
A drill passes when the recovery met its objectives and nothing was lost
that it did not allow. Reports are written under drills/ beside the
configuration.`, []string{
		"exdr drill .",
		"exdr drill -scenario lose_mbx01 -keep .",
		"exdr drill -history .",
	}},
	"check": {`Says whether a recovery would meet the configuration's objectives today:
backup ages against the recovery point objective, circular logging,
retention, room to restore, Edge exports, standby copies. Exits 2 when it
would not.`, []string{
		"exdr check .",
		"exdr check -json .",
	}},
	"fmt": {`Rewrites configuration files in the canonical format. With -check it
changes nothing and exits 3 when a file would change.`, []string{
		"exdr fmt .",
		"exdr fmt -check -diff -recursive .",
	}},
	"edge export": {`Writes each Edge Transport server's configuration (or the named ones') to
the file its edge { cloned_config } block names, as ExportEdgeConfig.ps1
-CloneConfigData does. A different previous export is kept beside it as
FILE.TIME.previous.`, []string{
		"exdr edge export .",
		"exdr edge export . EDGE01",
	}},
	"generate": {`Reads the live organization through a provider and writes its
configuration: main.exdr.hcl (the exdr and provider blocks, the
objectives left for you to fill in), one file per server with its
storage groups, databases and queue database, the mailboxes (in
mailboxes.csv with one for_each block past five), and each Edge server's
export under edge/. Values equal to Exchange's defaults are left out
unless -all. What cannot be read is a commented placeholder saying why.
It never overwrites a file unless -overwrite, which keeps the old one
beside it. exdr plan on what it wrote says No changes. It reads without
taking the organization's lock.`, []string{
		"exdr generate -out contoso",
		"exdr generate -provider ems -domain-controller dc01.contoso.com -out contoso",
		"exdr generate -target mailbox_database.DB9 -out new",
	}},
	"history": {`Lists the runs kept by the organization's backend, newest first: who ran
what, when, how many steps, how it ended and how long it took, from
the journal of every step's start and end. With backend "pg" the history
is the whole team's, in PostgreSQL; without, it is read from the local
journal. "exdr history show RUN" shows one run's steps.`, []string{
		"exdr history .",
		"exdr history -n 5 -json .",
		"exdr history show 0a1b2c3d .",
	}},
	"force-unlock": {`Removes the organization's lock left behind by a run that can no longer
release it. Give the lock ID the refusal printed; it asks first unless
-force.`, []string{
		"exdr force-unlock 0a1b2c3d .",
	}},
	"version": {`Prints exdr's version, the Go it was built with and the platform.`, []string{
		"exdr version",
		"exdr version -json",
	}},
	"completion": {`Prints the shell completion script for bash, zsh or PowerShell, or
installs it in the shell's start-up file with -install (and removes it
with -uninstall). Completion knows exdr's commands, their flags, lab
subcommands, and directories and plan files as arguments.`, []string{
		"exdr completion -install                      # bash and zsh: the start-up files of this user",
		"exdr completion powershell >> $PROFILE",
	}},
}

// printHelp writes a command's usage line, its help text and its flags.
func printHelp(w io.Writer, fs *flag.FlagSet, usage string) {
	printHelpText(w, fs, usage, helps[fs.Name()])
}

func printHelpText(w io.Writer, fs *flag.FlagSet, usage string, h helpText) {
	fmt.Fprintf(w, "Usage: exdr %s\n", usage)
	if h.about != "" {
		fmt.Fprintf(w, "\n%s\n", indent(h.about))
		if len(h.examples) > 0 {
			fmt.Fprintf(w, "\nExamples:\n")
			for _, e := range h.examples {
				fmt.Fprintf(w, "  %s\n", e)
			}
		}
	}
	fmt.Fprintf(w, "\nFlags:\n")
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
}

// indent indents a paragraph by two spaces, wrapping a line longer than
// the 78 columns of a terminal (a one-line summary) at a space.
func indent(text string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		for len(line) > 76 {
			cut := strings.LastIndex(line[:76], " ")
			if cut <= 0 {
				break
			}
			out = append(out, line[:cut])
			line = line[cut+1:]
		}
		out = append(out, line)
	}
	return "  " + strings.Join(out, "\n  ")
}

// flagError is a command line package flag refused, said once (package
// flag's own printing is silenced) with what to do about it.
type flagError struct {
	command string
	err     error
	hint    string
}

func (e *flagError) Error() string {
	return fmt.Sprintf("%v.%s Run \"exdr %s -h\" for its flags.", e.err, e.hint, e.command)
}

// suggestFlag finds the flag an undefined one was probably meant to be.
func suggestFlag(fs *flag.FlagSet, err error) string {
	const undefined = "flag provided but not defined: -"
	given, ok := strings.CutPrefix(err.Error(), undefined)
	if !ok {
		return ""
	}
	if name, _, _ := strings.Cut(strings.TrimLeft(given, "-"), "="); name == "chdir" {
		return fmt.Sprintf(" -chdir goes before the command: exdr -chdir=DIR %s ...", fs.Name())
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if c := closest(given, names); c != "" {
		return fmt.Sprintf(" Did you mean -%s?", c)
	}
	return ""
}

// closest is the candidate a mistyped name was meant to be: one it
// begins, or one a slip or two away (three for a long name); "" when no
// candidate is that close, since a wrong guess misleads more than none.
func closest(given string, candidates []string) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	if len(given) >= 3 {
		for _, c := range sorted {
			if strings.HasPrefix(c, given) {
				return c
			}
		}
	}
	limit := 2
	if len(given) >= 10 {
		limit = 3
	}
	best, bestDist := "", limit+1
	for _, c := range sorted {
		if d := levenshtein.Distance(given, c, nil); d < bestDist && d < len(c) {
			best, bestDist = c, d
		}
	}
	return best
}

// isHelp says whether an argument asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}
