package lang

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Trimming removes the cache files unused for five days, at most once a
// day, and nothing the cache cannot prove it wrote.
func TestTrimCache(t *testing.T) {
	cache := t.TempDir()
	os.Mkdir(filepath.Join(cache, "syntax"), 0o700)
	now := time.Now()
	old := now.Add(-trimLimit - time.Hour)
	slot := func(c byte) string { return strings.Repeat(string(c), 2*sha256.Size) }
	withTrailer := func(body string) []byte {
		sum := sha256.Sum256([]byte(body))
		return append([]byte(body), sum[:]...)
	}
	own := func(body string) []byte { return withTrailer(cacheMagic + body) }
	files := []struct {
		path    string
		content []byte
		mtime   time.Time
		kept    bool
	}{
		{slot('a'), own("old entry"), old, false},
		{slot('b'), own("recent entry"), now.Add(-time.Hour), true},
		{"syntax/" + slot('c'), own("old slot"), old, false},
		{"syntax/" + slot('d'), own("recent slot"), now, true},
		{"." + slot('e') + ".tmp12345", []byte("half written"), old, false},
		{"." + slot('f') + ".tmp12345", []byte("being written"), now, true},
		// Not provably the cache's: kept however old.
		{slot('1'), []byte("a file of the same name without the checksum"), old, true},
		{slot('4'), withTrailer("a checksummed file without the cache's first bytes"), old, true},
		{"trim.txt", []byte("someone's trim.txt"), old, true},
		{strings.ToUpper(slot('a')), own("upper-case name"), old, true},
		{"notes.txt", own("someone's notes"), old, true},
		{slot('2') + ".bak", own("a copy"), old, true},
		{"." + slot('3') + ".tmpx", []byte("not a temp name"), old, true},
	}
	for _, f := range files {
		p := filepath.Join(cache, f.path)
		if err := os.WriteFile(p, f.content, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, f.mtime, f.mtime)
	}
	os.Mkdir(filepath.Join(cache, slot('9')), 0o700) // a folder of that name is left alone
	os.Chtimes(filepath.Join(cache, slot('9')), old, old)

	trimCache(cache, now)
	for _, f := range files {
		_, err := os.Stat(filepath.Join(cache, f.path))
		if kept := err == nil; kept != f.kept {
			t.Errorf("%s: kept %v, want %v", f.path, kept, f.kept)
		}
	}
	if _, err := os.Stat(filepath.Join(cache, slot('9'))); err != nil {
		t.Error("a folder named like a slot was removed")
	}

	// Within a day of the last trim, nothing is looked at.
	p := filepath.Join(cache, slot('a'))
	os.WriteFile(p, own("old again"), 0o600)
	os.Chtimes(p, old, old)
	trimCache(cache, now.Add(trimInterval-time.Minute))
	if _, err := os.Stat(p); err != nil {
		t.Error("trimmed twice within a day")
	}
	trimCache(cache, now.Add(trimInterval+time.Minute))
	if _, err := os.Stat(p); err == nil {
		t.Error("not trimmed a day after the last trim")
	}
	if b, _ := os.ReadFile(filepath.Join(cache, "trim.txt")); string(b) != "someone's trim.txt" {
		t.Errorf("a trim.txt that is not exdr's was changed: %q", b)
	}
}

// The stamp of the last trim: a stamp in the future (a clock that was
// wrong) does not stop trimming, and a file of the stamp's name that is
// not exdr's is never replaced, and then nothing is trimmed.
func TestTrimStamp(t *testing.T) {
	now := time.Now()
	stampFile := func(t *testing.T, content string) string {
		dir := t.TempDir()
		if content != "" {
			os.WriteFile(filepath.Join(dir, trimStamp), []byte(content), 0o600)
		}
		return filepath.Join(dir, trimStamp)
	}
	stampAt := func(at time.Time) string { return stampPrefix + strconv.FormatInt(at.Unix(), 10) + "\n" }
	cases := []struct {
		name, content string
		due           bool
	}{
		{"none yet", "", true},
		{"an hour ago", stampAt(now.Add(-time.Hour)), false},
		{"two days ago", stampAt(now.Add(-48 * time.Hour)), true},
		{"ten minutes ahead", stampAt(now.Add(10 * time.Minute)), false},
		{"a year ahead", stampAt(now.Add(365 * 24 * time.Hour)), true},
		{"not exdr's", "my notes\n", false},
		{"empty", "\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stamp := stampFile(t, c.content)
			if c.name == "empty" {
				os.WriteFile(stamp, nil, 0o600)
			}
			before, _ := os.ReadFile(stamp)
			if got := trimDue(stamp, now); got != c.due {
				t.Fatalf("due %v, want %v", got, c.due)
			}
			after, _ := os.ReadFile(stamp)
			if c.due && string(after) != stampAt(now) {
				t.Errorf("stamp %q after a trim", after)
			}
			if !c.due && string(after) != string(before) {
				t.Errorf("stamp changed from %q to %q without a trim", before, after)
			}
		})
	}
	dir := filepath.Join(t.TempDir(), trimStamp)
	os.Mkdir(dir, 0o700)
	if trimDue(dir, now) {
		t.Error("a folder in the stamp's place: due")
	}
}

// A configuration loaded from the cache, or whose files were decoded,
// marks its entry and slot used, so that a folder in daily use is never
// trimmed.
func TestCacheUseIsMarked(t *testing.T) {
	f := newSyntaxFixture(t)
	LoadDir(f.dir, Options{Cache: f.cache})
	entry, slot := configCacheEntries(t, f.cache)[0], syntaxSlotPath(f.cache, f.dir)
	old := time.Now().Add(-trimLimit + time.Hour)
	recent := func(p string) bool {
		st, err := os.Stat(p)
		return err == nil && time.Since(st.ModTime()) < time.Hour
	}
	for _, p := range []string{entry, slot} {
		os.Chtimes(p, old, old)
	}
	before := cacheHits.Load()
	LoadDir(f.dir, Options{Cache: f.cache})
	if cacheHits.Load() == before {
		t.Fatal("not answered by the configuration cache")
	}
	if !recent(entry) {
		t.Error("the entry a load used was not marked")
	}
	if recent(slot) {
		t.Error("the syntax slot was marked though the load did not read it")
	}
	os.Remove(entry)
	if _, decoded := counts(func() { LoadDir(f.dir, Options{Cache: f.cache}) }); decoded == 0 {
		t.Fatal("nothing decoded")
	}
	if !recent(slot) {
		t.Error("the syntax slot a load decoded from was not marked")
	}
}
