package lab

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/exdr/exdr/internal/jsonread"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
)

// TestFastDecodeAgreesOnTheLabsFiles holds the read's JSON decoder to
// encoding/json on the very files a plan decodes (the directory, a
// store's state, a database's catalog), whole and damaged: a flipped
// byte, a cut, a zeroed run. Both must refuse the same damage and read
// the rest the same, so a plan sees damage exactly as before.
func TestFastDecodeAgreesOnTheLabsFiles(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	dir, err := os.ReadFile(filepath.Join(l.Root(), host.DirectoryFile))
	if err != nil {
		t.Fatal(err)
	}
	state, err := os.ReadFile(l.StorePath("MBX01"))
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	catalog, err := json.Marshal(&store.Catalog{
		Identity: string(db1), Created: when, Mounts: 3, LastMount: when, NextItem: 42,
		Mailboxes: []string{"O'Brien", "’quote", "$(whoami)"}, Disconnected: map[string]time.Time{"gone": when},
		Queues: map[string]*store.QueueState{"Submission": {}},
	})
	if err != nil {
		t.Fatal(err)
	}
	files := []struct {
		name string
		data []byte
		into func() any
	}{
		{"directory", dir, func() any { return new(ad.Directory) }},
		{"store state", state, func() any { return new(store.Service) }},
		{"catalog", catalog, func() any { return new(store.Catalog) }},
	}
	rng := rand.New(rand.NewPCG(16, 3))
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			agree(t, f.data, f.into)
			for range 400 {
				agree(t, damage(rng, f.data), f.into)
			}
		})
	}
}

func agree(t *testing.T, data []byte, into func() any) {
	t.Helper()
	want, got := into(), into()
	werr := json.Unmarshal(data, want)
	gerr := jsonread.Unmarshal(data, got)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("encoding/json says %v, jsonread says %v, of:\n%.400q", werr, gerr, data)
	}
	if werr == nil && !reflect.DeepEqual(want, got) {
		t.Fatalf("the decoders read different values from:\n%.400q\nencoding/json: %+v\njsonread: %+v", data, want, got)
	}
}

// damage returns a copy of data with one of a disk's damages.
func damage(rng *rand.Rand, data []byte) []byte {
	b := append([]byte(nil), data...)
	if len(b) == 0 {
		return b
	}
	at := rng.IntN(len(b))
	switch rng.IntN(4) {
	case 0:
		b[at] ^= byte(1 << rng.IntN(8))
	case 1:
		b = b[:at]
	case 2:
		for i := at; i < min(len(b), at+rng.IntN(64)+1); i++ {
			b[i] = 0
		}
	default:
		b[at] = "{}[]\",:0a\\"[rng.IntN(10)]
	}
	return b
}
