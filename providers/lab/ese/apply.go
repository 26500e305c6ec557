package ese

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/exdr/exdr/providers/lab/disk"
)

// ReplayInto applies to e every logged page image of e's database from
// the header's required generation on, where the page is older than the
// record. It returns how many records it applied.
func ReplayInto(ctx context.Context, e *File, s *Stream, progress Progress) (int, error) {
	from := e.Hdr.LogRequired.Low
	if from == 0 {
		return 0, nil
	}
	if err := s.FinishTmp(); err != nil {
		return 0, err
	}
	cur, err := s.Current()
	if err != nil {
		return 0, err
	}
	if from > cur {
		// The logs it needs are not in the folder: "recovered" from none,
		// a dirty database was marked clean with its changes lost
		// (review).
		return 0, fmt.Errorf("%w: the database needs log generation %d and later, and the folder's newest is %d", ErrCorruptLog, from, cur)
	}
	applied := 0
	err = s.Replay(from, func(r Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if progress != nil {
			progress.Update(int64(LSNGeneration(r.LSN)-from+1), int64(cur-from+1), "generations")
		}
		ok, err := ApplyRecord(e, r)
		if ok {
			applied++
		}
		return err
	})
	return applied, err
}

// ApplyRecord writes one logged page image into e if it is e's and newer
// than the page, growing the file for a page it did not have.
func ApplyRecord(e *File, r Record) (bool, error) {
	p := r.Payload
	if len(p) < 13 || p[0] != RecPageImage || binary.LittleEndian.Uint64(p[1:]) != e.Hdr.Signature || r.LSN < e.Hdr.AttachLSN {
		return false, nil
	}
	n := binary.LittleEndian.Uint32(p[9:])
	if n == 0 || n > e.Hdr.Pages+MaxGrowth {
		return false, fmt.Errorf("log record at %d:%d names page %d of a %d-page database", LSNGeneration(r.LSN), uint32(r.LSN), n, e.Hdr.Pages)
	}
	if n <= e.Hdr.Pages {
		pg, ok, err := e.ReadPage(n)
		if err != nil {
			return false, err
		}
		if ok && pg.LSN >= r.LSN {
			return false, nil // the page has this change already
		}
	} else {
		e.Hdr.Pages = n // a page the database grew by while mounted
	}
	return true, e.WritePage(&Page{Number: n, Signature: e.Hdr.Signature, LSN: r.LSN, Payload: p[13:]})
}

// ApplyRecords writes a generation's page images of e's database where
// the page is older than the record.
func ApplyRecords(e *File, recs []Record) error {
	for _, r := range recs {
		if _, err := ApplyRecord(e, r); err != nil {
			return err
		}
	}
	return nil
}

// SetAsideGenerations moves every generation of a stream into dir and
// starts the one after the newest the stream has known, with the
// checkpoint on it: the numbering goes on, so no new record can sort
// before an old one.
func SetAsideGenerations(s *Stream, dir string) error {
	gens, err := s.Generations()
	if err != nil {
		return err
	}
	newest := uint32(0)
	var move []string
	for _, g := range gens {
		move = append(move, s.LogPath(g))
		newest = max(newest, g)
	}
	if _, chkNewest, err := s.ReadChk(); err == nil {
		newest = max(newest, chkNewest)
	}
	if len(move) > 0 {
		if err := disk.MoveFiles(move, dir); err != nil {
			return err
		}
	}
	if newest == 0 {
		return nil // nothing was ever logged: the service starts the stream
	}
	if err := s.NewGeneration(newest + 1); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return s.SetCheckpoint(newest + 1)
}

// SetAsideStream moves a log stream's generations and checkpoint into one
// exdr-aside folder.
func SetAsideStream(s *Stream, now time.Time) error {
	gens, err := s.Generations()
	if err != nil {
		return err
	}
	dir := filepath.Join(s.Dir, "exdr-aside", now.UTC().Format("20060102T150405.000000000Z"))
	if err := disk.RefuseLinks(filepath.Dir(dir), dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	paths := []string{s.ChkPath()}
	for _, g := range gens {
		paths = append(paths, s.LogPath(g))
	}
	for _, p := range paths {
		if err := os.Rename(p, filepath.Join(dir, filepath.Base(p))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// MaxGrowth bounds how far one log record may grow a database, so that a
// damaged page number cannot make a replay write a huge file.
const MaxGrowth = 1 << 20

// Progress receives a replay's progress (providers.Progress satisfies it).
type Progress interface {
	Update(done, total int64, unit string)
}
