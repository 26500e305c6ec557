package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exdr/exdr/providers/lab/ese"
)

// TestSwapFinishesFromAnyRename puts the restored (R) and dial-tone (D)
// files where a kill between two of the swap's renames leaves them, and
// requires the next swap to finish: R at production's path, D at the
// recovery database's, nothing at the swap's own name, no file lost.
func TestSwapFinishesFromAnyRename(t *testing.T) {
	const restored, dialTone = 0x5e57, 0xd1a1
	r := &swapRecord{RecoveryDatabase: `MBX01\Recovery Storage Group\DB2`, Production: restored, Recovery: dialTone}
	for _, tc := range []struct {
		name          string
		prod, rec, tm uint64 // the signature at each path; 0: no file
		err           string
	}{
		{name: "not begun", prod: dialTone, rec: restored},
		{name: "dial tone moved out", rec: restored, tm: dialTone},
		{name: "restored moved in", prod: restored, tm: dialTone},
		{name: "done", prod: restored, rec: dialTone},
		{name: "a file gone", prod: restored, err: "holds the files it recorded"},
		{name: "another file at the swap's name", prod: dialTone, rec: restored, tm: 0x0bad, err: "holds the files it recorded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			prod, rec, tmp := filepath.Join(dir, "DB2.edb"), filepath.Join(dir, "rsg", "DB2.edb"), filepath.Join(dir, "DB2.edb.exdr-swapping")
			os.MkdirAll(filepath.Dir(rec), 0o755)
			for path, sig := range map[string]uint64{prod: tc.prod, rec: tc.rec, tmp: tc.tm} {
				if sig != 0 {
					if err := ese.CreateEDB(path, &ese.Header{Signature: sig}); err != nil {
						t.Fatal(err)
					}
				}
			}
			err := finishRenames(prod, rec, tmp, "exdr-swap-DB2.json", r)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sig := signatureAt
			if sig(prod) != restored || sig(rec) != dialTone {
				t.Errorf("after the swap production holds %x and the recovery group %x, want %x and %x", sig(prod), sig(rec), restored, dialTone)
			}
			if _, err := os.Stat(tmp); err == nil {
				t.Errorf("%s is left", tmp)
			}
		})
	}
}

// TestPendingSwap reads a swap record as a swap under way, the earlier
// format (written when a swap had finished) as none, and a garbled one
// as an error naming it.
func TestPendingSwap(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "DB2.edb")
	record := filepath.Join(dir, "exdr-swap-DB2.json")
	for _, tc := range []struct {
		name, record, want, err string
	}{
		{name: "none"},
		{name: "under way", record: `{"recovery_database":"MBX01\\Recovery Storage Group\\DB2","production":1,"recovery":2}`, want: `MBX01\Recovery Storage Group\DB2`},
		{name: "earlier format, finished", record: `{"Production":1}`},
		{name: "garbled", record: `{"recovery_da`, err: "exdr-swap-DB2.json cannot be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(record)
			if tc.record != "" {
				os.WriteFile(record, []byte(tc.record), 0o644)
			}
			p, err := PendingSwap(path, "DB2")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if p != nil {
				got = string(p.RecoveryDatabase)
			}
			if got != tc.want {
				t.Errorf("pending swap with %q, want %q", got, tc.want)
			}
		})
	}
}
