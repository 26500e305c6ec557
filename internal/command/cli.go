package command

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/exdr/exdr/lang"
)

// streams are a command's standard files, and whether each is a terminal.
type streams struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	stdinTTY       bool
	noInput        bool // -input=false: ask nothing, as without a terminal
	stdoutTTY      bool
	stderrTTY      bool
	noColor        bool // -no-color was given, or NO_COLOR is set
	env            []string
	// json is set when the command line asks for -json: a failure is
	// then answered in JSON on stdout too, with the diagnostics kept.
	json      bool
	jsonDiags []jsonDiagnostic
	// flags is the flag set the command made, for shell completion.
	flags *flag.FlagSet
}

func systemStreams() *streams {
	return &streams{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		noColor:   os.Getenv("NO_COLOR") != "",
		env:       os.Environ(),
	}
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// color reports whether output to stdout (or stderr) may be coloured:
// only on a terminal, and never with -no-color.
func (s *streams) color(stderr bool) bool {
	if s.noColor {
		return false
	}
	if stderr {
		return s.stderrTTY
	}
	return s.stdoutTTY
}

func (s *streams) errColor(text string) string {
	if !s.color(true) {
		return text
	}
	return "\x1b[1;31m" + text + "\x1b[0m"
}

func (s *streams) warnColor(text string) string {
	if !s.color(true) {
		return text
	}
	return "\x1b[1;33m" + text + "\x1b[0m"
}

func (s *streams) okColor(text string) string {
	if !s.color(false) {
		return text
	}
	return "\x1b[1;32m" + text + "\x1b[0m"
}

// newFlags makes a command's flag set with the flags every command has.
// -h prints the command's help to stdout (its usage, what it does,
// examples, its flags); a flag error is returned, not printed, and said
// once by exitCode.
func newFlags(s *streams, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolFunc("no-color", "never colour the output", func(string) error {
		s.noColor = true
		return nil
	})
	fs.Usage = func() { printHelp(s.stdout, fs, usage) }
	s.flags = fs
	return fs
}

// parseFlags parses args, flags before or after the positional arguments
// (exdr plan . -out x as well as exdr plan -out x .). -h prints the help
// and returns flag.ErrHelp (exit 0); any other flag error comes back as
// a flagError saying what to do. After "--" everything is positional.
func parseFlags(fs *flag.FlagSet, args []string) error {
	help := fs.Usage
	fs.Usage = func() {} // package flag calls it on every error too
	defer func() { fs.Usage = help }()
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				help()
				return err
			}
			return &flagError{command: fs.Name(), err: err, hint: suggestFlag(fs, err)}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Parse once more so that fs.Args() returns the positional arguments.
	return fs.Parse(append([]string{"--"}, positional...))
}

// varFlags collects -var and -var-file in command-line order.
type varFlags struct{ args []lang.VarArg }

func (v *varFlags) register(fs *flag.FlagSet) {
	fs.Func("var", "set a variable: -var 'NAME=VALUE' (repeatable)", func(s string) error {
		a, err := lang.ParseVarArg(s)
		if err != nil {
			return err
		}
		v.args = append(v.args, a)
		return nil
	})
	fs.Func("var-file", "read variables from an HCL file of NAME = VALUE lines (repeatable; later wins)", func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("-var-file needs a file name")
		}
		v.args = append(v.args, lang.VarArg{File: s})
		return nil
	})
}

// dirArg returns the one optional DIR argument, "." when absent.
func dirArg(fs *flag.FlagSet) (string, error) {
	switch fs.NArg() {
	case 0:
		return ".", nil
	case 1:
		return fs.Arg(0), nil
	}
	return "", fmt.Errorf("%s takes one directory, got %s: %s", fs.Name(), plural(fs.NArg(), "argument"), strings.Join(fs.Args(), " "))
}

// canAsk says whether a question may be asked: on a terminal, and not
// after -input=false.
func (s *streams) canAsk() bool { return s.stdinTTY && !s.noInput }

// inputFlag registers -input, as Terraform has it: -input=false makes a
// command that would ask a question refuse instead, saying which flag
// answers it, so a script never hangs on a prompt.
func inputFlag(fs *flag.FlagSet, s *streams) {
	fs.BoolFunc("input", "ask questions on the terminal (default true); -input=false asks nothing and refuses where a question would be", func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("give -input=false or -input=true")
		}
		s.noInput = !b
		return nil
	})
}
