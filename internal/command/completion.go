package command

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/posener/complete/v2"
	"github.com/posener/complete/v2/install"
	"github.com/posener/complete/v2/predict"

	"github.com/exdr/exdr/internal/pwsh"
	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/planner"
)

// Shell completion is github.com/posener/complete's, as Terraform's is:
// the shell runs exdr itself with COMP_LINE and COMP_POINT set, and exdr
// answers with the words that fit. bash and zsh call it through
// "complete -C"; PowerShell through a native argument completer that
// sets the same two variables (completionPowerShell). The words come
// from the commands' own flag sets, so completion never lists a flag a
// command does not take.

// completing answers a shell's completion request and says whether
// this run was one.
func completing() bool {
	line := os.Getenv("COMP_LINE")
	if line == "" {
		return false
	}
	point, err := strconv.Atoi(os.Getenv("COMP_POINT"))
	if err != nil || point < 0 || point > len(line) {
		point = len(line) // the library would panic on a point it cannot read
	}
	line, point = withoutGlobalOptions(line, point)
	os.Setenv("COMP_LINE", line)
	os.Setenv("COMP_POINT", strconv.Itoa(point))
	complete.Complete("exdr", completionTree())
	return true
}

// withoutGlobalOptions drops -chdir (and its folder) before the command
// from a line being completed, which the library would take for an
// unknown command, and moves the point with it.
func withoutGlobalOptions(line string, point int) (string, int) {
	fields := strings.Fields(line[:point])
	if len(fields) < 2 {
		return line, point
	}
	drop := 0
	switch f := fields[1]; {
	case strings.HasPrefix(f, "-chdir=") || strings.HasPrefix(f, "--chdir="):
		drop = 1
	case (f == "-chdir" || f == "--chdir") && len(fields) > 2:
		drop = 2
	default:
		return line, point
	}
	start := strings.Index(line, fields[1])
	end := start
	for i := 1; i <= drop; i++ {
		end = strings.Index(line[end:], fields[i]) + end + len(fields[i])
	}
	for end < len(line) && line[end] == ' ' {
		end++
	}
	return line[:start] + line[end:], point - (end - start)
}

// completionTree is every command with its flags and what its
// arguments are.
func completionTree() *complete.Command {
	// No flags at the root: the library would offer them after every
	// command too, and -chdir belongs before the command only.
	root := &complete.Command{Sub: map[string]*complete.Command{}}
	for _, c := range commands() {
		switch c.name {
		case "lab":
			lab := &complete.Command{Sub: map[string]*complete.Command{}}
			for _, lc := range labCommands() {
				lab.Sub[lc.name] = commandCompletion(func(s *streams) { _ = cmdLab(context.Background(), []string{lc.name, "-h"}, s) })
			}
			switch {
			case lab.Sub["break"] != nil:
				lab.Sub["break"].Args = predict.Or(predict.Set(breakKinds), predict.Dirs("*"))
			}
			root.Sub["lab"] = lab
		case "edge":
			root.Sub["edge"] = &complete.Command{Sub: map[string]*complete.Command{
				"export": commandCompletion(func(s *streams) { _ = cmdEdge(context.Background(), []string{"export", "-h"}, s) }),
			}}
		case "help":
			names := make(predict.Set, 0)
			for _, c := range commands() {
				names = append(names, c.name)
			}
			root.Sub["help"] = &complete.Command{Args: names}
		default:
			run := c.run
			root.Sub[c.name] = commandCompletion(func(s *streams) { _ = run(context.Background(), []string{"-h"}, s) })
		}
	}
	root.Sub["apply"].Args = predict.Files("*") // a folder or a saved plan
	root.Sub["show"].Args = predict.Files("*")
	root.Sub["fmt"].Args = predict.Files("*.hcl")
	root.Sub["completion"].Args = predict.Set{"bash", "zsh", "powershell"}
	return root
}

// breakKinds are the damages "exdr lab break" inflicts.
var breakKinds = []string{"lose-server", "fail-server", "delete-server-object", "delete-database", "corrupt-page",
	"corrupt-queue", "poison-messages", "delete-logs", "corrupt-backup"}

// commandCompletion runs a command with -h, silenced, to learn its flag
// set, and predicts a value for each flag that takes one.
func commandCompletion(help func(s *streams)) *complete.Command {
	s := &streams{stdin: bytes.NewReader(nil), stdout: io.Discard, stderr: io.Discard, noColor: true}
	help(s)
	cmd := &complete.Command{Flags: map[string]complete.Predictor{}, Args: predict.Dirs("*")}
	if s.flags == nil {
		return cmd
	}
	s.flags.VisitAll(func(f *flag.Flag) {
		cmd.Flags[f.Name] = flagPrediction(f)
	})
	return cmd
}

// flagPrediction is what may follow a flag: nothing for a switch, files
// for a file, the configuration's addresses for -target.
func flagPrediction(f *flag.Flag) complete.Predictor {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return predict.Nothing
	}
	switch f.Name {
	case "out", "var-file":
		return predict.Files("*")
	case "target":
		return complete.PredictFunc(func(string) []string { return configAddresses(".") })
	case "chdir":
		return predict.Dirs("*")
	}
	return predict.Something
}

// configAddresses are the resource addresses of the configuration in
// dir, from the configuration cache when it is there.
func configAddresses(dir string) []string {
	cfg, diags := lang.LoadDir(dir, lang.Options{Env: os.Environ(), Cache: lang.CacheDir(os.Environ())})
	if diags.HasErrors() || cfg == nil || cfg.Org == nil {
		return nil
	}
	return planner.Addresses(cfg.Org)
}

// cmdCompletion prints or installs the shell completion.
func cmdCompletion(_ context.Context, args []string, s *streams) error {
	fs := newFlags(s, "completion", "completion [-install|-uninstall] [bash|zsh|powershell]")
	doInstall := fs.Bool("install", false, "add completion to the start-up files of bash and zsh found for this user")
	doUninstall := fs.Bool("uninstall", false, "remove it from them")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *doInstall || *doUninstall {
		if fs.NArg() > 0 || *doInstall == *doUninstall {
			return fmt.Errorf("give -install or -uninstall alone; for PowerShell, add the output of exdr completion powershell to your $PROFILE")
		}
		if *doInstall {
			if err := install.Install("exdr"); err != nil {
				return fmt.Errorf("install completion: %w", err)
			}
			fmt.Fprintln(s.stdout, "Completion is installed for bash and zsh: start a new shell to use it.")
			return nil
		}
		if err := install.Uninstall("exdr"); err != nil {
			return fmt.Errorf("uninstall completion: %w", err)
		}
		fmt.Fprintln(s.stdout, "Completion is removed.")
		return nil
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("name a shell: exdr completion bash, zsh or powershell (or -install for bash and zsh)")
	}
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	if bin, err = filepath.EvalSymlinks(bin); err != nil {
		return err
	}
	script, err := completionScript(fs.Arg(0), bin)
	if err != nil {
		return err
	}
	_, err = io.WriteString(s.stdout, script)
	return err
}

// completionScript is what a shell's start-up file needs for exdr at bin:
// for bash and zsh the line posener/complete's installer writes.
func completionScript(shell, bin string) (string, error) {
	switch shell {
	case "bash":
		return fmt.Sprintf("complete -C %s exdr\n", shellQuote(bin)), nil
	case "zsh":
		return fmt.Sprintf("autoload -U +X bashcompinit && bashcompinit\ncomplete -o nospace -C %s exdr\n", shellQuote(bin)), nil
	case "powershell", "pwsh":
		q, err := pwsh.Quote(bin)
		if err != nil {
			return "", fmt.Errorf("the path of exdr cannot be written in PowerShell: %w", err)
		}
		return fmt.Sprintf(completionPowerShell, q), nil
	}
	return "", fmt.Errorf("no completion for shell %q: exdr completes in bash, zsh and powershell", shell)
}

// completionPowerShell asks exdr for the words as bash does: the line up
// to the cursor in COMP_LINE and the cursor in COMP_POINT. The native
// completer's parameters are documented at
// https://learn.microsoft.com/powershell/module/microsoft.powershell.core/register-argumentcompleter
const completionPowerShell = `Register-ArgumentCompleter -Native -CommandName exdr -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $line = $commandAst.ToString()
    $point = $cursorPosition - $commandAst.Extent.StartOffset
    if ($point -gt $line.Length) { $line = $line + ' ' * ($point - $line.Length) }
    $env:COMP_LINE = $line
    $env:COMP_POINT = $point
    try {
        & %s | ForEach-Object {
            [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
        }
    } finally {
        Remove-Item -Path 'Env:COMP_LINE', 'Env:COMP_POINT' -ErrorAction SilentlyContinue
    }
}
`

// shellQuote quotes a path for bash and zsh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
