package org

import "testing"

// TestBackPressureOf checks SP1's rule: high where 500 MB is left,
// medium 2 points below, normal under that.
func TestBackPressureOf(t *testing.T) {
	const gb = 1024 * MegaByte
	for _, tc := range []struct {
		name        string
		size, free  Size
		level       string
		approaching bool
	}{
		{"empty 1GB drive", gb, gb, "Normal", false},
		{"1GB drive with 524MB free", gb, 524 * MegaByte, "Normal", true},
		{"1GB drive with 510MB free", gb, 510 * MegaByte, "Medium", true},
		{"1GB drive with exactly the reserve free", gb, 500 * MegaByte, "High", true},
		{"drive smaller than the reserve", 400 * MegaByte, 400 * MegaByte, "High", true},
		{"2TB drive with 600MB free", 2048 * gb, 600 * MegaByte, "Medium", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bp := BackPressureOf("C", tc.size, tc.free, 500*MegaByte)
			if bp == nil {
				t.Fatal("a drive of known size is rated")
			}
			if bp.Level != tc.level || bp.Approaching() != tc.approaching {
				t.Errorf("level %s approaching %v (used %.2f%%, high %.2f%%), want %s %v", bp.Level, bp.Approaching(), bp.UsedPercent, bp.HighPercent, tc.level, tc.approaching)
			}
		})
	}
}

// TestWorseBackPressure: the transport service refuses mail at its most
// pressed drive's level, whichever of the two it is.
func TestWorseBackPressure(t *testing.T) {
	const gb = 1024 * MegaByte
	db := BackPressureOf("C", gb, 900*MegaByte, 500*MegaByte)
	logs := BackPressureOf("G", gb, 400*MegaByte, 500*MegaByte)
	logs.Logs = true
	for _, pair := range [][2]*BackPressure{{db, logs}, {logs, db}} {
		if w := Worse(pair[0], pair[1]); w != logs || w.Resource() != "queue database logs drive" || w.Attr() != "logging_path" {
			t.Errorf("Worse gave %+v, want the logs drive", w)
		}
	}
	if BackPressureOf("C", 0, 0, 500*MegaByte) != nil {
		t.Error("a drive of unknown size was rated; check would warn of it")
	}
	if Worse(nil, db) != db || Worse(db, nil) != db {
		t.Error("Worse with nil must give the other")
	}
}
