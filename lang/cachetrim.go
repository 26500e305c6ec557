package lang

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/exdr/exdr/internal/atomicfile"
)

// The cache is trimmed as Go trims its build cache: an entry used is
// marked by its modification time (at most once an hour, to spare the
// disk a write per run), and at most once a day a load that wrote an
// entry removes those unused for five days. Only files the cache can
// prove it wrote are removed: a name of 64 hexadecimal digits, the
// cache's first bytes (cacheMagic) and a SHA-256 trailer that matches, or
// the name atomicfile gives a write a killed run left half done. When the
// last trim was is kept in a stamp file of exdr's own name and format; a
// file of that name that is not exdr's is left alone, and then nothing is
// trimmed. So a cache folder pointed at the wrong place
// (EXDR_CONFIG_CACHE=$HOME) loses nothing of its owner's.
const (
	markInterval = time.Hour
	trimInterval = 24 * time.Hour
	trimLimit    = 5 * 24 * time.Hour
	trimStamp    = "exdr-trim.txt"
	stampPrefix  = "exdr cache trimmed at "
)

// markUsed refreshes the modification time of the cache file at path,
// so that trimming keeps it.
func markUsed(path string, now time.Time) {
	st, err := os.Stat(path)
	if err == nil && now.Sub(st.ModTime()) > markInterval {
		_ = os.Chtimes(path, now, now)
	}
}

// trimCache removes the entries and syntax slots unused for trimLimit,
// if the last trim was trimInterval ago or more.
func trimCache(cacheDir string, now time.Time) {
	if !trimDue(filepath.Join(cacheDir, trimStamp), now) {
		return
	}
	for _, dir := range []string{cacheDir, filepath.Join(cacheDir, "syntax")} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.Type().IsRegular() {
				continue
			}
			slot, leftover := isSlotName(e.Name()), isLeftover(e.Name())
			if !slot && !leftover {
				continue
			}
			info, err := e.Info()
			if err != nil || now.Sub(info.ModTime()) < trimLimit {
				continue
			}
			path := filepath.Join(dir, e.Name())
			if leftover || ownCacheFile(path) {
				_ = os.Remove(path)
			}
		}
	}
}

// trimDue says whether a trim is due, and if so records that it is done
// now. A stamp more than an hour in the future (a clock that was wrong)
// counts as old, so it cannot stop trimming until that date.
func trimDue(stamp string, now time.Time) bool {
	b, err := atomicfile.ReadRegular(stamp, 256)
	switch {
	case err == nil:
		text, ok := strings.CutPrefix(strings.TrimSuffix(string(b), "\n"), stampPrefix)
		last, perr := strconv.ParseInt(text, 10, 64)
		if !ok || perr != nil {
			return false // not exdr's: never replaced
		}
		if d := now.Sub(time.Unix(last, 0)); d < trimInterval && d > -markInterval {
			return false
		}
	case !errors.Is(err, fs.ErrNotExist):
		return false // a folder, a FIFO, unreadable: not exdr's
	}
	// Flushed: a stamp a crash left empty would not be exdr's, and would
	// stop trimming for good.
	return atomicfile.WriteFile(stamp, []byte(stampPrefix+strconv.FormatInt(now.Unix(), 10)+"\n"), 0o600) == nil
}

func isSlotName(name string) bool {
	if len(name) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil && strings.ToLower(name) == name
}

// isLeftover says whether name is what atomicfile names the file it writes
// a slot to before renaming it (".<slot>.tmp<digits>"): a run killed
// between the two leaves it behind.
func isLeftover(name string) bool {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok || len(rest) < 2*sha256.Size || !isSlotName(rest[:2*sha256.Size]) {
		return false
	}
	digits, ok := strings.CutPrefix(rest[2*sha256.Size:], ".tmp")
	if !ok || digits == "" {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ownCacheFile says whether the file at path is one the cache wrote: it
// starts with cacheMagic (checked first, so that a folder of other
// hash-named files is not read whole) and ends with the SHA-256 of the
// rest.
func ownCacheFile(path string) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	head := make([]byte, len(cacheMagic))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || string(head) != cacheMagic {
		return false
	}
	_, ok := readCacheFile(path)
	return ok
}
