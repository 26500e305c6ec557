package org

import (
	"strings"
	"testing"
	"time"
)

// TestFindChain: which sets a restore uses, for catalogs of several
// fulls, incrementals, differentials and damaged sets of every kind.
func TestFindChain(t *testing.T) {
	const sg, db = Identity(`MBX01\SG1`), Identity(`MBX01\SG1\DB1`)
	t0 := time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	full := func(id string, h int, low, high uint32) *BackupSet {
		return &BackupSet{ID: id, Type: BackupFull, Time: at(h), StorageGroup: sg, Databases: []Identity{db}, Logs: LogRange{Low: low, High: high}, Covers: high}
	}
	copyset := func(id string, h int, low, high uint32) *BackupSet {
		s := full(id, h, low, high)
		s.Type = BackupCopy
		return s
	}
	incr := func(id, base string, h int, low, high uint32) *BackupSet {
		return &BackupSet{ID: id, Type: BackupIncremental, Base: base, Time: at(h), StorageGroup: sg, Logs: LogRange{Low: low, High: high}, Covers: high}
	}
	diff := func(id, base string, h int, low, high uint32) *BackupSet {
		return &BackupSet{ID: id, Type: BackupDifferential, Base: base, Time: at(h), StorageGroup: sg, Logs: LogRange{Low: low, High: high}, Covers: high}
	}
	damaged := func(s *BackupSet) *BackupSet { s.Damaged = "logs/E0000000005.log fails its checksum"; return s }
	other := full("other", 1, 1, 3)
	other.StorageGroup = `MBX01\SG2`

	for _, tt := range []struct {
		name    string
		catalog []*BackupSet
		before  time.Time
		want    string // set IDs; "" for no chain
		skipped string // a phrase of the first skipped set
	}{
		{"none", nil, time.Time{}, "", ""},
		{"another storage group's", []*BackupSet{other}, time.Time{}, "", ""},
		{"one full", []*BackupSet{full("F1", 0, 1, 3)}, time.Time{}, "F1", ""},
		{"the newest full", []*BackupSet{full("F1", 0, 1, 3), full("F2", 10, 8, 9)}, time.Time{}, "F2", ""},
		{"a copy backup counts as a full", []*BackupSet{full("F1", 0, 1, 3), copyset("C1", 10, 1, 9)}, time.Time{}, "C1", ""},
		{"incrementals in order", []*BackupSet{full("F1", 0, 1, 3), incr("I1", "F1", 1, 4, 5), incr("I2", "I1", 2, 6, 7)}, time.Time{}, "F1,I1,I2", ""},
		{"a damaged incremental ends the chain", []*BackupSet{full("F1", 0, 1, 3), damaged(incr("I1", "F1", 1, 4, 5)), incr("I2", "I1", 2, 6, 7)}, time.Time{}, "F1", "incremental backup I1"},
		{"the newest differential", []*BackupSet{full("F1", 0, 1, 3), diff("D1", "F1", 1, 4, 5), diff("D2", "F1", 2, 4, 7)}, time.Time{}, "F1,D2", ""},
		{"a damaged newest differential: the one before", []*BackupSet{full("F1", 0, 1, 3), diff("D1", "F1", 1, 4, 5), damaged(diff("D2", "F1", 2, 4, 7))}, time.Time{}, "F1,D1", "differential backup D2"},
		{"a differential reaching further than the incrementals", []*BackupSet{full("F1", 0, 1, 3), incr("I1", "F1", 1, 4, 5), diff("D1", "F1", 2, 6, 9)}, time.Time{}, "F1,I1,D1", ""},
		{"incrementals reaching further than the differential", []*BackupSet{full("F1", 0, 1, 3), diff("D1", "F1", 1, 4, 5), incr("I1", "F1", 2, 4, 8)}, time.Time{}, "F1,I1", ""},
		{"a differential after a gap nothing fills", []*BackupSet{full("F1", 0, 1, 3), diff("D1", "F1", 2, 6, 9)}, time.Time{}, "F1", "starts at log generation 6"},
		{"a damaged full: the older one", []*BackupSet{full("F1", 0, 1, 3), incr("I1", "F1", 1, 4, 5), damaged(full("F2", 10, 8, 9))}, time.Time{}, "F1,I1", "full backup F2"},
		{"only damaged fulls", []*BackupSet{damaged(full("F1", 0, 1, 3))}, time.Time{}, "", "full backup F1"},
		{"point in time: sets after it left out", []*BackupSet{full("F1", 0, 1, 3), incr("I1", "F1", 1, 4, 5), incr("I2", "I1", 5, 6, 7), full("F2", 10, 8, 9)}, at(2), "F1,I1", ""},
		{"point in time before every backup", []*BackupSet{full("F1", 5, 1, 3)}, at(1), "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := FindChain(tt.catalog, db, sg, tt.before)
			got := ""
			if c != nil {
				got = c.IDs()
			}
			if got != tt.want {
				t.Errorf("chain %q, want %q", got, tt.want)
			}
			if tt.skipped != "" && (c == nil || len(c.Skipped) == 0 || !strings.Contains(c.Skipped[0], tt.skipped)) {
				t.Errorf("skipped %v, want one naming %q", c, tt.skipped)
			}
			if c != nil && len(c.Sets) > 0 {
				last := c.Sets[len(c.Sets)-1]
				if c.Covers != last.Covers {
					t.Errorf("covers %d, the last set %d", c.Covers, last.Covers)
				}
				// Contiguous: each set starts where the one before ends.
				for i := 1; i < len(c.Sets); i++ {
					if c.Sets[i].Logs.Low > c.Sets[i-1].Covers+1 {
						t.Errorf("%s starts at %d after %s ends at %d", c.Sets[i].ID, c.Sets[i].Logs.Low, c.Sets[i-1].ID, c.Sets[i-1].Covers)
					}
				}
			}
		})
	}
}
