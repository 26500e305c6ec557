package planner

import (
	"fmt"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
)

// chain is the backup sets a restore uses, oldest first: a full backup
// and the incrementals after it, or a full and its newest differential.
type chain struct {
	sets    []*org.BackupSet
	covers  uint32   // the newest log generation the sets hold
	skipped []string // damaged sets passed over, and why
}

func (c *chain) ids() string {
	ids := make([]string, len(c.sets))
	for i, s := range c.sets {
		ids[i] = s.ID
	}
	return strings.Join(ids, ",")
}

func (c *chain) describe() string {
	parts := make([]string, len(c.sets))
	for i, s := range c.sets {
		parts[i] = fmt.Sprintf("%s %s (%s)", s.Type, s.ID, s.Time.UTC().Format("2006-01-02 15:04Z"))
	}
	return strings.Join(parts, " + ")
}

// findChain picks the chain for db that brings back the most: from the
// newest usable full backup (taken at or before `before` unless it is
// zero), the longest run of usable incrementals after it or its newest
// usable differential. Damaged sets are passed over and named.
func findChain(catalog []*org.BackupSet, db org.Identity, sg org.Identity, before time.Time) *chain {
	inTime := func(s *org.BackupSet) bool { return before.IsZero() || !s.Time.After(before) }
	var skipped []string
	for i := len(catalog) - 1; i >= 0; i-- {
		full := catalog[i]
		if full.StorageGroup.Key() != sg.Key() || (full.Type != org.BackupFull && full.Type != org.BackupCopy) || !inTime(full) || !holds(full, db) {
			continue
		}
		if full.Damaged != "" {
			skipped = append(skipped, fmt.Sprintf("%s backup %s: %s", full.Type, full.ID, full.Damaged))
			continue
		}
		best := &chain{sets: []*org.BackupSet{full}, covers: full.Covers}
		if full.Type == org.BackupFull {
			// Incrementals, each following the one before.
			incr := &chain{sets: []*org.BackupSet{full}, covers: full.Covers}
			for _, s := range catalog[i+1:] {
				if s.Type != org.BackupIncremental || s.Base != incr.sets[len(incr.sets)-1].ID || !inTime(s) {
					continue
				}
				if s.Damaged != "" {
					skipped = append(skipped, fmt.Sprintf("incremental backup %s: %s; the chain ends before it", s.ID, s.Damaged))
					break
				}
				incr.sets, incr.covers = append(incr.sets, s), s.Covers
			}
			if incr.covers > best.covers {
				best = incr
			}
			// The newest differential, if it reaches further.
			for j := len(catalog) - 1; j > i; j-- {
				s := catalog[j]
				if s.Type != org.BackupDifferential || s.Base != full.ID || !inTime(s) {
					continue
				}
				if s.Damaged != "" {
					skipped = append(skipped, fmt.Sprintf("differential backup %s: %s", s.ID, s.Damaged))
					continue
				}
				if s.Covers > best.covers {
					best = &chain{sets: []*org.BackupSet{full, s}, covers: s.Covers}
				}
				break
			}
		}
		best.skipped = skipped
		return best
	}
	if len(skipped) > 0 {
		return &chain{skipped: skipped}
	}
	return nil
}

func holds(s *org.BackupSet, db org.Identity) bool {
	for _, d := range s.Databases {
		if d.Key() == db.Key() {
			return true
		}
	}
	return false
}

// rollForward is how far the live logs carry a restore past the chain:
// every generation after it, up to the first missing or damaged.
func rollForward(h *org.LogHealth, covers uint32) (reach uint32, gap uint32) {
	reach = covers
	if h == nil || !h.FolderExists {
		return reach, covers + 1
	}
	bad := map[uint32]bool{}
	for _, g := range append(append([]uint32{}, h.Missing...), h.Corrupt...) {
		bad[g] = true
	}
	top := h.OnDisk.High
	for _, g := range h.Missing {
		top = max(top, g) // a generation known to exist once, now gone
	}
	for g := covers + 1; g <= top; g++ {
		if g < h.OnDisk.Low || bad[g] {
			return reach, g
		}
		reach = g
	}
	return reach, 0
}
