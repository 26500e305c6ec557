package host

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/exdr/exdr/internal/jsonread"

	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
)

// The directory on disk is directory.json, written whole, and
// directory.log, where each update appends the objects it changed (ad's
// changes): an update costs what it changed, not the whole directory
// again, so building ten thousand databases step by step is linear. The
// log is folded into a new directory.json when it outgrows it.
//
// Each log record is one line: the generation of directory.json it
// follows, the SHA-256 of the change, the change. A record of another
// generation is one a fold already holds (a kill between writing the new
// directory.json and emptying the log leaves them) and is skipped.
//
// A record never straddles a page of the file: one that would is put at
// the start of the next page (the rest of this one filled with a line of
// spaces), and a change larger than a page is written as a fold instead.
// Linux stops a write cut by a kill only between pages, so a kill leaves
// a record whole or not at all, and a last line cut short is never an
// interrupted update: it is damage (a file cut by hand, or a power loss
// mid-write), refused with what to do, as a damaged record is. Dropping
// it would read a lab that lost every change after the cut as a lab that
// never had them.

// pageSize is the unit Linux writes a file's page cache in.
const pageSize = 4096

// LogFile is the directory's log of changes.
const LogFile = "directory.log"

// VerifyWrites, set by tests, reads the directory back from disk after
// every update and fails the update if it differs from what the update
// left in memory: a change the log would have lost is found at once.
var VerifyWrites bool

type fileStamp struct {
	mod  time.Time
	size int64
	ok   bool
}

func stamp(path string) fileStamp {
	st, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{st.ModTime(), st.Size(), true}
}

func (l *Host) basePath() string { return filepath.Join(l.root, DirectoryFile) }
func (l *Host) logPath() string  { return filepath.Join(l.root, LogFile) }

// loadDirectory reads directory.json and replays the log after it; it
// returns the directory and the length of the log's whole records.
func (l *Host) loadDirectory() (*ad.Directory, int64, error) {
	b, err := os.ReadFile(l.basePath())
	if err != nil {
		return nil, 0, err
	}
	var d ad.Directory
	if err := jsonread.Unmarshal(b, &d); err != nil {
		return nil, 0, fmt.Errorf("lab directory %s is damaged: %w", l.basePath(), err)
	}
	if d.FormatVersion != formatVersion && d.FormatVersion != 2 {
		return nil, 0, fmt.Errorf("the lab at %s was written in format %d, and this exdr reads format %d: rebuild the lab (move the folder away and run exdr apply)",
			l.root, d.FormatVersion, formatVersion)
	}
	field := []byte(`"checksum": "` + d.Checksum + `"`)
	at, count := checksumField(b, field)
	if len(d.Checksum) != len(noChecksum) || count != 1 {
		return nil, 0, fmt.Errorf("lab directory %s is damaged: its checksum is missing or garbled; restore it from a copy of the lab", l.basePath())
	}
	// The file's hash with its checksum zeroed, hashed in three parts
	// rather than copying megabytes to zero it.
	h := sha256.New()
	h.Write(b[:at])
	h.Write([]byte(`"checksum": "` + noChecksum + `"`))
	h.Write(b[at+len(field):])
	if hex.EncodeToString(h.Sum(nil)) != d.Checksum {
		return nil, 0, fmt.Errorf("lab directory %s is damaged: it does not match its checksum (changed outside exdr, or a bad disk); restore it from a copy of the lab", l.basePath())
	}
	good, err := l.replayLog(&d)
	return &d, good, err
}

// checksumField finds field (the checksum's key and value) in b: where it
// is, and how many times it is there. It looks for the key, a short
// needle the CPU's vector search finds at memory speed (the whole field
// is long enough to fall back to a slower search), and compares the value
// where the key is.
func checksumField(b, field []byte) (at, count int) {
	key := field[:len(`"checksum": "`)]
	at = -1
	for i := 0; ; {
		j := bytes.Index(b[i:], key)
		if j < 0 {
			return at, count
		}
		if bytes.HasPrefix(b[i+j:], field) {
			at, count = i+j, count+1
		}
		i += j + len(key)
	}
}

// replayLog applies the log's records of d's generation to d, and returns
// the length of the log.
func (l *Host) replayLog(d *ad.Directory) (int64, error) {
	f, err := disk.Open(l.logPath(), os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var good int64
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return good, nil
		}
		if errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("lab directory log %s ends in the middle of a change (after byte %d): the file was cut, or the machine lost power while exdr wrote it. "+
				"Restore the lab from a copy; or, if the power went during an apply, cut the file at that byte (truncate -s %d %s), which drops only the change being written, and plan again",
				l.logPath(), good, good, l.logPath())
		}
		if err != nil {
			return 0, err
		}
		if len(bytes.TrimRight(line, " \n")) == 0 {
			good += int64(len(line)) // the filling before a page
			continue
		}
		gen, rec, ok := parseRecord(line)
		if !ok {
			return 0, fmt.Errorf("lab directory log %s is damaged at record %d (it fails its checksum): restore the lab from a copy", l.logPath(), n)
		}
		if gen > d.LogGeneration {
			return 0, fmt.Errorf("lab directory %s is older than its log %s (it holds generation %d, the log's changes follow generation %d): "+
				"it was put back from an earlier copy without its log; restore the lab whole from one copy", l.basePath(), l.logPath(), d.LogGeneration, gen)
		}
		if gen == d.LogGeneration {
			if err := d.Replay(rec); err != nil {
				return 0, fmt.Errorf("lab directory log %s: record %d: %w", l.logPath(), n, err)
			}
		}
		good += int64(len(line))
	}
}

// parseRecord splits "GEN SHA256 CHANGE\n" and checks the checksum.
func parseRecord(line []byte) (gen int, rec []byte, ok bool) {
	line = bytes.TrimSuffix(line, []byte("\n"))
	g, rest, found := bytes.Cut(line, []byte(" "))
	if !found {
		return 0, nil, false
	}
	sum, rec, found := bytes.Cut(rest, []byte(" "))
	if !found {
		return 0, nil, false
	}
	gen, err := strconv.Atoi(string(g))
	if err != nil {
		return 0, nil, false
	}
	want := sha256.Sum256(rec)
	if hex.EncodeToString(want[:]) != string(sum) {
		return 0, nil, false
	}
	return gen, rec, true
}

// saveDirectory writes d whole as a new generation of directory.json and
// empties the log, which it now holds.
func (l *Host) saveDirectory(d *ad.Directory) error {
	d.FormatVersion = formatVersion
	d.LogGeneration++
	d.Checksum = noChecksum
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	sum := sha256.Sum256(append(b, '\n'))
	d.Checksum = hex.EncodeToString(sum[:])
	b = bytes.Replace(b, []byte(`"checksum": "`+noChecksum+`"`), []byte(`"checksum": "`+d.Checksum+`"`), 1)
	if err := disk.WriteAtomic(l.basePath(), append(b, '\n')); err != nil {
		return err
	}
	// The new directory.json's name must be on disk before the log that
	// it replaces is emptied: after a power loss, an old file with an
	// empty log would lose every change since it.
	if err := syncDir(l.root); err != nil {
		return err
	}
	// A kill here leaves the log's records of the old generation, which
	// the new directory.json holds: they are skipped.
	if err := os.Truncate(l.logPath(), 0); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	l.cached, l.cachedBase, l.cachedLog, l.logGood = d, stamp(l.basePath()), stamp(l.logPath()), 0
	return nil
}

// appendChange appends one update's change to the log, durably, and
// folds the log into directory.json once it is half its size: a read
// replays at most half a directory, and every byte of the directory is
// written a bounded number of times.
func (l *Host) appendChange(d *ad.Directory, rec []byte) error {
	sum := sha256.Sum256(rec)
	line := make([]byte, 0, len(rec)+80)
	line = strconv.AppendInt(line, int64(d.LogGeneration), 10)
	line = append(line, ' ')
	line = hex.AppendEncode(line, sum[:])
	line = append(line, ' ')
	line = append(line, rec...)
	line = append(line, '\n')
	if len(line) > pageSize {
		return l.saveDirectory(d) // too large to write in one page
	}
	off := l.logGood
	if used := off % pageSize; used+int64(len(line)) > pageSize {
		fill := append(bytes.Repeat([]byte{' '}, int(pageSize-used-1)), '\n')
		line = append(fill, line...)
	}
	f, err := disk.Open(l.logPath(), os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteAt(line, off); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	l.logGood += int64(len(line))
	l.cachedLog = stamp(l.logPath())
	if base := l.cachedBase; base.ok && l.logGood > max(base.size/2, 256<<10) {
		return l.saveDirectory(d)
	}
	return nil
}

// current returns the directory, from the cache unless the files changed.
// The caller holds l.Mu.
//
// A reload takes the shared lock of the log (lockLog), unless the caller
// holds the exclusive one (locked): a cache still current costs two stats
// and no lock.
func (l *Host) current(locked bool) (*ad.Directory, error) {
	if l.cached != nil && (l.deferSaves || l.unchanged()) {
		return l.cached, nil
	}
	if !locked {
		unlock, err := l.lockLog(false)
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	base, log := stamp(l.basePath()), stamp(l.logPath())
	d, good, err := l.loadDirectory()
	if err != nil {
		return nil, err
	}
	l.cached, l.cachedBase, l.cachedLog, l.logGood = d, base, log, good
	l.mapNodes(d)
	return d, nil
}

func (l *Host) unchanged() bool {
	return stamp(l.basePath()) == l.cachedBase && stamp(l.logPath()) == l.cachedLog
}

// UpdateDirectory runs fn on the directory and writes what it changed,
// under the process's lock and the log's exclusive lock, which every exdr
// process on the lab takes to change it.
// fn must fail only before changing anything; if it fails, the cache is
// dropped all the same, and what is on disk (every update that returned)
// is read again.
func (l *Host) UpdateDirectory(fn func(*ad.Directory) error) error {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	if !l.deferSaves {
		// Another exdr may change the lab too: the files are read again,
		// if changed, under the same lock the change is written under.
		unlock, err := l.lockLog(true)
		if err != nil {
			return err
		}
		defer unlock()
	}
	d, err := l.current(!l.deferSaves)
	if err != nil {
		return err
	}
	if l.deferSaves {
		if err := fn(d); err != nil {
			l.cached = nil
			return err
		}
		l.unsavedDirs = true
		l.mapNodes(d)
		return nil
	}
	d.Begin()
	if err := fn(d); err != nil {
		d.End()
		l.cached = nil
		return err
	}
	rec, err := d.Changes()
	if err == nil && rec != nil {
		err = l.appendChange(d, rec)
	}
	if err != nil {
		l.cached = nil
		return err
	}
	l.mapNodes(d)
	if VerifyWrites {
		return l.verify(d)
	}
	return nil
}

// verify reads the directory back and compares it with d.
func (l *Host) verify(d *ad.Directory) error {
	back, _, err := l.loadDirectory()
	if err != nil {
		return err
	}
	a, _ := json.Marshal(d)
	b, _ := json.Marshal(back)
	if !bytes.Equal(a, b) {
		l.cached = nil
		return fmt.Errorf("the lab's directory as written differs from the update's: a change was not logged\n memory: %s\n   disk: %s", a, b)
	}
	return nil
}

// ViewDirectory runs fn on the current directory without changing it.
func (l *Host) ViewDirectory(fn func(*ad.Directory) error) error {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	d, err := l.current(false)
	if err != nil {
		return err
	}
	return fn(d)
}

// Batch runs fn with directory writes deferred to its end, where the
// directory is written whole. A crash inside fn loses the directory
// changes fn made; use it for building labs, not for recoveries.
func (l *Host) Batch(fn func() error) error {
	l.Mu.Lock()
	l.deferSaves = true
	l.Mu.Unlock()
	err := fn()
	l.Mu.Lock()
	defer l.Mu.Unlock()
	l.deferSaves = false
	if l.unsavedDirs && l.cached != nil {
		l.unsavedDirs = false
		unlock, lerr := l.lockLog(true)
		if lerr != nil {
			return lerr
		}
		defer unlock()
		if serr := l.saveDirectory(l.cached); err == nil {
			err = serr
		}
	}
	return err
}

// syncDir flushes a folder's entries (a rename in it) to disk.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && runtime.GOOS == "linux" {
		return err // elsewhere a folder may not be syncable: the rename is as durable as the system makes it
	}
	return nil
}
