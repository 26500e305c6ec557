package drill

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers/lab"
	"github.com/exdr/exdr/run"
)

// TestRandomDamage damages a built, used and backed-up quickstart lab at
// random (a file deleted, truncated, zeroed, a byte flipped, a link
// planted; in databases, logs, checkpoints, backups, queue databases and
// the lab's own JSON) and requires of every plan: it is refused, or the
// lab cannot be read, with a message that says what (never a panic, never
// a broken plan of exdr's own); or it is carried out and converges with
// every item back that no loss the plan stated covers.
//
// EXDR_DAMAGE_RUNS sets how many damages to try (default 24); a seed
// fails the same way every time (EXDR_DAMAGE_SEED to start elsewhere).
func TestRandomDamage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and damages many labs")
	}
	runs := 24
	if v, err := strconv.Atoi(os.Getenv("EXDR_DAMAGE_RUNS")); err == nil && v > 0 {
		runs = v
	}
	first := uint64(1)
	if v, err := strconv.ParseUint(os.Getenv("EXDR_DAMAGE_SEED"), 10, 64); err == nil {
		first = v
	}
	desired, base, before := usedLab(t)
	var files []string
	filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != "lock.json" && d.Name() != "journal.jsonl" {
			files = append(files, path)
		}
		return nil
	})
	slices.Sort(files)

	kinds := []string{"delete", "truncate", "zero", "flip", "link"}
	outcomes := map[string]int{}
	for seed := first; seed < first+uint64(runs); seed++ {
		rng := rand.New(rand.NewPCG(seed, seed*7919))
		victim := files[rng.IntN(len(files))]
		kind := kinds[rng.IntN(len(kinds))]
		rel, _ := filepath.Rel(base, victim)
		t.Run(fmt.Sprintf("%d_%s_%s", seed, kind, strings.ReplaceAll(rel, string(filepath.Separator), "_")), func(t *testing.T) {
			work := filepath.Join(t.TempDir(), "lab")
			if err := copyTree(base, work); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(work, rel)
			if err := damage(target, kind, rng); err != nil {
				t.Skip("this damage cannot be done here:", err)
			}
			outcomes[judgeDamage(t, desired, work, before)]++
			checkOutsideUntouched(t, work)
		})
	}
	t.Logf("%d damages: %v", runs, outcomes)
}

// usedLab builds the quickstart lab, uses it (mail, backups, a database
// dismounted with mail queued for it) and counts what it holds.
func usedLab(t *testing.T) (desired *org.Org, base string, before *Census) {
	t.Helper()
	cfg, diags := lang.LoadDir(filepath.Join("..", "examples", "quickstart"), lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	desired = cfg.Org
	base = filepath.Join(t.TempDir(), "base")
	l, err := lab.Init(base, desired.Name)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := build(ctx, l, desired); err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() error{
		func() error {
			_, err := l.Traffic(ctx, lab.TrafficOptions{Mailboxes: 2, Items: 300, Seed: 1})
			return err
		},
		func() error { _, err := l.Backup(ctx, "", org.BackupFull); return err },
		func() error {
			_, err := l.Traffic(ctx, lab.TrafficOptions{Mailboxes: 2, Items: 300, Seed: 2})
			return err
		},
		func() error { _, err := l.Backup(ctx, "", org.BackupIncremental); return err },
		func() error {
			_, err := l.Traffic(ctx, lab.TrafficOptions{Mailboxes: 2, Items: 50, Seed: 3})
			return err
		},
		// DB1 dismounted: its next mail waits in HUB01's queue, for the
		// queue's damage to have something to lose.
		func() error {
			return prepare(ctx, l, desired, org.DrillAction{Kind: "dismount", Args: map[string]string{"database": "mailbox_database.DB1"}})
		},
		func() error {
			_, err := l.Traffic(ctx, lab.TrafficOptions{Mailboxes: 2, Items: 10, Seed: 4})
			return err
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	before, err = CountHeld(l, desired)
	if err != nil {
		t.Fatal(err)
	}
	return desired, base, before
}

// TestDirectoryDamage does each damage to the lab's directory and its log
// (TestRandomDamage reaches them rarely): every one is refused by name or
// converges.
func TestDirectoryDamage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and damages many labs")
	}
	desired, base, before := usedLab(t)
	for _, file := range []string{"directory.json", "directory.log"} {
		for i, kind := range []string{"delete", "truncate", "zero", "flip", "link"} {
			t.Run(file+"_"+kind, func(t *testing.T) {
				work := filepath.Join(t.TempDir(), "lab")
				if err := copyTree(base, work); err != nil {
					t.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(uint64(i), 7))
				if err := damage(filepath.Join(work, file), kind, rng); err != nil {
					t.Skip("this damage cannot be done here:", err)
				}
				t.Logf("outcome: %s", judgeDamage(t, desired, work, before))
				checkOutsideUntouched(t, work)
			})
		}
	}
}

// outsideContent is what a "link" damage's target holds: a file beside the
// lab (in the test's own folder, removed with it) that nothing may touch.
const outsideContent = "outside the lab\n"

func outsidePath(lab string) string { return filepath.Join(filepath.Dir(lab), "outside") }

// checkOutsideUntouched fails the test when a recovery wrote through a
// planted link to the file outside the lab.
func checkOutsideUntouched(t *testing.T, lab string) {
	t.Helper()
	b, err := os.ReadFile(outsidePath(lab))
	if errors.Is(err, fs.ErrNotExist) {
		return // no link was planted
	}
	if err != nil || string(b) != outsideContent {
		t.Errorf("the file outside the lab a link pointed to was changed: %q, %v", b, err)
	}
}

// damage does one kind of harm to a file of a lab whose folder is
// <test folder>/lab.
func damage(path, kind string, rng *rand.Rand) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	switch kind {
	case "delete":
		return os.Remove(path)
	case "truncate":
		return os.Truncate(path, st.Size()/2)
	case "zero":
		return os.WriteFile(path, make([]byte, st.Size()), 0o644)
	case "flip":
		if st.Size() == 0 {
			return fmt.Errorf("empty")
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		// Where a file has content: past its first bytes, within what it
		// holds (log files are sparse past their records).
		off := rng.Int64N(min(st.Size(), 64<<10))
		b := make([]byte, 1)
		f.ReadAt(b, off)
		b[0] ^= 0xff
		_, err = f.WriteAt(b, off)
		return err
	case "link":
		lab := path
		for filepath.Base(lab) != "lab" && filepath.Dir(lab) != lab {
			lab = filepath.Dir(lab)
		}
		outside := outsidePath(lab)
		if err := os.WriteFile(outside, []byte(outsideContent), 0o644); err != nil {
			return err
		}
		if err := os.Remove(path); err != nil {
			return err
		}
		return os.Symlink(outside, path)
	}
	return fmt.Errorf("no damage %q", kind)
}

// judgeDamage plans and applies on a damaged lab and says how it ended.
func judgeDamage(t *testing.T, desired *org.Org, root string, before *Census) (outcome string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("panic: %v", r)
			outcome = "panic"
		}
	}()
	ctx := context.Background()
	l := lab.New(root, desired.Name)
	var stated []planner.Loss
	plan := func(ctx context.Context, live *org.Org) (*planner.Plan, error) {
		p, diags := planner.New(desired, live, planner.Options{AllowDataLoss: true})
		if diags.HasErrors() {
			return nil, diags
		}
		stated = append(stated, p.Losses...)
		return p, nil
	}
	var applied int
	for applied = 0; applied < 3; applied++ {
		out, err := run.Apply(ctx, run.Request{
			Provider: lab.New(root, desired.Name),
			Lock:     run.Lock{Backend: backend.NewDir(root)},
			Plan:     plan,
			Replan:   func(live *org.Org, _ []string) (*planner.Plan, error) { return plan(ctx, live) },
			UI:       quiet{},
		})
		if os.Getenv("EXDR_DAMAGE_DEBUG") != "" && out != nil {
			var b strings.Builder
			planner.WriteText(&b, out.Plan, planner.TextOptions{})
			t.Logf("apply %d (%v):\n%s", applied, err, b.String())
		}
		switch {
		case err != nil && strings.Contains(err.Error(), "Internal error"):
			t.Errorf("the plan broke exdr's own rules: %v", err)
			return "internal error"
		case err != nil && strings.TrimSpace(err.Error()) == "":
			t.Errorf("an error that says nothing")
			return "silent error"
		case err != nil:
			// Refused, or unreadable: said, and nothing done.
			return "refused or unreadable"
		case !out.Plan.Changes():
			return verifyNothingLost(t, l, desired, before, stated, applied)
		case out.Result.Err != nil:
			// A step failed: another apply may finish it (the next plan is
			// made from what the failure left).
			if os.Getenv("EXDR_DAMAGE_DEBUG") != "" {
				var b strings.Builder
				planner.WriteText(&b, out.Plan, planner.TextOptions{})
				t.Logf("apply %d failed: %v\n%s", applied, out.Result.Err, b.String())
				if live, err := lab.New(root, desired.Name).Read(ctx); err == nil {
					for _, q := range live.QueueDatabases {
						if q.Health != nil {
							t.Logf("queue db %s: running %v state %s messages %d", q.Server, q.Health.Running, q.Health.State, q.Health.Messages)
							for _, qu := range q.Health.Queues {
								t.Logf("queue %s: %+v", q.Server, qu)
							}
						}
					}
				}
			}
			continue
		}
	}
	if out, err := l.Read(ctx); err == nil {
		if p, diags := planner.New(desired, out, planner.Options{AllowDataLoss: true}); !diags.HasErrors() && p.Changes() {
			t.Errorf("does not converge after %d applies: %d steps remain, first %s", applied, len(p.Steps), p.Steps[0].ID)
			return "no convergence"
		}
	}
	return verifyNothingLost(t, l, desired, before, stated, applied)
}

// verifyNothingLost counts the items again: every one that is gone must
// be in a database whose loss a plan stated.
func verifyNothingLost(t *testing.T, l *lab.Lab, desired *org.Org, before *Census, stated []planner.Loss, applied int) string {
	t.Helper()
	after, err := Count(l, desired)
	if err != nil {
		t.Fatal(err)
	}
	lost, messages, err := Lost(l, before, after)
	if err != nil {
		t.Fatal(err)
	}
	queueLoss := false
	for _, loss := range stated {
		queueLoss = queueLoss || strings.HasPrefix(loss.Address, "queue_database.")
	}
	if len(messages) > 0 && !queueLoss {
		t.Errorf("%d queued messages lost that no plan stated, first %v", len(messages), messages[0])
		return "unstated loss"
	}
	covered := map[string]bool{} // mailbox aliases in a database with a stated loss
	for _, loss := range stated {
		for _, db := range desired.Databases {
			if db.Addr.String() == loss.Address {
				for mb := range before.items {
					if strings.HasPrefix(mb, strings.ToLower(db.Name)+"-") {
						covered[mb] = true
					}
				}
			}
		}
		for _, m := range desired.Mailboxes {
			if m.Addr.String() == loss.Address {
				covered[m.Name] = true
			}
		}
	}
	var unstated []LostItem
	for _, it := range lost {
		if !covered[it.Mailbox] {
			unstated = append(unstated, it)
		}
	}
	if len(unstated) > 0 {
		t.Errorf("%d items lost that no plan stated (of %d lost), first %v", len(unstated), len(lost), unstated[0])
		return "unstated loss"
	}
	if applied == 0 {
		return "no changes, nothing lost"
	}
	return "recovered"
}
