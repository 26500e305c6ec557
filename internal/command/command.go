package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/exdr/exdr/internal/hugeheap"
	"github.com/exdr/exdr/internal/memlimit"
)

// Main runs the command line os.Args names and returns its exit code;
// main exits with it, and testscript runs it in-process. Commands that
// run long handle Ctrl-C themselves.
func Main() int {
	if completing() {
		return 0
	}
	// A command whose output goes away (exdr lab traffic | head -1) is
	// not killed by SIGPIPE at its next write, holding the
	// organization's lock: the write fails instead, and the command ends
	// as it would, releasing it (the next run found the lock of a dead
	// process). apply and drill say the same for a recovery's steps.
	signal.Ignore(syscall.SIGPIPE)
	// apply and drill run for minutes and keep the runtime's defaults;
	// tuneGC and hugeheap say what the others gain. The advice is given
	// beside the command, not before it: its allocation and collection
	// cost 5-6 ms, which made a validate of the quickstart 21 ms -> 27 ms
	// when given first, and nothing measurable beside it.
	if name := commandName(os.Args[1:]); name != "apply" && name != "drill" {
		tuneGC()
		go hugeheap.Advise(hugeheap.Size)
	}
	return runCommand(context.Background(), os.Args[1:], systemStreams())
}

// tuneGC sets the collector for a command that reads and prints, and
// lives a second: a plan at 10,000 databases spends 15% less CPU with
// the heap let grow to five times what is live (GOGC=400) than at Go's
// default, for 20-50 MB more (configuration cached: 0.31-0.37 s user
// against 0.40-0.45 s, 133-137 MB against 98-117 MB; parsed: 1.20 s wall
// against 1.42 s, 270 MB against 216 MB). A soft limit keeps that growth
// to gcLimit. apply and drill, which run for minutes and make garbage all
// along, keep Go's default: at GOGC=400 building 10,000 databases peaked
// at 690 MB against 211 MB. GOGC or GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(gcLimit(memlimit.Available()))
	}
}

// gcLimit is the soft limit for a machine with available bytes of memory:
// half of it, or 1 GiB when it is unknown. A fixed 1 GiB was tried and
// was wrong: loading 100,000 databases holds 1.2 GB live, and a heap
// held below what is live makes the collector run without pause, capped
// at half the CPU. A parsed validate at 100k took 14.1 s (25.6 s of CPU)
// under it, 6.7 s (9.3 s) with the limit above the live heap.
func gcLimit(available int64) int64 {
	if available <= 0 {
		return 1 << 30
	}
	return available / 2
}

// commandName is the first argument that names a command: flags before
// it (-chdir DIR) and their values are passed over.
func commandName(args []string) string {
	for _, a := range args {
		for _, c := range commands() {
			if a == c.name {
				return a
			}
		}
	}
	return ""
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, s *streams) error
}

func commands() []command {
	return []command{
		{"plan", "Show the recovery steps that would bring the organization to the configuration", cmdPlan},
		{"apply", "Carry out the recovery steps", cmdApply},
		{"show", "Show a saved plan", cmdShow},
		{"graph", "Print the plan's graph of steps in DOT", cmdGraph},
		{"validate", "Check that a configuration is valid", cmdValidate},
		{"drill", "Run the configuration's disaster drills on a copy of the lab", cmdDrill},
		{"check", "Check that the organization could be recovered as configured, today", cmdCheck},
		{"fmt", "Rewrite configuration files in the canonical format", cmdFmt},
		{"edge", "Export Edge Transport servers' cloned configurations", cmdEdge},
		{"generate", "Write the configuration of a live organization", cmdGenerate},
		{"lab", "Set up and damage the embedded lab organization", cmdLab},
		{"history", "List the runs kept by the organization's backend, or show one", cmdHistory},
		{"force-unlock", "Remove a stale lock left by an apply", cmdForceUnlock},
		{"version", "Print the exdr version", cmdVersion},
		{"completion", "Print or install shell completion for bash, zsh or PowerShell", cmdCompletion},
		{"help", "Show help for a command", cmdHelp},
	}
}

func runCommand(ctx context.Context, args []string, s *streams) int {
	args, done, code := globalOptions(args, s)
	if done {
		return code
	}
	if len(args) == 0 {
		printUsage(s.stderr)
		return 1
	}
	name := args[0]
	if jsonAsked(args[1:]) {
		s.json = true
		s.stdout = &countingWriter{w: s.stdout}
	}
	for _, c := range commands() {
		if c.name == name {
			return exitCode(c.run(ctx, args[1:], s), s)
		}
	}
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	hint := ""
	if c := closest(name, names); c != "" {
		hint = fmt.Sprintf(" Did you mean %q?", c)
	}
	fmt.Fprintf(s.stderr, "%s exdr has no command %q.%s Run \"exdr help\" for the list.\n", s.errColor("Error:"), name, hint)
	return 1
}

// globalOptions takes the options that come before the command, as
// Terraform's: -chdir=DIR (the command runs as if started in DIR), -help
// and -version. done is set when one of them was the whole run.
func globalOptions(args []string, s *streams) (rest []string, done bool, code int) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		a := args[0]
		switch {
		case a == "-h" || a == "-help" || a == "--help":
			printUsage(s.stdout)
			return nil, true, exitOK
		case a == "-v" || a == "-version" || a == "--version":
			return append([]string{"version"}, args[1:]...), false, 0
		case a == "-chdir" || a == "--chdir" || strings.HasPrefix(a, "-chdir=") || strings.HasPrefix(a, "--chdir="):
			dir, ok := strings.CutPrefix(strings.TrimPrefix(a, "-"), "-chdir=")
			if !ok {
				dir, ok = strings.CutPrefix(a, "-chdir=")
			}
			if !ok {
				if len(args) < 2 {
					fmt.Fprintf(s.stderr, "%s -chdir needs a directory: exdr -chdir=DIR COMMAND\n", s.errColor("Error:"))
					return nil, true, exitError
				}
				dir, args = args[1], args[1:]
			}
			if err := os.Chdir(dir); err != nil {
				fmt.Fprintf(s.stderr, "%s Invalid -chdir option: %v\n", s.errColor("Error:"), err)
				return nil, true, exitError
			}
			args = args[1:]
		default:
			fmt.Fprintf(s.stderr, "%s %s is not an option exdr takes before a command: only -chdir=DIR, -help and -version are; a command's own flags come after it (exdr plan -h lists plan's).\n", s.errColor("Error:"), a)
			return nil, true, exitError
		}
	}
	return args, false, 0
}

// jsonAsked says whether a command's arguments ask for -json, so that
// even a failure before its flags are parsed is answered in JSON.
func jsonAsked(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-json", "--json", "-json=true", "--json=true":
			return true
		}
	}
	return false
}

// Exit codes. 2 means "changes present" for plan -detailed-exitcode; 3
// means "needs formatting" for fmt -check, as in terraform fmt.
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2
	exitFormat  = 3
)

// exitStatus ends a command with a code other than 1 without printing
// anything more: the command has said what there was to say.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// errReported is an error whose details (diagnostics, usually) have been
// printed already.
var errReported = errors.New("reported")

// exitCode is the one place where errors become exit codes. With -json,
// a failure is answered on stdout too, in the shape validate -json has,
// unless the command has written its JSON already.
func exitCode(err error, s *streams) int {
	var status exitStatus
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &status):
		return int(status)
	case errors.Is(err, errReported):
		s.writeJSONFailure(nil)
		return exitError
	}
	fmt.Fprintf(s.stderr, "%s %s\n", s.errColor("Error:"), err)
	s.writeJSONFailure(err)
	return exitError
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: exdr <command> [flags] [args]

exdr keeps an Exchange Server 2007 organization's recovery plan as code.

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "exdr help <command>" or "exdr <command> -h" for a command's flags.
`)
}
