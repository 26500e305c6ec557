package org

import (
	"fmt"
	"strings"
	"time"
)

// BackupChain is the backup sets a restore uses, oldest first: a full
// backup and the incrementals after it, or a full and its newest
// differential (with the incrementals taken between, when one of them
// truncated the logs the differential would start from).
type BackupChain struct {
	Sets    []*BackupSet
	Covers  uint32   // the newest log generation the sets hold
	Skipped []string // damaged sets passed over, and why
}

// IDs lists the sets, comma separated.
func (c *BackupChain) IDs() string {
	ids := make([]string, len(c.Sets))
	for i, s := range c.Sets {
		ids[i] = s.ID
	}
	return strings.Join(ids, ",")
}

// Bytes is the size of the chain's sets together: what a restore copies.
func (c *BackupChain) Bytes() int64 {
	var n int64
	for _, s := range c.Sets {
		n += s.Bytes
	}
	return n
}

// BytesFor is what a restore of database db from the chain copies: its
// own file and the logs of each set, where the catalog breaks the sets
// down; a set's whole size where it does not.
func (c *BackupChain) BytesFor(db Identity) int64 {
	var n int64
	for _, s := range c.Sets {
		if s.DatabaseBytes == nil {
			n += s.Bytes
			continue
		}
		for id, size := range s.DatabaseBytes {
			if id.Key() == db.Key() {
				n += size
			}
		}
		n += s.LogBytes
	}
	return n
}

// LogSignature is the log stream the chain's logs are of: its full's.
func (c *BackupChain) LogSignature() uint64 {
	if len(c.Sets) == 0 {
		return 0
	}
	return c.Sets[0].LogSignature
}

// Describe names each set with its type and time.
func (c *BackupChain) Describe() string {
	parts := make([]string, len(c.Sets))
	for i, s := range c.Sets {
		parts[i] = fmt.Sprintf("%s %s (%s)", s.Type, s.ID, s.Time.UTC().Format("2006-01-02 15:04Z"))
	}
	return strings.Join(parts, " + ")
}

// FindChain picks the chain for db that brings back the most: from the
// newest usable full backup (taken at or before `before` unless it is
// zero), the longest run of usable incrementals after it or its newest
// usable differential. Damaged sets are passed over and named.
func FindChain(catalog []*BackupSet, db Identity, sg Identity, before time.Time) *BackupChain {
	inTime := func(s *BackupSet) bool { return before.IsZero() || !s.Time.After(before) }
	var skipped []string
	for i := len(catalog) - 1; i >= 0; i-- {
		full := catalog[i]
		if full.StorageGroup.Key() != sg.Key() || (full.Type != BackupFull && full.Type != BackupCopy) || !inTime(full) || !holds(full, db) {
			continue
		}
		if full.Damaged != "" {
			skipped = append(skipped, fmt.Sprintf("%s backup %s: %s", full.Type, full.ID, full.Damaged))
			continue
		}
		best := &BackupChain{Sets: []*BackupSet{full}, Covers: full.Covers}
		if full.Type == BackupFull {
			// Incrementals, each following the one before.
			incr := &BackupChain{Sets: []*BackupSet{full}, Covers: full.Covers}
			for _, s := range catalog[i+1:] {
				if s.Type != BackupIncremental || s.Base != incr.Sets[len(incr.Sets)-1].ID || !inTime(s) {
					continue
				}
				if s.Damaged != "" {
					skipped = append(skipped, fmt.Sprintf("incremental backup %s: %s; the chain ends before it", s.ID, s.Damaged))
					break
				}
				incr.Sets, incr.Covers = append(incr.Sets, s), s.Covers
			}
			if incr.Covers > best.Covers {
				best = incr
			}
			// The newest differential, if it reaches further. One taken
			// after an incremental truncated the logs since the full starts
			// later: the incrementals fill the gap, or it cannot be used.
			for j := len(catalog) - 1; j > i; j-- {
				s := catalog[j]
				if s.Type != BackupDifferential || s.Base != full.ID || !inTime(s) {
					continue
				}
				if s.Damaged != "" {
					skipped = append(skipped, fmt.Sprintf("differential backup %s: %s", s.ID, s.Damaged))
					continue
				}
				sets, covers := []*BackupSet{full}, full.Covers
				for _, inc := range incr.Sets[1:] {
					if s.Logs.Low == 0 || covers+1 >= s.Logs.Low {
						break
					}
					sets, covers = append(sets, inc), inc.Covers
				}
				if s.Logs.Low > 0 && covers+1 < s.Logs.Low {
					skipped = append(skipped, fmt.Sprintf("differential backup %s: it starts at log generation %d, and the sets before it reach only %d", s.ID, s.Logs.Low, covers))
					continue
				}
				if s.Covers > best.Covers {
					best = &BackupChain{Sets: append(sets, s), Covers: s.Covers}
				}
				break
			}
		}
		best.Skipped = skipped
		return best
	}
	if len(skipped) > 0 {
		return &BackupChain{Skipped: skipped}
	}
	return nil
}

func holds(s *BackupSet, db Identity) bool {
	for _, d := range s.Databases {
		if d.Key() == db.Key() {
			return true
		}
	}
	return false
}
