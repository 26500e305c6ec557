package emsfake_test

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exdr/exdr/providers/ems"
	"github.com/exdr/exdr/providers/ems/emsfake"
)

// asFake makes the test binary fakepowershell when set, as the CLI
// scenarios run it.
const asFake = "EMSFAKE_TEST_AS_FAKEPOWERSHELL"

func TestMain(m *testing.M) {
	if os.Getenv(asFake) == "1" {
		os.Exit(emsfake.Main())
	}
	os.Exit(m.Run())
}

// exdr apply runs up to ten steps at once, each a fakepowershell process
// on the one state file: every change must be kept, none written over by
// a process that read the state before it was made. The processes are all
// started before any is given its script on stdin (as the ems provider
// gives powershell.exe its script), so they run together.
func TestConcurrentInvocationsKeepEveryChange(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "exchange.json")
	const n = 24
	cmds := make([]*exec.Cmd, n)
	stdins := make([]io.WriteCloser, n)
	outs := make([]strings.Builder, n)
	for i := range cmds {
		c := exec.Command(self, ems.ShellArgs()...)
		c.Env = append(os.Environ(), asFake+"=1", emsfake.StateEnv+"="+state)
		c.Stdout, c.Stderr = &outs[i], &outs[i]
		if stdins[i], err = c.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = c
	}
	for i, w := range stdins {
		io.WriteString(w, ems.EncodeInput(fmt.Sprintf("New-StorageGroup -Server 'MBX01' -Name 'SG%02d' -LogFolderPath 'L:\\SG%02d' -SystemFolderPath 'L:\\SG%02d'\n", i, i, i)))
		w.Close()
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("invocation %d: %v: %s", i, err, outs[i].String())
		}
	}
	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Groups map[string]json.RawMessage `json:"storage_groups"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var lost []string
	for i := range n {
		if _, ok := got.Groups[fmt.Sprintf(`mbx01\sg%02d`, i)]; !ok {
			lost = append(lost, fmt.Sprintf("SG%02d", i))
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d of %d storage groups kept; lost: %s", len(got.Groups), n, strings.Join(lost, ", "))
	}
}
