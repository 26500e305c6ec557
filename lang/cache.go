package lang

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
// over the files. Only loads without a diagnostic are kept, and of those
// not one that was given a sensitive value (which would lie in plain
// text in the cache) or read a file that cannot be checked again without
// being consumed (a pipe such as -var-file <(...)).
//
// One entry is kept per configuration folder, set of arguments and exdr
// build (the slot): editing a configuration replaces its entry, but each
// other set of -var values or build leaves one more, until trimming
// removes it (cachetrim.go).

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
const cacheFormat = "exdr config cache 3"

// cacheMagic starts every file the cache writes (entries and syntax
// slots), so that trimming can tell its own files by their first bytes.
const cacheMagic = "exdr cache\n"

var entryShape = bincodec.Fingerprint(cacheEntry{})

// What a load found at a path it read, as kept in an entry: the bytes'
// digest, "absent", or for fileexists() its answer. A state is checked
// again before the entry is used, without reading anything but a regular
// file (a pipe would be drained, a FIFO waited on).
const (
	stateAbsent      = "absent"
	stateUnreadable  = "unreadable" // never recorded: nothing matches it
	stateExistsTrue  = "fileexists:true"
	stateExistsFalse = "fileexists:false"
	stateDigestTag   = "sha256:"
)

func digestState(b []byte) string {
	sum := sha256.Sum256(b)
	return stateDigestTag + hex.EncodeToString(sum[:])
}

// existsState is fileexists()'s answer for path: a regular file is there.
func existsState(path string) string {
	st, err := os.Stat(path)
	if err == nil && st.Mode().IsRegular() {
		return stateExistsTrue
	}
	return stateExistsFalse
}

// currentState is what the file at path holds now, in the terms of the
// recorded state.
func currentState(path, recorded string) string {
	if strings.HasPrefix(recorded, "fileexists:") {
		return existsState(path)
	}
	b, err := atomicfile.ReadRegular(path, maxCacheFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return stateAbsent
	case err != nil:
		return stateUnreadable
	}
	return digestState(b)
}

// readLog is how a load reads files beyond its sources (file(),
// fileexists(), a -var-file, an Edge's cloned configuration): each is
// read once, and what was read is recorded for the cache, so that the
// entry is checked against the very bytes the load used. A load that
// read something the cache could not check again (a pipe, a device, a
// file that changed between two reads of it) or was given a sensitive
// value is not kept.
type readLog struct {
	mu          sync.Mutex
	reads       map[fileRead]bool
	byPath      map[string]string // the content state of each path read
	uncacheable bool
}

// readFile reads the file at path for the load.
func (r *readLog) readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			r.record(path, stateAbsent, true)
		} else {
			r.refuse()
		}
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		r.refuse()
		return nil, err
	}
	// A pipe is read (-var-file <(secrets-tool ...)), but never cached,
	// and nothing without end: a link to /dev/zero read until memory ran
	// out.
	b, err := io.ReadAll(io.LimitReader(f, MaxSourceFile+1))
	if err == nil && len(b) > MaxSourceFile {
		err = fmt.Errorf("%s: more than the %d bytes exdr reads from a file", path, MaxSourceFile)
	}
	if err != nil || !st.Mode().IsRegular() {
		r.refuse()
	} else {
		r.record(path, digestState(b), true)
	}
	return b, err
}

// absolute is path made absolute as the system would open it from here.
// A Unix kernel follows a symbolic link before "..", so the path is joined
// to the working folder without cleaning (filepath.Abs removes ".." as
// text); Windows removes ".." as text itself, and has drive-relative and
// rooted paths that a join would get wrong, so there Abs is right.
func absolute(path string) string {
	if runtime.GOOS == "windows" {
		if abs, err := filepath.Abs(path); err == nil {
			return abs
		}
		return path
	}
	if filepath.IsAbs(path) {
		return path
	}
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	return wd + string(filepath.Separator) + path
}

// fileExists is fileexists()'s answer for path, recorded.
func (r *readLog) fileExists(path string) bool {
	state := existsState(path)
	r.record(path, state, false)
	return state == stateExistsTrue
}

// refuse marks the load as one the cache must not keep.
func (r *readLog) refuse() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.uncacheable = true
	r.mu.Unlock()
}

func (r *readLog) record(path, state string, content bool) {
	if r == nil {
		return
	}
	path = absolute(path)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.reads == nil {
		r.reads, r.byPath = map[fileRead]bool{}, map[string]string{}
	}
	if content {
		// Read twice with different bytes: no state describes the load.
		if prev, ok := r.byPath[path]; ok && prev != state {
			r.uncacheable = true
		}
		r.byPath[path] = state
	}
	r.reads[fileRead{path, state}] = true
}

func (r *readLog) keep() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.uncacheable
}

func (r *readLog) list() []fileRead {
	out := make([]fileRead, 0, len(r.reads))
	for fr := range r.reads {
		out = append(out, fr)
	}
	slices.SortFunc(out, func(a, b fileRead) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.State, b.State)
	})
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
	// The build is part of the slot, as Go's build cache keys by the
	// compiler: two exdr builds run in turn on one folder each keep their
	// entry instead of evicting the other's (trimming removes an old
	// build's once it goes unused).
	field(executable())
	field(entryShape)
	slot = hex.EncodeToString(s.Sum(nil))
	for _, src := range srcs {
		field(src.Filename)
		sum := sha256.Sum256(src.Bytes)
		s.Write(sum[:])
	}
	return slot, hex.EncodeToString(s.Sum(nil))
}

// decodeCache is the entry in slot, decoded but not yet checked against
// anything, or nil.
func decodeCache(cacheDir, slot string) *cacheEntry {
	body, ok := readCacheFile(filepath.Join(cacheDir, slot))
	if !ok {
		return nil // damaged or not the cache's: never trusted
	}
	var e cacheEntry
	if bincodec.Unmarshal(body, &e) != nil {
		return nil
	}
	return &e
}

// useCache returns e if it was loaded for key from files that still hold
// what they held then, and marks the slot used; nil otherwise.
func useCache(cacheDir, slot, key string, e *cacheEntry) *cacheEntry {
	if e == nil || e.Key != key {
		return nil
	}
	for _, r := range e.Reads {
		if currentState(r.Path, r.State) != r.State {
			return nil
		}
	}
	markUsed(filepath.Join(cacheDir, slot), time.Now())
	return e
}

func writeCache(cacheDir, slot string, e *cacheEntry) {
	body, err := bincodec.Marshal(e)
	if err != nil {
		return
	}
	writeCacheFile(filepath.Join(cacheDir, slot), body)
	trimCache(cacheDir, time.Now())
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
					if checkNesting(src.Filename, src.Bytes) != nil {
						// The snippet needs the text alone; the parse
						// would overflow the stack.
						c.Files[src.Filename] = &hcl.File{Bytes: src.Bytes}
						continue
					}
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
