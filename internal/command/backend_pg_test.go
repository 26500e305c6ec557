package command

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/backend/pg"
)

// With backend "pg", a drill takes the organization's lock there before
// it copies the lab: an apply from another machine holding it keeps the
// drill from copying a lab half-changed.
func TestDrillTakesThePGLock(t *testing.T) {
	cs := os.Getenv("EXDR_TEST_PG_CONN_STR")
	if cs == "" {
		t.Skip("EXDR_TEST_PG_CONN_STR is not set: the pg backend is tested against a real PostgreSQL (.ci/run starts one)")
	}
	t.Setenv("EXDR_PG_CONN_STR", cs)
	dir := filepath.Join(t.TempDir(), "quickstart")
	if err := copyConfig(filepath.Join("..", "..", "examples", "quickstart"), dir); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("Contoso-%d", time.Now().UnixNano())
	main := filepath.Join(dir, "main.exdr.hcl")
	b, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(b), `organization = "Contoso"`, fmt.Sprintf("organization = %q\n  backend \"pg\" {}", name), 1)
	if err := os.WriteFile(main, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runLine("apply", "-auto-approve", dir); code != 0 {
		t.Fatalf("apply: %d %s", code, stderr)
	}
	holder := pg.New(cs, name, t.TempDir())
	defer holder.Close()
	_, unlock, err := holder.Lock(context.Background(), backend.LockInfo{ID: "elsewhere", Holder: "bob@mgmt02 (pid 7)", Operation: "apply", Created: time.Now().UTC()}, 0)
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runLine("drill", "-scenario", "delete_db1", dir)
	if code != 1 || !strings.Contains(stderr, "locked by bob@mgmt02 (pid 7)") {
		t.Errorf("a drill while another machine holds the lock: exit %d, %s", code, stderr)
	}
	unlock()
	if code, stdout, stderr := runLine("drill", "-scenario", "delete_db1", dir); code != 0 || !strings.Contains(stdout, "Drill delete_db1: PASS") {
		t.Errorf("the drill once the lock is free: exit %d\n%s%s", code, stdout, stderr)
	}
	// In place, the drill is one run in the history, its steps under it.
	if code, stdout, stderr := runLine("drill", "-in-place", "-auto-approve", "-scenario", "delete_db1", dir); code != 0 {
		t.Fatalf("drill in place: exit %d\n%s%s", code, stdout, stderr)
	}
	runs, err := holder.Runs(0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range runs {
		if r.Operation == "drill delete_db1" {
			found = true
			if r.Steps["start"] == 0 || r.Steps["done"] != r.Steps["start"] {
				t.Errorf("the drill in place's run has steps %v: its recovery's steps are journaled under another ID", r.Steps)
			}
		}
	}
	if !found {
		t.Errorf("no drill run in the history: %+v", runs)
	}
}
