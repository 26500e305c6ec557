package ese

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exdr/exdr/providers/lab/disk"
)

// LogSize is the size of one log generation, as in Exchange 2007.
const LogSize = 1 << 20

const (
	logMagic      = "EXDRLOG1"
	chkMagic      = "EXDRCHK1"
	LogHeaderSize = 4096
	recordHeader  = 8 // length, CRC-32C
)

// Stream is a storage group's transaction log: generations
// <prefix><8 hex digits>.log and the checkpoint <prefix>.chk in dir.
type Stream struct {
	Dir    string
	Prefix string
	Sig    uint64 // the stream's signature, shared by its files and databases
	Clock  func() time.Time
}

func (s *Stream) Now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock()
}

// Created reads a generation's creation time from its header.
func (s *Stream) Created(gen uint32) (time.Time, error) {
	f, err := disk.Open(s.LogPath(gen), os.O_RDONLY, 0)
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

func (s *Stream) LogPath(gen uint32) string {
	return filepath.Join(s.Dir, fmt.Sprintf("%s%08X.log", s.Prefix, gen))
}

func (s *Stream) ChkPath() string { return filepath.Join(s.Dir, s.Prefix+".chk") }

// Log Header layout: magic, CRC-32C of 12:logHeaderSize, generation,
// stream signature, creation time (Unix nanoseconds).
func (s *Stream) Header(gen uint32) []byte {
	h := make([]byte, LogHeaderSize)
	copy(h, logMagic)
	binary.LittleEndian.PutUint32(h[12:], gen)
	binary.LittleEndian.PutUint64(h[16:], s.Sig)
	binary.LittleEndian.PutUint64(h[24:], uint64(s.Now().UnixNano()))
	binary.LittleEndian.PutUint32(h[8:], crc32.Checksum(h[12:], castagnoli))
	return h
}

// Create makes the log folder with generation 1 and a checkpoint at 1.
// An existing stream with the same signature is left as it is.
func (s *Stream) Create() error {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return err
	}
	if cp, err := s.Checkpoint(); err == nil && cp > 0 {
		return nil
	}
	if err := s.WriteChk(1, 1); err != nil {
		return err
	}
	if err := s.NewGeneration(1); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return nil
}

// NewGeneration starts a generation, recording it in the checkpoint file
// first, so that a lost newest generation is known to be missing, as ESE
// knows its current log is.
func (s *Stream) NewGeneration(gen uint32) error {
	if cp, newest, err := s.ReadChk(); err == nil && gen > newest {
		if err := s.WriteChk(cp, gen); err != nil {
			return err
		}
	}
	if _, err := os.Lstat(s.LogPath(gen)); err == nil {
		return fmt.Errorf("%s: %w", s.LogPath(gen), os.ErrExist)
	}
	// As ESE does, the generation is made whole as Enntmp.log and then
	// given its name, so a kill never leaves a generation without its
	// header.
	tmp := filepath.Join(s.Dir, s.Prefix+"tmp.log")
	f, err := disk.Open(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(s.Header(gen)); err != nil {
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
	if err := os.Link(tmp, s.LogPath(gen)); err != nil {
		return err
	}
	return os.Remove(tmp)
}

// Checkpoint layout: magic, CRC-32C of 12:32, the checkpoint generation,
// the stream signature, the newest generation started.
func (s *Stream) WriteChk(cp, newest uint32) error {
	b := make([]byte, 32)
	copy(b, chkMagic)
	binary.LittleEndian.PutUint32(b[12:], cp)
	binary.LittleEndian.PutUint64(b[16:], s.Sig)
	binary.LittleEndian.PutUint32(b[24:], newest)
	binary.LittleEndian.PutUint32(b[8:], crc32.Checksum(b[12:], castagnoli))
	return disk.WriteAtomic(s.ChkPath(), b)
}

// FileSignature is the stream signature a log generation or checkpoint
// file at path carries in its header, whatever stream reads it.
func FileSignature(path string) (uint64, error) {
	f, err := disk.Open(path, os.O_RDONLY, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	b := make([]byte, 24)
	if _, err := io.ReadFull(f, b); err != nil || string(b[:8]) != logMagic && string(b[:8]) != chkMagic {
		return 0, fmt.Errorf("%s: %w: no header", path, ErrCorruptLog)
	}
	return binary.LittleEndian.Uint64(b[16:]), nil
}

func (s *Stream) ReadChk() (cp, newest uint32, err error) {
	var room [32]byte
	b, err := disk.ReadWhole(s.ChkPath(), room[:0], int64(len(room)))
	if errors.Is(err, disk.ErrTooLarge) {
		return 0, 0, fmt.Errorf("checkpoint %s is damaged: longer than a checkpoint", s.ChkPath())
	}
	if err != nil {
		return 0, 0, err
	}
	if len(b) != 32 || string(b[:8]) != chkMagic || crc32.Checksum(b[12:], castagnoli) != binary.LittleEndian.Uint32(b[8:]) ||
		binary.LittleEndian.Uint64(b[16:]) != s.Sig {
		return 0, 0, fmt.Errorf("checkpoint %s is damaged", s.ChkPath())
	}
	return binary.LittleEndian.Uint32(b[12:]), binary.LittleEndian.Uint32(b[24:]), nil
}

func (s *Stream) SetCheckpoint(gen uint32) error {
	_, newest, err := s.ReadChk()
	if err != nil {
		newest = gen
	}
	return s.WriteChk(gen, max(newest, gen))
}

func (s *Stream) Checkpoint() (uint32, error) {
	cp, _, err := s.ReadChk()
	return cp, err
}

// tmpPath is Enntmp.log, where a generation is made before its name.
func (s *Stream) tmpPath() string { return filepath.Join(s.Dir, s.Prefix+"tmp.log") }

// tmpHolds reports whether Enntmp.log is generation gen made whole and
// not yet named (a kill between the two): its header names gen of this
// stream, and it holds no record yet.
func (s *Stream) tmpHolds(gen uint32) bool {
	b, err := ReadUsedInto(s.tmpPath(), nil)
	if err != nil {
		return false
	}
	recs, _, err := s.records(gen, b)
	return err == nil && len(recs) == 0
}

// FinishTmp gives Enntmp.log its generation's name when a kill left it
// made whole and unnamed, the checkpoint already naming that generation
// the newest, as ESE does with E00tmp.log at its next start. Left, the
// generation read as missing for good: soft recovery could not run, and
// a crash later needed a repair that lost every item (adversarial
// review). A temporary file already named (a kill after the link) goes.
func (s *Stream) FinishTmp() error {
	if _, err := os.Lstat(s.tmpPath()); err != nil {
		return nil
	}
	_, newest, err := s.ReadChk()
	if err != nil || newest == 0 {
		return nil
	}
	if _, err := os.Lstat(s.LogPath(newest)); err == nil {
		return os.Remove(s.tmpPath())
	}
	if !s.tmpHolds(newest) {
		return nil
	}
	if err := os.Link(s.tmpPath(), s.LogPath(newest)); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return os.Remove(s.tmpPath())
}

// Empty reports whether no stream is in the folder yet: no checkpoint
// and no generation (a folder that does not exist is empty).
func (s *Stream) Empty() (bool, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	gens, err := generationsIn(s, entries)
	if err != nil {
		return false, err
	}
	if _, err := os.Lstat(s.ChkPath()); err == nil || !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	return len(gens) == 0, nil
}

// Generations lists the generation numbers whose files are in the folder.
func (s *Stream) Generations() ([]uint32, error) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return nil, err
	}
	return generationsIn(s, entries)
}

// Listed is a name in a folder's listing, with its type: an fs.DirEntry,
// or an entry of the lab's survey of its disks.
type Listed interface {
	Name() string
	Type() fs.FileMode
}

func generationsIn[E Listed](s *Stream, entries []E) ([]uint32, error) {
	var gens []uint32
	for _, e := range entries {
		name := e.Name()
		hex, ok := strings.CutPrefix(name, s.Prefix)
		if !ok || !strings.HasSuffix(hex, ".log") || len(hex) != 12 {
			continue
		}
		if e.Type()&os.ModeSymlink != 0 {
			return nil, &disk.LinkError{Path: filepath.Join(s.Dir, name)}
		}
		n, err := strconv.ParseUint(hex[:8], 16, 32)
		if err == nil && n > 0 {
			gens = append(gens, uint32(n))
		}
	}
	slices.Sort(gens)
	return gens, nil
}

// Record is one logged change and its position in the stream.
type Record struct {
	LSN     uint64 // generation<<32 | byte offset
	Payload []byte
}

func MakeLSN(gen uint32, off int) uint64 { return uint64(gen)<<32 | uint64(off) }

func LSNGeneration(l uint64) uint32 { return uint32(l >> 32) }

var ErrCorruptLog = errors.New("log generation is damaged")

// ReadGeneration returns a generation's records and the offset where the
// next record would go. A generation whose header or records fail their
// checksums is reported with ErrCorruptLog.
func (s *Stream) ReadGeneration(gen uint32) ([]Record, int, error) {
	b, err := ReadUsed(s.LogPath(gen))
	if err != nil {
		return nil, 0, err
	}
	return s.records(gen, b)
}

// records parses a generation's bytes as ReadGeneration returns them.
func (s *Stream) records(gen uint32, b []byte) ([]Record, int, error) {
	if len(b) < LogHeaderSize || string(b[:8]) != logMagic ||
		crc32.Checksum(b[12:LogHeaderSize], castagnoli) != binary.LittleEndian.Uint32(b[8:]) ||
		binary.LittleEndian.Uint32(b[12:]) != gen || binary.LittleEndian.Uint64(b[16:]) != s.Sig {
		return nil, 0, fmt.Errorf("%w: %s has a bad header", ErrCorruptLog, filepath.Base(s.LogPath(gen)))
	}
	var recs []Record
	off := LogHeaderSize
	for off+recordHeader <= len(b) {
		n := int(binary.LittleEndian.Uint32(b[off:]))
		if n == 0 {
			break
		}
		end := off + recordHeader + n
		if end > len(b) || crc32.Checksum(b[off+recordHeader:end], castagnoli) != binary.LittleEndian.Uint32(b[off+4:]) {
			return nil, 0, fmt.Errorf("%w: %s fails its checksum at offset %d", ErrCorruptLog, filepath.Base(s.LogPath(gen)), off)
		}
		recs = append(recs, Record{LSN: MakeLSN(gen, off), Payload: b[off+recordHeader : end]})
		off = end
	}
	return recs, off, nil
}

// ReadUsed reads a log generation up to the end of its records: the rest
// of the preallocated megabyte is zeros, and reading it would make every
// inspection read a megabyte per generation.
func ReadUsed(path string) ([]byte, error) {
	return ReadUsedInto(path, nil)
}

// ReadUsedInto is ReadUsed reading into buf's room, grown only when the
// generation holds more: an inspection of two thousand streams reuses one
// buffer instead of allocating one per generation.
func ReadUsedInto(path string, buf []byte) ([]byte, error) {
	f, err := disk.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Most generations hold little: read a little first, and more only
	// when the records run on.
	b := buf[:0]
	if cap(b) < 2*LogHeaderSize {
		b = make([]byte, 0, 2*LogHeaderSize)
	}
	want := 2 * LogHeaderSize
	off := 0 // where the next record header starts, once past the file header
	for {
		n, err := f.ReadAt(b[len(b):want], int64(len(b)))
		b = b[:len(b)+n]
		if off == 0 && len(b) >= LogHeaderSize {
			off = LogHeaderSize
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
		want = min(2*want, LogSize)
		if want > cap(b) {
			grown := make([]byte, len(b), want)
			copy(grown, b)
			b = grown
		}
	}
}

// Append writes payloads to the current generation, starting a new one
// when it is full, and returns each record's LSN.
func (s *Stream) Append(payloads ...[]byte) ([]uint64, error) {
	gens, err := s.Generations()
	if err != nil {
		return nil, err
	}
	if len(gens) == 0 {
		return nil, fmt.Errorf("log folder %s holds no log generation", s.Dir)
	}
	gen := gens[len(gens)-1]
	_, off, err := s.ReadGeneration(gen)
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
		if recordHeader+len(p) > LogSize-LogHeaderSize {
			return nil, fmt.Errorf("a log record of %d bytes does not fit a generation", len(p))
		}
		if off+recordHeader+len(p) > LogSize {
			if f != nil {
				f.Close()
				f = nil
			}
			gen++
			if err := s.NewGeneration(gen); err != nil {
				return nil, err
			}
			off = LogHeaderSize
		}
		if f == nil {
			if f, err = disk.Open(s.LogPath(gen), os.O_WRONLY, 0); err != nil {
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
		lsns = append(lsns, MakeLSN(gen, off))
		off += len(rec)
	}
	return lsns, nil
}

// Current is the newest generation on disk.
func (s *Stream) Current() (uint32, error) {
	gens, err := s.Generations()
	if err != nil || len(gens) == 0 {
		return 0, fmt.Errorf("log folder %s holds no log generation", s.Dir)
	}
	return gens[len(gens)-1], nil
}

// EnsureCurrent returns the newest generation, starting one when none is
// left (after a repair of a database whose logs were lost, as ESE starts
// a new log): it follows the newest the checkpoint file knows, so no
// generation number is used twice; with no checkpoint either, the
// sequence starts at 1.
func (s *Stream) EnsureCurrent() (uint32, error) {
	if err := s.FinishTmp(); err != nil {
		return 0, err
	}
	if cur, err := s.Current(); err == nil {
		// The checkpoint knows of a newer generation that is gone (the
		// current log was lost): the stream goes on after it, never back
		// into a closed one.
		if _, newest, cerr := s.ReadChk(); cerr == nil && newest > cur {
			next := newest + 1
			if err := s.NewGeneration(next); err != nil && !errors.Is(err, os.ErrExist) {
				return 0, err
			}
			return next, nil
		}
		return cur, nil
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return 0, err
	}
	_, newest, err := s.ReadChk()
	if errors.Is(err, os.ErrNotExist) {
		// A folder with no log and no checkpoint (a storage group whose
		// creation was cut short, or whose logs were never started): ESE
		// starts a new sequence at generation 1 for a database in clean
		// shutdown, the only kind that is mounted without replay.
		if err := s.Create(); err != nil {
			return 0, err
		}
		return 1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("the log folder %s holds no log generation, and its checkpoint cannot be read: %w", s.Dir, err)
	}
	next := newest + 1
	if err := s.NewGeneration(next); err != nil {
		return 0, err
	}
	return next, s.SetCheckpoint(next)
}

// AdvanceTo starts empty generations up to gen, so that the stream's
// next change is logged in gen or later; it returns the current one.
func (s *Stream) AdvanceTo(gen uint32) (uint32, error) {
	cur, err := s.Current()
	if err != nil {
		return 0, err
	}
	for g := cur + 1; g <= gen; g++ {
		if err := s.NewGeneration(g); err != nil {
			return 0, err
		}
	}
	return max(cur, gen), nil
}

// Replay calls fn for every record from generation from through the
// newest, in order. A missing or damaged generation stops it with an
// error that names the generation: soft recovery cannot skip a log.
func (s *Stream) Replay(from uint32, fn func(Record) error) error {
	cur, err := s.Current()
	if err != nil {
		return err
	}
	for gen := from; gen <= cur; gen++ {
		recs, _, err := s.ReadGeneration(gen)
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("log generation %d (%s) is missing", gen, filepath.Base(s.LogPath(gen)))
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
