package planner

import (
	"testing"

	"github.com/exdr/exdr/org"
)

// Log generations a recovery needs and cannot read are said in number:
// one as "generation 4 is missing", several as "generations 4, 5 are
// missing" (it said "generation 4, 5 is missing").
func TestMissingGenerationsAgreeInNumber(t *testing.T) {
	need := org.LogRange{Low: 3, High: 8}
	for _, tt := range []struct {
		missing, corrupt []uint32
		want             string
	}{
		{[]uint32{4}, nil, "generation 4 is missing"},
		{[]uint32{4, 5}, nil, "generations 4, 5 are missing"},
		{nil, []uint32{6}, "generation 6 fails its checksums"},
		{nil, []uint32{6, 7}, "generations 6, 7 fail their checksums"},
		{[]uint32{4}, []uint32{6, 7}, "generation 4 is missing and generations 6, 7 fail their checksums"},
	} {
		h := &org.LogHealth{FolderExists: true, OnDisk: org.LogRange{Low: 1, High: 8}, Missing: tt.missing, Corrupt: tt.corrupt}
		if got := missingIn(h, need); got != tt.want {
			t.Errorf("missing %v, corrupt %v: %q, want %q", tt.missing, tt.corrupt, got, tt.want)
		}
	}
}
