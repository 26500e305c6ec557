package command

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/posener/complete/v2"
)

// TestCompletion: the words offered are the commands' own, taken from
// their flag sets, so a flag added to a command is completed at once
// and none is offered that the command would refuse.
func TestCompletion(t *testing.T) {
	tree := completionTree()
	complete.Test(t, tree, "pl", []string{"plan"})
	complete.Test(t, tree, "for", []string{"force-unlock"})
	complete.Test(t, tree, "plan -det", []string{"-detailed-exitcode"})
	complete.Test(t, tree, "plan -lock", []string{"-lock", "-lock-timeout"})
	complete.Test(t, tree, "apply -auto", []string{"-auto-approve"})
	complete.Test(t, tree, "apply -in", []string{"-input"})
	complete.Test(t, tree, "version -", []string{"-json", "-no-color", "-h"})
	complete.Test(t, tree, "lab br", []string{"break"})
	complete.Test(t, tree, "lab inspect -it", []string{"-items"})
	complete.Test(t, tree, "lab break delete-d", []string{"delete-database"})
	complete.Test(t, tree, "edge ex", []string{"export"})
	complete.Test(t, tree, "completion p", []string{"powershell"})
	complete.Test(t, tree, "help va", []string{"validate"})
}

// TestCompletionOffersEveryFlag holds the tree to the flag sets: every
// flag of every command is there.
func TestCompletionOffersEveryFlag(t *testing.T) {
	tree := completionTree()
	for _, c := range commands() {
		if c.name == "help" || c.name == "lab" || c.name == "edge" {
			continue
		}
		code, stdout, _ := runLine(c.name, "-h")
		if code != 0 {
			t.Fatalf("%s -h: exit %d", c.name, code)
		}
		_, flags, _ := strings.Cut(stdout, "\nFlags:\n")
		for _, line := range strings.Split(flags, "\n") {
			name, ok := strings.CutPrefix(line, "  -")
			if !ok {
				continue
			}
			name, _, _ = strings.Cut(name, " ")
			if _, ok := tree.Sub[c.name].Flags[name]; !ok {
				t.Errorf("exdr %s -%s is not completed", c.name, name)
			}
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	bin := "/opt/exdr's tools/exdr"
	for _, tc := range []struct{ shell, want string }{
		{"bash", `complete -C '/opt/exdr'\''s tools/exdr' exdr`},
		{"zsh", `complete -o nospace -C '/opt/exdr'\''s tools/exdr' exdr`},
		{"powershell", `& '/opt/exdr''s tools/exdr' |`},
	} {
		got, err := completionScript(tc.shell, bin)
		if err != nil || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %v\n%s\nwant it to hold %s", tc.shell, err, got, tc.want)
		}
	}
	if _, err := completionScript("fish", bin); err == nil || !strings.Contains(err.Error(), "bash, zsh and powershell") {
		t.Errorf("fish: %v, want a refusal naming the shells exdr completes in", err)
	}
	if _, err := completionScript("powershell", "C:\\exdr\n\\exdr.exe"); err == nil {
		t.Error("a path with a newline was written into PowerShell")
	}
}

// TestWriteCompletionScriptCorpus writes the PowerShell completion
// script, for a path with every kind of quote, into $EXDR_PS_CORPUS for
// CI's independent PowerShell parse; skipped without.
func TestWriteCompletionScriptCorpus(t *testing.T) {
	dir := os.Getenv("EXDR_PS_CORPUS")
	if dir == "" {
		t.Skip("EXDR_PS_CORPUS names no folder")
	}
	got, err := completionScript("powershell", "C:\\Program Files\\O'Brien\u2019s $(tools)\\exdr.exe")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "completion.ps1"), []byte(got), 0o644); err != nil {
		t.Fatal(err)
	}
}
