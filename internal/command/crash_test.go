package command

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/exdr/exdr/drill"
	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab"
)

// The crash-anywhere test runs the real exdr binary through each of the
// recoveries (crash_recoveries_test.go) and kills it (kill -9), or interrupts it (Ctrl-C twice), at
// points spread over each whole run, chosen by the journal events the run
// has written. Then it does what an administrator would: force-unlock if
// told to, apply again. It requires that the organization converges (the
// next plan is empty), that every item and queued message counted before
// the damage is back, that no file was deleted that was not moved aside,
// and that every setting the recovery changes for a while
// (AllowFileRestore, Receive connectors, MSExchangeTransport) is back as
// configured.
//
// CI tries crashPointsDefault points per recovery and way of stopping;
// EXDR_CRASH_POINTS=50 tries 50 (outside CI: it takes minutes).
const crashPointsDefault = 4

func TestCrashAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the exdr binary through many recoveries")
	}
	points := crashPointsDefault
	if v := os.Getenv("EXDR_CRASH_POINTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("EXDR_CRASH_POINTS=%q: want a number of kill points", v)
		}
		points = n
	}
	bin := buildExdr(t)
	for _, rec := range recoveries {
		t.Run(rec.name, func(t *testing.T) {
			base := filepath.Join(t.TempDir(), "base")
			copyDir(t, filepath.Join("..", "..", "examples", "quickstart"), base, true)
			if rec.edit != nil {
				rec.edit(base)
			}
			if rec.fresh {
				exdr(t, bin, base, "lab", "init", ".")
			} else {
				exdr(t, bin, base, "apply", "-auto-approve", ".")
			}
			for _, c := range rec.before {
				exdr(t, bin, base, c...)
			}
			desired := loadOrg(t, base)
			before := census(t, base, desired, drill.CountHeld)
			for _, c := range rec.damage {
				exdr(t, bin, base, c...)
			}
			if rec.change != nil {
				rec.change(base)
				desired = loadOrg(t, base)
			}

			// The reference: the same recovery, left to finish.
			ref := filepath.Join(t.TempDir(), "ref")
			copyDir(t, base, ref, false)
			events0 := journalLines(t, ref)
			exdr(t, bin, ref, "apply", "-auto-approve", ".")
			events := journalLines(t, ref) - events0
			if events < 2 {
				t.Fatalf("the recovery journaled %d events", events)
			}
			checkRecovered(t, bin, ref, base, desired, before, rec.waits)
			checkExpected(t, bin, ref, rec.expect)

			var tried, converged int
			for _, mode := range []string{"kill", "interrupt"} {
				for i := range points {
					// Journal events 1..events, evenly; two points in three a
					// little later, to land inside a step, not between two.
					k := 1 + i*(events-1)/max(points-1, 1)
					delay := time.Duration(i%3) * 1500 * time.Microsecond
					name := fmt.Sprintf("%02d_%s_at_event_%d_of_%d+%s", i, mode, k, events, delay)
					t.Run(name, func(t *testing.T) {
						work := filepath.Join(t.TempDir(), "work")
						copyDir(t, base, work, false)
						tried++
						stopAt(t, bin, work, mode, events0+k, delay)
						if os.Getenv("EXDR_CRASH_DEBUG") != "" {
							out, _ := runExdr(bin, work, "plan", "-lock=false", ".")
							t.Logf("plan after the stop:\n%s", out)
						}
						recoverAfter(t, bin, work, rec.waits)
						checkRecovered(t, bin, work, base, desired, before, rec.waits)
						checkExpected(t, bin, work, rec.expect)
						if !t.Failed() {
							converged++
						}
					})
				}
			}
			t.Logf("%s: %d journal events; %d stop points tried, %d converged with every item and message back",
				rec.name, events, tried, converged)
		})
	}
}

func buildExdr(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "exdr")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/exdr/exdr")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// exdr runs the binary in dir and fails the test if it fails.
func exdr(t *testing.T, bin, dir string, args ...string) string {
	t.Helper()
	out, err := runExdr(bin, dir, args...)
	if err != nil {
		t.Fatalf("exdr %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func runExdr(bin, dir string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func loadOrg(t *testing.T, dir string) *org.Org {
	t.Helper()
	cfg, diags := lang.LoadDir(dir, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return cfg.Org
}

func census(t *testing.T, dir string, desired *org.Org, count func(*lab.Lab, *org.Org) (*drill.Census, error)) *drill.Census {
	t.Helper()
	c, err := count(lab.New(filepath.Join(dir, ".exdr", "lab"), desired.Name), desired)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func journalLines(t *testing.T, dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, ".exdr", "lab", "journal.jsonl"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte("\n"))
}

// stopAt starts an apply and, once the journal holds k lines and delay
// has passed, kills it (kill -9) or interrupts it twice (Ctrl-C to stop,
// Ctrl-C to cancel). An interrupted apply must exit within seconds with
// exit 1 (or 0 if it finished first) and leave no lock.
func stopAt(t *testing.T, bin, dir, mode string, k int, delay time.Duration) {
	t.Helper()
	cmd := exec.Command(bin, "apply", "-auto-approve", ".")
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	journal := filepath.Join(dir, ".exdr", "lab", "journal.jsonl")
	var err error
	reached := false
wait:
	for {
		select {
		case err = <-exited:
			break wait // finished before the point
		default:
		}
		if b, _ := os.ReadFile(journal); bytes.Count(b, []byte("\n")) >= k {
			reached = true
			time.Sleep(delay)
			break
		}
		time.Sleep(100 * time.Microsecond)
	}
	if !reached {
		t.Logf("the apply ended before journal line %d: %v", k, err)
		return
	}
	switch mode {
	case "kill":
		cmd.Process.Kill()
		<-exited
		return
	case "interrupt":
		cmd.Process.Signal(syscall.SIGINT)
		time.Sleep(delay + time.Millisecond)
		cmd.Process.Signal(syscall.SIGINT)
	}
	select {
	case err = <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the apply did not exit within 10s of two Ctrl-C:\n%s", out.String())
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		if !strings.Contains(out.String(), "Apply complete!") {
			t.Errorf("exit 0 after Ctrl-C without 'Apply complete!':\n%s", out.String())
		}
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		// "Apply complete!" is true when every step ran before the
		// interrupt; it must then say the check was interrupted.
		said := out.String()
		if strings.Contains(said, "The organization matches the configuration") ||
			strings.Contains(said, "Apply complete!") && !strings.Contains(said, "interrupted while the organization was read again") {
			t.Errorf("an interrupted apply claims success:\n%s", said)
		}
	default:
		t.Errorf("after Ctrl-C the apply ended with %v, want exit 1:\n%s", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, ".exdr", "lab", "lock.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an interrupted apply left its lock (%v):\n%s", err, out.String())
	}
}

// recoverAfter does what the person would after a crash: apply, and if a
// dead apply's lock is in the way, force-unlock it as exdr says and apply
// again.
func recoverAfter(t *testing.T, bin, dir string, waits bool) {
	t.Helper()
	out, err := runExdr(bin, dir, "apply", "-auto-approve", ".")
	if err != nil && strings.Contains(out, "no longer runs on this host") {
		var lock struct{ ID string }
		b, rerr := os.ReadFile(filepath.Join(dir, ".exdr", "lab", "lock.json"))
		if rerr != nil || json.Unmarshal(b, &lock) != nil {
			t.Fatalf("the lock exdr names cannot be read: %v", rerr)
		}
		if !strings.Contains(out, "exdr force-unlock "+lock.ID) {
			t.Errorf("the lock error does not give the force-unlock command:\n%s", out)
		}
		exdr(t, bin, dir, "force-unlock", "-force", lock.ID, ".")
		out, err = runExdr(bin, dir, "apply", "-auto-approve", ".")
	}
	if err != nil {
		t.Fatalf("apply after the crash: %v\n%s", err, out)
	}
	converged := strings.Contains(out, "The organization matches the configuration.")
	if waits {
		converged = converged || strings.Contains(out, "No changes planned.") && strings.Contains(out, "waits for you") ||
			strings.Contains(out, "The organization differs from the configuration only where it waits for you")
	}
	if !converged {
		t.Errorf("apply after the crash did not converge:\n%s", out)
	}
}

// checkRecovered checks a recovered lab against the damaged one it came
// from (base) and the census before the damage.
func checkRecovered(t *testing.T, bin, dir, base string, desired *org.Org, before *drill.Census, waits bool) {
	t.Helper()
	out, err := runExdr(bin, dir, "plan", "-detailed-exitcode", ".")
	switch {
	case waits && err != nil && (!strings.Contains(out, "No changes planned.") || !strings.Contains(out, "waits for you")):
		t.Errorf("the plan after the recovery is neither empty nor says what waits (%v):\n%s", err, out)
	case !waits && err != nil:
		t.Errorf("the plan after the recovery is not empty (%v):\n%s", err, out)
	}
	root := filepath.Join(dir, ".exdr", "lab")
	l := lab.New(root, desired.Name)
	after := census(t, dir, desired, drill.Count)
	items, messages, err := drill.Lost(l, before, after)
	if err != nil {
		t.Fatal(err)
	}
	// A message still queued (for a database the configuration keeps
	// dismounted) is not lost.
	queued := map[string]bool{}
	for _, m := range after.Queued {
		queued[m.Mailbox+"\x00"+m.Subject] = true
	}
	messages = slices.DeleteFunc(messages, func(m drill.LostItem) bool { return queued[m.Mailbox+"\x00"+m.Subject] })
	if len(items) > 0 || len(messages) > 0 {
		t.Errorf("%d items and %d queued messages lost (of %d and %d), first %v %v",
			len(items), len(messages), before.Items(), len(before.Queued), first(items), first(messages))
	}
	// Nothing twice either: a message delivered again after a kill
	// (before the store discarded what a mailbox already held, every
	// message of a hub's queue came back twice).
	if after.Copies() > before.Copies() {
		t.Errorf("%d items repeat another of their folder after the recovery, %d before: mail was delivered twice", after.Copies(), before.Copies())
	}
	// Files the configuration moves (a queue database's path) are
	// looked for where it puts them too.
	var movedTo []string
	for _, q := range desired.QueueDatabases {
		for _, p := range []string{q.Path, q.LoggingPath} {
			if host, err := l.HostPath(q.Server, p); err == nil {
				movedTo = append(movedTo, host)
			}
		}
	}
	checkNothingDeleted(t, filepath.Join(base, ".exdr", "lab"), root, movedTo)
	checkSettingsBack(t, l, desired)
}

func first(l []drill.LostItem) any {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

// checkNothingDeleted requires every file of the damaged lab to be still
// at its path, or set aside (same content, or same name, under an
// exdr-aside folder, or of the same name in one of movedTo, the folders
// the configuration moves files to). The transport logs are circular (Exchange deletes
// them itself), the lock and journal are exdr's own, and a failed
// machine's marker and service state go with its rebuild.
func checkNothingDeleted(t *testing.T, base, root string, movedTo []string) {
	t.Helper()
	aside := map[string]bool{}
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(filepath.ToSlash(path), "/exdr-aside/") {
			aside[d.Name()] = true
			aside[fileHash(path)] = true
		}
		return nil
	})
	filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(base, path)
		switch {
		case rel == "journal.jsonl", rel == "lock.json", isCircularLog(d.Name()):
			return nil
		case d.Name() == "failed", d.Name() == "store.json":
			// The lab's record of a failed machine and of its services'
			// memory: gone with the rebuild, as on a new machine.
			return nil
		}
		if _, err := os.Stat(filepath.Join(root, rel)); err == nil {
			return nil
		}
		for _, dir := range movedTo {
			if _, err := os.Stat(filepath.Join(dir, d.Name())); err == nil {
				return nil
			}
		}
		if !aside[d.Name()] && !aside[fileHash(path)] {
			t.Errorf("%s is gone and not set aside", rel)
		}
		return nil
	})
}

func isCircularLog(name string) bool {
	return strings.HasPrefix(name, "trn") && strings.HasSuffix(name, ".log")
}

func fileHash(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// checkSettingsBack requires what a recovery changes for a while to be
// back: "This database can be overwritten by a restore" as configured (off
// when the configuration leaves it to Exchange), MSExchangeTransport
// running on every transport server, Receive connectors accepting.
func checkSettingsBack(t *testing.T, l *lab.Lab, desired *org.Org) {
	t.Helper()
	live, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ix := org.NewIndex(live)
	for _, db := range desired.Databases {
		want := db.AllowFileRestore != nil && *db.AllowFileRestore
		got := ix.Database(db.Identity())
		if got == nil || got.AllowFileRestore == nil || *got.AllowFileRestore != want {
			t.Errorf("%s: AllowFileRestore is not back to %v", db.Addr, want)
		}
	}
	for _, q := range desired.QueueDatabases {
		got := ix.QueueDatabase(q.Server)
		if got == nil || got.Health == nil || !got.Health.Running {
			t.Errorf("%s: MSExchangeTransport is not running", q.Addr)
		}
		if !l.Accepting(q.Server) {
			t.Errorf("%s: its Receive connectors are left disabled", q.Addr)
		}
	}
}

// copyDir copies a configuration with its lab; config leaves out what a
// run leaves in the example (its lab, exports, reports).
func copyDir(t *testing.T, src, dst string, config bool) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if config && rel != "." && d.IsDir() && (strings.HasPrefix(d.Name(), ".") || rel == "edge" || rel == "drills") {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		return os.WriteFile(target, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}
