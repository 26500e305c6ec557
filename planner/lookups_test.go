package planner

import (
	"testing"

	"github.com/exdr/exdr/org"
)

// The remembered answer is the index's answer: for the same string, for a
// string differing only in case, for a miss, and after a miss.
func TestLookupsAnswerAsTheIndex(t *testing.T) {
	o := &org.Org{
		Servers:       []*org.Server{{Name: "MBX1"}},
		StorageGroups: []*org.StorageGroup{{Server: "MBX1", Name: "SG1"}, {Server: "MBX1", Name: "SG2"}},
	}
	ix := org.NewIndex(o)
	l := newLookups(ix)
	for _, id := range []org.Identity{`MBX1\SG1`, `MBX1\SG1`, `mbx1\sg1`, `MBX1\SG9`, `MBX1\SG9`, `MBX1\SG2`, `MBX1\SG1`, `MBX2\SG1`, ``} {
		if got, want := l.StorageGroup(id), ix.StorageGroup(id); got != want {
			t.Errorf("StorageGroup(%q) = %v, the index says %v", id, got, want)
		}
	}
	for _, name := range []string{"MBX1", "MBX1", "mbx1", "MBX2", "MBX2", "MBX1", ""} {
		if got, want := l.Server(name), ix.Server(name); got != want {
			t.Errorf("Server(%q) = %v, the index says %v", name, got, want)
		}
	}
	if l.StorageGroup(`mbx1\SG2`) != o.StorageGroups[1] || l.Server("Mbx1") != o.Servers[0] {
		t.Error("a lookup differing only in case missed")
	}
}
