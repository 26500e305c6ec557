package lab

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/disk"
)

// LogSize is the size of one log generation, as in Exchange 2007.
const LogSize = 1 << 20

const (
	logMagic      = "EXDRLOG1"
	chkMagic      = "EXDRCHK1"
	logHeaderSize = 4096
	recordHeader  = 8 // length, CRC-32C
)

// logStream is a storage group's transaction log: generations
// <prefix><8 hex digits>.log and the checkpoint <prefix>.chk in dir.
type logStream struct {
	dir    string
	prefix string
	sig    uint64 // the stream's signature, shared by its files and databases
	clock  func() time.Time
}

func (s *logStream) now() time.Time {
	if s.clock == nil {
		return time.Now()
	}
	return s.clock()
}

// created reads a generation's creation time from its header.
func (s *logStream) created(gen uint32) (time.Time, error) {
	f, err := disk.Open(s.logPath(gen), os.O_RDONLY, 0)
	if err != nil {
		return time.Time{}, err
	}
	defer f.Close()
	h := make([]byte, 32)
	if _, err := io.ReadFull(f, h); err != nil {
		return time.Time{}, err
	}
	return time.Unix(0, int64(binary.LittleEndian.Uint64(h[24:]))).UTC(), nil
}

func (s *logStream) logPath(gen uint32) string {
	return filepath.Join(s.dir, fmt.Sprintf("%s%08X.log", s.prefix, gen))
}

func (s *logStream) chkPath() string { return filepath.Join(s.dir, s.prefix+".chk") }

// Log header layout: magic, CRC-32C of 12:logHeaderSize, generation,
// stream signature, creation time (Unix nanoseconds).
func (s *logStream) header(gen uint32) []byte {
	h := make([]byte, logHeaderSize)
	copy(h, logMagic)
	binary.LittleEndian.PutUint32(h[12:], gen)
	binary.LittleEndian.PutUint64(h[16:], s.sig)
	binary.LittleEndian.PutUint64(h[24:], uint64(s.now().UnixNano()))
	binary.LittleEndian.PutUint32(h[8:], crc32.Checksum(h[12:], castagnoli))
	return h
}

// create makes the log folder with generation 1 and a checkpoint at 1.
// An existing stream with the same signature is left as it is.
func (s *logStream) create() error {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	if cp, err := s.checkpoint(); err == nil && cp > 0 {
		return nil
	}
	if err := s.writeChk(1, 1); err != nil {
		return err
	}
	if err := s.newGeneration(1); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return nil
}

// newGeneration starts a generation, recording it in the checkpoint file
// first, so that a lost newest generation is known to be missing, as ESE
// knows its current log is.
func (s *logStream) newGeneration(gen uint32) error {
	if cp, newest, err := s.readChk(); err == nil && gen > newest {
		if err := s.writeChk(cp, gen); err != nil {
			return err
		}
	}
	if _, err := os.Lstat(s.logPath(gen)); err == nil {
		return fmt.Errorf("%s: %w", s.logPath(gen), os.ErrExist)
	}
	// As ESE does, the generation is made whole as Enntmp.log and then
	// given its name, so a kill never leaves a generation without its
	// header.
	tmp := filepath.Join(s.dir, s.prefix+"tmp.log")
	f, err := disk.Open(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(s.header(gen)); err != nil {
		f.Close()
		return err
	}
	// Exchange preallocates each generation to its full size; a sparse
	// file keeps the size without the disk use.
	if err := f.Truncate(LogSize); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// A link fails if the name is taken, where a rename would replace it.
	if err := os.Link(tmp, s.logPath(gen)); err != nil {
		return err
	}
	return os.Remove(tmp)
}

// Checkpoint layout: magic, CRC-32C of 12:32, the checkpoint generation,
// the stream signature, the newest generation started.
func (s *logStream) writeChk(cp, newest uint32) error {
	b := make([]byte, 32)
	copy(b, chkMagic)
	binary.LittleEndian.PutUint32(b[12:], cp)
	binary.LittleEndian.PutUint64(b[16:], s.sig)
	binary.LittleEndian.PutUint32(b[24:], newest)
	binary.LittleEndian.PutUint32(b[8:], crc32.Checksum(b[12:], castagnoli))
	return disk.WriteAtomic(s.chkPath(), b)
}

func (s *logStream) readChk() (cp, newest uint32, err error) {
	f, err := disk.Open(s.chkPath(), os.O_RDONLY, 0)
	if err != nil {
		return 0, 0, err
	}
	b, err := io.ReadAll(io.LimitReader(f, 64))
	f.Close()
	if err != nil {
		return 0, 0, err
	}
	if len(b) != 32 || string(b[:8]) != chkMagic || crc32.Checksum(b[12:], castagnoli) != binary.LittleEndian.Uint32(b[8:]) ||
		binary.LittleEndian.Uint64(b[16:]) != s.sig {
		return 0, 0, fmt.Errorf("checkpoint %s is damaged", s.chkPath())
	}
	return binary.LittleEndian.Uint32(b[12:]), binary.LittleEndian.Uint32(b[24:]), nil
}

func (s *logStream) setCheckpoint(gen uint32) error {
	_, newest, err := s.readChk()
	if err != nil {
		newest = gen
	}
	return s.writeChk(gen, max(newest, gen))
}

func (s *logStream) checkpoint() (uint32, error) {
	cp, _, err := s.readChk()
	return cp, err
}

// generations lists the generation numbers whose files are in the folder.
func (s *logStream) generations() ([]uint32, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var gens []uint32
	for _, e := range entries {
		name := e.Name()
		hex, ok := strings.CutPrefix(name, s.prefix)
		if !ok || !strings.HasSuffix(hex, ".log") || len(hex) != 12 {
			continue
		}
		if e.Type()&os.ModeSymlink != 0 {
			return nil, &LinkError{Path: filepath.Join(s.dir, name)}
		}
		n, err := strconv.ParseUint(hex[:8], 16, 32)
		if err == nil && n > 0 {
			gens = append(gens, uint32(n))
		}
	}
	slices.Sort(gens)
	return gens, nil
}

// record is one logged change and its position in the stream.
type record struct {
	LSN     uint64 // generation<<32 | byte offset
	Payload []byte
}

func lsn(gen uint32, off int) uint64 { return uint64(gen)<<32 | uint64(off) }

func lsnGeneration(l uint64) uint32 { return uint32(l >> 32) }

var errCorruptLog = errors.New("log generation is damaged")

// readGeneration returns a generation's records and the offset where the
// next record would go. A generation whose header or records fail their
// checksums is reported with errCorruptLog.
func (s *logStream) readGeneration(gen uint32) ([]record, int, error) {
	b, err := readUsed(s.logPath(gen))
	if err != nil {
		return nil, 0, err
	}
	if len(b) < logHeaderSize || string(b[:8]) != logMagic ||
		crc32.Checksum(b[12:logHeaderSize], castagnoli) != binary.LittleEndian.Uint32(b[8:]) ||
		binary.LittleEndian.Uint32(b[12:]) != gen || binary.LittleEndian.Uint64(b[16:]) != s.sig {
		return nil, 0, fmt.Errorf("%w: %s has a bad header", errCorruptLog, filepath.Base(s.logPath(gen)))
	}
	var recs []record
	off := logHeaderSize
	for off+recordHeader <= len(b) {
		n := int(binary.LittleEndian.Uint32(b[off:]))
		if n == 0 {
			break
		}
		end := off + recordHeader + n
		if end > len(b) || crc32.Checksum(b[off+recordHeader:end], castagnoli) != binary.LittleEndian.Uint32(b[off+4:]) {
			return nil, 0, fmt.Errorf("%w: %s fails its checksum at offset %d", errCorruptLog, filepath.Base(s.logPath(gen)), off)
		}
		recs = append(recs, record{LSN: lsn(gen, off), Payload: b[off+recordHeader : end]})
		off = end
	}
	return recs, off, nil
}

// readUsed reads a log generation up to the end of its records: the rest
// of the preallocated megabyte is zeros, and reading it would make every
// inspection read a megabyte per generation.
func readUsed(path string) ([]byte, error) {
	f, err := disk.Open(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Most generations hold little: start small and grow.
	b := make([]byte, 0, 2*logHeaderSize)
	off := 0 // where the next record header starts, once past the file header
	for {
		n, err := f.ReadAt(b[len(b):cap(b)], int64(len(b)))
		b = b[:len(b)+n]
		if off == 0 && len(b) >= logHeaderSize {
			off = logHeaderSize
		}
		// Walk the records now complete; stop at the terminator.
		for off > 0 && off+recordHeader <= len(b) {
			size := int(binary.LittleEndian.Uint32(b[off:]))
			if size == 0 {
				return b, nil
			}
			if off+recordHeader+size > len(b) {
				break
			}
			off += recordHeader + size
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return b, nil
			}
			return nil, err
		}
		if len(b) >= LogSize {
			return b, nil
		}
		grown := make([]byte, len(b), min(2*cap(b), LogSize))
		copy(grown, b)
		b = grown
	}
}

// append writes payloads to the current generation, starting a new one
// when it is full, and returns each record's LSN.
func (s *logStream) append(payloads ...[]byte) ([]uint64, error) {
	gens, err := s.generations()
	if err != nil {
		return nil, err
	}
	if len(gens) == 0 {
		return nil, fmt.Errorf("log folder %s holds no log generation", s.dir)
	}
	gen := gens[len(gens)-1]
	_, off, err := s.readGeneration(gen)
	if err != nil {
		return nil, err
	}
	var f *os.File
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	lsns := make([]uint64, 0, len(payloads))
	for _, p := range payloads {
		if recordHeader+len(p) > LogSize-logHeaderSize {
			return nil, fmt.Errorf("a log record of %d bytes does not fit a generation", len(p))
		}
		if off+recordHeader+len(p) > LogSize {
			if f != nil {
				f.Close()
				f = nil
			}
			gen++
			if err := s.newGeneration(gen); err != nil {
				return nil, err
			}
			off = logHeaderSize
		}
		if f == nil {
			if f, err = disk.Open(s.logPath(gen), os.O_WRONLY, 0); err != nil {
				return nil, err
			}
		}
		rec := make([]byte, recordHeader+len(p))
		binary.LittleEndian.PutUint32(rec, uint32(len(p)))
		binary.LittleEndian.PutUint32(rec[4:], crc32.Checksum(p, castagnoli))
		copy(rec[recordHeader:], p)
		if _, err := f.WriteAt(rec, int64(off)); err != nil {
			return nil, err
		}
		lsns = append(lsns, lsn(gen, off))
		off += len(rec)
	}
	return lsns, nil
}

// current is the newest generation on disk.
func (s *logStream) current() (uint32, error) {
	gens, err := s.generations()
	if err != nil || len(gens) == 0 {
		return 0, fmt.Errorf("log folder %s holds no log generation", s.dir)
	}
	return gens[len(gens)-1], nil
}

// ensureCurrent returns the newest generation, starting one when none is
// left (after a repair of a database whose logs were lost, as ESE starts
// a new log): it follows the newest the checkpoint file knows, so no
// generation number is used twice; with no checkpoint either, the
// sequence starts at 1.
func (s *logStream) ensureCurrent() (uint32, error) {
	if cur, err := s.current(); err == nil {
		// The checkpoint knows of a newer generation that is gone (the
		// current log was lost): the stream goes on after it, never back
		// into a closed one.
		if _, newest, cerr := s.readChk(); cerr == nil && newest > cur {
			next := newest + 1
			if err := s.newGeneration(next); err != nil && !errors.Is(err, os.ErrExist) {
				return 0, err
			}
			return next, nil
		}
		return cur, nil
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return 0, err
	}
	_, newest, err := s.readChk()
	if errors.Is(err, os.ErrNotExist) {
		// A folder with no log and no checkpoint (a storage group whose
		// creation was cut short, or whose logs were never started): ESE
		// starts a new sequence at generation 1 for a database in clean
		// shutdown, the only kind that is mounted without replay.
		if err := s.create(); err != nil {
			return 0, err
		}
		return 1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("the log folder %s holds no log generation, and its checkpoint cannot be read: %w", s.dir, err)
	}
	next := newest + 1
	if err := s.newGeneration(next); err != nil {
		return 0, err
	}
	return next, s.setCheckpoint(next)
}

// advanceTo starts empty generations up to gen, so that the stream's
// next change is logged in gen or later; it returns the current one.
func (s *logStream) advanceTo(gen uint32) (uint32, error) {
	cur, err := s.current()
	if err != nil {
		return 0, err
	}
	for g := cur + 1; g <= gen; g++ {
		if err := s.newGeneration(g); err != nil {
			return 0, err
		}
	}
	return max(cur, gen), nil
}

// replay calls fn for every record from generation from through the
// newest, in order. A missing or damaged generation stops it with an
// error that names the generation: soft recovery cannot skip a log.
func (s *logStream) replay(from uint32, fn func(record) error) error {
	cur, err := s.current()
	if err != nil {
		return err
	}
	for gen := from; gen <= cur; gen++ {
		recs, _, err := s.readGeneration(gen)
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("log generation %d (%s) is missing", gen, filepath.Base(s.logPath(gen)))
		}
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// inspect reports the stream's health, verifying every generation, and
// collects, for each database signature, the newest logged image of its
// catalog page from the checkpoint on (what the store shows of a database
// whose catalog change has not reached its page).
func (s *logStream) inspect() (*org.LogHealth, map[uint64]record, error) {
	catalogs := map[uint64]record{}
	h := &org.LogHealth{Prefix: s.prefix}
	if st, err := os.Stat(s.dir); err != nil || !st.IsDir() {
		return h, catalogs, nil
	}
	h.FolderExists = true
	var newest uint32
	var err error
	h.Checkpoint, newest, err = s.readChk()
	var le *LinkError
	if errors.As(err, &le) {
		return h, catalogs, err
	}
	gens, err := s.generations()
	if errors.As(err, &le) {
		return h, catalogs, err
	}
	if err != nil || len(gens) == 0 {
		for g := h.Checkpoint; g > 0 && g <= max(newest, h.Checkpoint); g++ {
			h.Missing = append(h.Missing, g) // the stream must hold its checkpoint's generation and every later one
		}
		return h, catalogs, nil
	}
	h.OnDisk = org.LogRange{Low: gens[0], High: gens[len(gens)-1]}
	present := make(map[uint32]bool, len(gens))
	h.Created = make(map[uint32]time.Time, len(gens))
	for _, g := range gens {
		present[g] = true
		recs, _, err := s.readGeneration(g)
		if err != nil {
			h.Corrupt = append(h.Corrupt, g)
			continue
		}
		if g >= h.Checkpoint {
			for _, r := range recs {
				if p := r.Payload; len(p) >= 13 && p[0] == recPageImage && binary.LittleEndian.Uint32(p[9:]) == 1 {
					catalogs[binary.LittleEndian.Uint64(p[1:])] = r
				}
			}
		}
		if t, err := s.created(g); err == nil {
			h.Created[g] = t
		}
	}
	// Generations between the checkpoint (or the oldest on disk) and the
	// newest must all be there.
	low := h.OnDisk.Low
	if h.Checkpoint > 0 && h.Checkpoint < low {
		low = h.Checkpoint
	}
	for g := low; g <= max(h.OnDisk.High, newest); g++ {
		if !present[g] {
			h.Missing = append(h.Missing, g)
		}
	}
	return h, catalogs, nil
}
