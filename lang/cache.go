package lang

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/exdr/exdr/internal/atomicfile"
	"github.com/exdr/exdr/internal/bincodec"
	"github.com/exdr/exdr/org"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The cache keeps what a configuration loaded to, so that a command run
// again on the same configuration skips parsing and evaluating it (most
// of a plan's cost at thousands of databases). It is keyed by everything
// a load reads: every source file's name and bytes, the folder, each -var
// and -var-file argument, the EXDR_VAR_ environment, this exdr (its build
// and its executable) and the shape of the cached types; each file read
// while loading (file(), fileexists(), a -var-file, an Edge's cloned
// configuration) is recorded with what it held, and read again before an
// entry is used. An entry that does not match, does not decode, or fails
// its checksum is ignored and written again: the cache is never trusted
// over the files. Only loads without a diagnostic are kept.
//
// One entry is kept per configuration folder and set of arguments (the
// slot), so the cache holds one configuration's worth per folder, however
// often it is edited.

// cacheEntry is what a slot holds.
type cacheEntry struct {
	Key       string
	Reads     []fileRead
	Org       *org.Org
	Drills    []*org.Drill
	Sensitive map[string]bool
}

// fileRead is a file a load read, and what it found there.
type fileRead struct {
	Path  string
	State string
}

// cacheFormat changes whenever the entry's meaning changes without its
// shape changing.
const cacheFormat = "exdr config cache 1"

var entryShape = bincodec.Fingerprint(cacheEntry{})

// fileState is what a load found at path: its bytes' digest, or that it
// was absent or could not be read.
func fileState(path string) string {
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "absent"
	case err != nil:
		return "unreadable"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// readLog records the files a load reads beyond its sources.
type readLog struct {
	mu    sync.Mutex
	reads map[string]string
}

func (r *readLog) note(path string) {
	if r == nil {
		return
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	state := fileState(path)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.reads == nil {
		r.reads = map[string]string{}
	}
	r.reads[path] = state
}

func (r *readLog) list() []fileRead {
	var out []fileRead
	for p, s := range r.reads {
		out = append(out, fileRead{p, s})
	}
	slices.SortFunc(out, func(a, b fileRead) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// executable names this exdr: its build and its file, so that a rebuilt
// binary never reads what another one cached.
var executable = sync.OnceValue(buildIdentity)

func buildIdentity() string {
	var b strings.Builder
	if info, ok := debug.ReadBuildInfo(); ok {
		b.WriteString(info.Main.Version)
		for _, s := range info.Settings {
			if strings.HasPrefix(s.Key, "vcs.") {
				b.WriteString(" " + s.Key + "=" + s.Value)
			}
		}
	}
	if path, err := os.Executable(); err == nil {
		if st, err := os.Stat(path); err == nil {
			b.WriteString(" " + path + " " + st.ModTime().UTC().String() + " " + strconv.FormatInt(st.Size(), 10))
		}
	}
	return b.String()
}

// cacheHits counts the loads the cache answered, for tests.
var cacheHits atomic.Int64

// cacheKeys are the slot (where an entry for this folder and these
// arguments lives) and the key (what the entry must have been loaded
// from).
func cacheKeys(dir string, srcs []Source, opts Options) (slot, key string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	s := sha256.New()
	field := func(v string) {
		s.Write([]byte(v))
		s.Write([]byte{0})
	}
	field(cacheFormat)
	field(abs)
	for _, v := range opts.Vars {
		field(v.Name)
		field(v.Value)
		file := v.File
		if abs, err := filepath.Abs(file); err == nil && file != "" {
			file = abs // a relative -var-file is another file in another folder
		}
		field(file)
	}
	for _, e := range slices.Sorted(slices.Values(opts.Env)) {
		if strings.HasPrefix(e, EnvPrefix) {
			field(e)
		}
	}
	slot = hex.EncodeToString(s.Sum(nil))
	field(executable())
	field(entryShape)
	for _, src := range srcs {
		field(src.Filename)
		sum := sha256.Sum256(src.Bytes)
		s.Write(sum[:])
	}
	return slot, hex.EncodeToString(s.Sum(nil))
}

// maxCacheFile bounds what a cache file may hold: at 100,000 databases a
// configuration's entry is 19 MB and its syntax slot 50 MB.
const maxCacheFile = 1 << 30

// readCache returns the configuration cached under slot for key, or nil.
func readCache(cacheDir, slot, key string) *cacheEntry {
	b, err := atomicfile.ReadRegular(filepath.Join(cacheDir, slot), maxCacheFile)
	if err != nil || len(b) < sha256.Size {
		return nil
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil // damaged: never trusted
	}
	var e cacheEntry
	if bincodec.Unmarshal(body, &e) != nil || e.Key != key {
		return nil
	}
	for _, r := range e.Reads {
		if fileState(r.Path) != r.State {
			return nil
		}
	}
	return &e
}

func writeCache(cacheDir, slot string, e *cacheEntry) {
	body, err := bincodec.Marshal(e)
	if err != nil {
		return
	}
	sum := sha256.Sum256(body)
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return
	}
	// A cache that cannot be written only costs the next run a parse.
	// Not flushed to disk: an entry a crash damaged fails its checksum
	// and is written again, so the run need not wait for the disk.
	_ = atomicfile.WriteUnsynced(filepath.Join(cacheDir, slot), append(body, sum[:]...), 0o600)
}

// DiagnosticFiles are the files hcl's diagnostic writer needs to show the
// source of diags: those a load kept, and any other source file a
// diagnostic names, parsed again now (a configuration from the cache
// keeps no parse tree).
func (c *Config) DiagnosticFiles(diags hcl.Diagnostics) map[string]*hcl.File {
	if c.Files == nil {
		c.Files = map[string]*hcl.File{}
	}
	for _, d := range diags {
		for _, rng := range []*hcl.Range{d.Subject, d.Context} {
			if rng == nil || c.Files[rng.Filename] != nil {
				continue
			}
			for _, src := range c.sources {
				if src.Filename == rng.Filename {
					f, _ := hclsyntax.ParseConfig(src.Bytes, src.Filename, hcl.InitialPos)
					c.Files[src.Filename] = f
				}
			}
		}
	}
	return c.Files
}

// CacheDir is where the command line keeps loaded configurations: the
// folder in EXDR_CONFIG_CACHE, or exdr's folder in the user's cache
// folder (as Go keeps its build cache); "" when EXDR_CONFIG_CACHE is
// "off" or there is no such folder.
func CacheDir(env []string) string {
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "EXDR_CONFIG_CACHE="); ok {
			if v == "off" {
				return ""
			}
			if v != "" {
				return v
			}
		}
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "exdr", "config")
}
