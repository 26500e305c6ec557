package lang

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/exdr/exdr/internal/atomicfile"
)

// The cache is trimmed as Go trims its build cache: an entry used is
// marked by its modification time (at most once an hour, to spare the
// disk a write per run), and at most once a day a load that wrote an
// entry removes those unused for five days. Only files the cache can
// prove it wrote are removed: a name of 64 hexadecimal digits and a
// SHA-256 trailer that matches (or the name of a write a killed run left
// half done), so a cache folder pointed at the wrong place
// (EXDR_CONFIG_CACHE=$HOME) loses nothing of its owner's.
const (
	markInterval = time.Hour
	trimInterval = 24 * time.Hour
	trimLimit    = 5 * 24 * time.Hour
	trimStamp    = "trim.txt"
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
	stamp := filepath.Join(cacheDir, trimStamp)
	if b, err := atomicfile.ReadRegular(stamp, 64); err == nil {
		if last, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && now.Sub(time.Unix(last, 0)) < trimInterval {
			return
		}
	}
	if atomicfile.WriteUnsynced(stamp, []byte(strconv.FormatInt(now.Unix(), 10)+"\n"), 0o600) != nil {
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

// ownCacheFile says whether the file at path ends with the SHA-256 of the
// rest, as every file the cache writes does.
func ownCacheFile(path string) bool {
	b, err := atomicfile.ReadRegular(path, maxCacheFile)
	if err != nil || len(b) < sha256.Size {
		return false
	}
	sum := sha256.Sum256(b[:len(b)-sha256.Size])
	return bytes.Equal(sum[:], b[len(b)-sha256.Size:])
}
