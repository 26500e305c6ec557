package command

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/exdr/exdr/providers/ems/emsfake"
	"github.com/exdr/exdr/providers/lab/host"
)

func TestMain(m *testing.M) {
	// Every lab update in these tests is read back from disk and compared.
	host.VerifyWrites = true
	testscript.Main(m, map[string]func(){
		"exdr": func() { os.Exit(Main()) },
		// A stand-in for powershell.exe playing a small Exchange
		// organization, for the ems provider's scenarios.
		"fakepowershell": func() { os.Exit(emsfake.Main()) },
		// A person at that organization's Management Shell, typing the
		// script on stdin: out-of-band changes.
		"fakeemsconsole": func() { os.Exit(emsfake.MainTyped()) },
	})
}

// TestScripts runs the CLI scenarios in testdata/script. -update rewrites
// their expected output (the flag is goldie's, so both share it).
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	update := false
	if f := flag.Lookup("update"); f != nil {
		update = f.Value.String() == "true"
	}
	dir := filepath.Join("..", "..", "testdata", "script")
	files := scriptsForThisRun(t, dir)
	if files != nil {
		dir = ""
	}
	testscript.Run(t, testscript.Params{
		Dir:           dir,
		Files:         files,
		UpdateScripts: update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", examples)
			// The pg backend's scripts run against the PostgreSQL .ci/run
			// starts; [pg] is false without it.
			env.Setenv("EXDR_TEST_PG_CONN_STR", os.Getenv("EXDR_TEST_PG_CONN_STR"))
			return copyConfig(filepath.Join(examples, "quickstart"), filepath.Join(env.WorkDir, "quickstart"))
		},
		Condition: func(cond string) (bool, error) {
			if cond == "pg" {
				return os.Getenv("EXDR_TEST_PG_CONN_STR") != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"flipbytes":  flipBytes,
			"deadholder": deadHolder,
			"nooverlap":  noOverlap,
		},
	})
}

// copyConfig copies a configuration directory without its hidden
// folders: a lab someone built in the example (.exdr) must not leak into
// a script's fresh copy.
func copyConfig(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			// What running the walkthrough leaves in examples/ (the lab,
			// Edge exports, drill reports) is not part of the example.
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || rel == "edge" || rel == "drills") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}

// flipBytes inverts four bytes of a file at an offset, as a failing disk
// would: flipbytes FILE OFFSET.
func flipBytes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: flipbytes FILE OFFSET")
	}
	off, err := strconv.ParseInt(args[1], 0, 64)
	ts.Check(err)
	f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_RDWR, 0)
	ts.Check(err)
	defer f.Close()
	b := make([]byte, 4)
	_, err = f.ReadAt(b, off)
	ts.Check(err)
	for i := range b {
		b[i] = ^b[i]
	}
	_, err = f.WriteAt(b, off)
	ts.Check(err)
}

// deadHolder writes a lock file held by a process of this host that no
// longer runs: deadholder FILE ID.
func deadHolder(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: deadholder FILE ID")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	ts.Check(cmd.Run())
	pid := cmd.ProcessState.Pid() // ended and waited for: no longer runs
	host, err := os.Hostname()
	ts.Check(err)
	lock := fmt.Sprintf(`{"id": %q, "holder": "alice@%s (pid %d)", "host": %q, "pid": %d, "operation": "apply", "created": "2026-11-25T10:00:00Z"}`+"\n",
		args[1], host, pid, host, pid)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(lock), 0o644))
}

// noOverlap checks that no two runs of a history (exdr history -json)
// held the lock at the same time: each ended before the next started.
// With -min N, at least N runs must be there.
func noOverlap(ts *testscript.TestScript, neg bool, args []string) {
	min := 0
	if len(args) == 3 && args[0] == "-min" {
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		min, args = n, args[2:]
	}
	if neg || len(args) != 1 {
		ts.Fatalf("usage: nooverlap [-min N] HISTORY_JSON")
	}
	var runs []struct {
		ID      string    `json:"id"`
		Started time.Time `json:"started"`
		Ended   time.Time `json:"ended"`
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &runs))
	if len(runs) < min {
		ts.Fatalf("%d runs in the history, want at least %d", len(runs), min)
	}
	slices.SortFunc(runs, func(a, b struct {
		ID      string    `json:"id"`
		Started time.Time `json:"started"`
		Ended   time.Time `json:"ended"`
	}) int {
		return a.Started.Compare(b.Started)
	})
	for i, r := range runs {
		if r.Ended.IsZero() {
			ts.Fatalf("run %s never ended", r.ID)
		}
		if i > 0 && r.Started.Before(runs[i-1].Ended) {
			ts.Fatalf("runs %s (%s to %s) and %s (%s to %s) held the lock at once", runs[i-1].ID, runs[i-1].Started, runs[i-1].Ended, r.ID, r.Started, r.Ended)
		}
	}
	ts.Logf("%d runs, none at once", len(runs))
}
