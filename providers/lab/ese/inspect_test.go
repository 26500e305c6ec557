package ese

import (
	"bytes"
	"testing"
)

// An inspection reads every generation into one reused buffer; the
// catalog images it keeps must be the bytes each generation held, not
// what the next generation's read left in their place.
func TestInspectKeepsEachGenerationsCatalogImage(t *testing.T) {
	s := &Stream{Dir: t.TempDir(), Prefix: "E00", Sig: 42}
	if err := s.Create(); err != nil {
		t.Fatal(err)
	}
	images := map[uint64][]byte{}
	for _, sig := range []uint64{7, 8, 9} {
		images[sig] = PageRecord(sig, 1, bytes.Repeat([]byte{byte(sig)}, 300))
	}
	for i, sig := range []uint64{7, 8, 9} {
		if i > 0 {
			if err := s.NewGeneration(uint32(i + 1)); err != nil {
				t.Fatal(err)
			}
		}
		// Each generation holds its image at the same offset, so a
		// shared buffer would show the last one for all three.
		if _, err := s.Append(images[sig]); err != nil {
			t.Fatal(err)
		}
	}
	h, catalogs, err := s.Inspect()
	if err != nil {
		t.Fatal(err)
	}
	if h.OnDisk.High != 3 || len(h.Corrupt) != 0 {
		t.Fatalf("health %+v", h)
	}
	for sig, want := range images {
		if got := catalogs[sig].Payload; !bytes.Equal(got, want) {
			t.Errorf("catalog image of %d: % x..., want % x...", sig, got[:16], want[:16])
		}
	}
}
