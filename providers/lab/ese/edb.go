package ese

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/disk"
)

// PageSize is the size of every page, as in Exchange 2007's ESE.
const PageSize = 8192

// InitialPages is how many data pages a new database starts with: its
// catalog and room for its first folders.
const InitialPages = 7

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const edbMagic = "EXDREDB1"

// Header page layout, little-endian:
//
//	0:8    magic "EXDREDB1"
//	8:12   CRC-32C of bytes 12:PageSize
//	12     state (1 clean, 2 dirty)
//	13     kind (1 mailbox, 2 public folder)
//	16:24  database signature: this file's lineage
//	24:28  data page count
//	28:32  log required, low generation
//	32:36  log required, high generation
//	36:40  repair count
//	40:48  log stream signature of the storage group it belongs to
//	48:56  created, Unix nanoseconds
//	56:64  last full backup, Unix nanoseconds (0: never)
//	64:72  last incremental backup
//	72:80  last differential backup
//	80:88  attach position: the LSN the database was last attached at;
//	       recovery never applies a record older than it
//	88:90  identity length, then the identity
type Header struct {
	State       org.ShutdownState
	Kind        org.DatabaseKind
	Signature   uint64
	Pages       uint32
	LogRequired org.LogRange
	RepairCount uint32
	LogStream   uint64
	Created     int64
	LastFull    int64
	LastIncr    int64
	LastDiff    int64
	AttachLSN   uint64
	Identity    string
}

func (h *Header) Encode() []byte {
	p := make([]byte, PageSize)
	copy(p, edbMagic)
	p[12] = byte(h.State)
	p[13] = byte(h.Kind)
	binary.LittleEndian.PutUint64(p[16:], h.Signature)
	binary.LittleEndian.PutUint32(p[24:], h.Pages)
	binary.LittleEndian.PutUint32(p[28:], h.LogRequired.Low)
	binary.LittleEndian.PutUint32(p[32:], h.LogRequired.High)
	binary.LittleEndian.PutUint32(p[36:], h.RepairCount)
	binary.LittleEndian.PutUint64(p[40:], h.LogStream)
	binary.LittleEndian.PutUint64(p[48:], uint64(h.Created))
	binary.LittleEndian.PutUint64(p[56:], uint64(h.LastFull))
	binary.LittleEndian.PutUint64(p[64:], uint64(h.LastIncr))
	binary.LittleEndian.PutUint64(p[72:], uint64(h.LastDiff))
	binary.LittleEndian.PutUint64(p[80:], h.AttachLSN)
	binary.LittleEndian.PutUint16(p[88:], uint16(len(h.Identity)))
	copy(p[90:], h.Identity)
	binary.LittleEndian.PutUint32(p[8:], crc32.Checksum(p[12:], castagnoli))
	return p
}

var ErrBadHeader = errors.New("database header is damaged")

func DecodeHeader(p []byte) (*Header, error) {
	if len(p) < PageSize || string(p[:8]) != edbMagic {
		return nil, fmt.Errorf("%w: not an exdr lab database", ErrBadHeader)
	}
	if crc32.Checksum(p[12:PageSize], castagnoli) != binary.LittleEndian.Uint32(p[8:]) {
		return nil, fmt.Errorf("%w: its checksum fails", ErrBadHeader)
	}
	n := int(binary.LittleEndian.Uint16(p[88:]))
	if 90+n > PageSize {
		return nil, fmt.Errorf("%w: identity overruns the page", ErrBadHeader)
	}
	return &Header{
		State:       org.ShutdownState(p[12]),
		Kind:        org.DatabaseKind(p[13]),
		Signature:   binary.LittleEndian.Uint64(p[16:]),
		Pages:       binary.LittleEndian.Uint32(p[24:]),
		LogRequired: org.LogRange{Low: binary.LittleEndian.Uint32(p[28:]), High: binary.LittleEndian.Uint32(p[32:])},
		RepairCount: binary.LittleEndian.Uint32(p[36:]),
		LogStream:   binary.LittleEndian.Uint64(p[40:]),
		Created:     int64(binary.LittleEndian.Uint64(p[48:])),
		LastFull:    int64(binary.LittleEndian.Uint64(p[56:])),
		LastIncr:    int64(binary.LittleEndian.Uint64(p[64:])),
		LastDiff:    int64(binary.LittleEndian.Uint64(p[72:])),
		AttachLSN:   binary.LittleEndian.Uint64(p[80:]),
		Identity:    string(p[90 : 90+n]),
	}, nil
}

// Data page layout:
//
//	0:4    CRC-32C of bytes 4:PageSize
//	4:8    page number
//	8:16   database signature
//	16:24  LSN of the last change applied (generation<<32 | offset)
//	24:26  payload length
//	26:    payload
const PageHeaderSize = 26

// MaxPayload is the most a page can hold.
const MaxPayload = PageSize - PageHeaderSize

type Page struct {
	Number    uint32
	Signature uint64
	LSN       uint64
	Payload   []byte
}

func (pg *Page) Encode() []byte {
	p := make([]byte, PageSize)
	binary.LittleEndian.PutUint32(p[4:], pg.Number)
	binary.LittleEndian.PutUint64(p[8:], pg.Signature)
	binary.LittleEndian.PutUint64(p[16:], pg.LSN)
	binary.LittleEndian.PutUint16(p[24:], uint16(len(pg.Payload)))
	copy(p[PageHeaderSize:], pg.Payload)
	binary.LittleEndian.PutUint32(p[0:], crc32.Checksum(p[4:], castagnoli))
	return p
}

// DecodePage checks a page's checksum and returns it; ok is false when the
// checksum fails or the page belongs to another database.
func DecodePage(p []byte, number uint32, sig uint64) (pg *Page, ok bool) {
	if crc32.Checksum(p[4:PageSize], castagnoli) != binary.LittleEndian.Uint32(p[0:]) {
		return nil, false
	}
	pg = &Page{
		Number:    binary.LittleEndian.Uint32(p[4:]),
		Signature: binary.LittleEndian.Uint64(p[8:]),
		LSN:       binary.LittleEndian.Uint64(p[16:]),
	}
	n := int(binary.LittleEndian.Uint16(p[24:]))
	if pg.Number != number || pg.Signature != sig || PageHeaderSize+n > PageSize {
		return nil, false
	}
	pg.Payload = bytes.Clone(p[PageHeaderSize : PageHeaderSize+n])
	return pg, true
}

// PageValid is DecodePage's check without the copy, for scans.
func PageValid(p []byte, number uint32, sig uint64) bool {
	return crc32.Checksum(p[4:PageSize], castagnoli) == binary.LittleEndian.Uint32(p[0:]) &&
		binary.LittleEndian.Uint32(p[4:]) == number && binary.LittleEndian.Uint64(p[8:]) == sig &&
		PageHeaderSize+int(binary.LittleEndian.Uint16(p[24:])) <= PageSize
}

// File is an open database file, or one read whole into memory for
// inspection (FromBytes), which has no Handle.
type File struct {
	Handle *os.File
	Hdr    *Header
	data   []byte // the whole file, when read whole
}

// FromBytes is a database file read whole: its header decoded, its pages
// served from data, which the File keeps (and the caller must not reuse
// while the File is in use).
func FromBytes(data []byte) (*File, error) {
	if len(data) < PageSize {
		return nil, fmt.Errorf("%w: %v", ErrBadHeader, io.ErrUnexpectedEOF)
	}
	hdr, err := DecodeHeader(data[:PageSize])
	if err != nil {
		return nil, err
	}
	return &File{Hdr: hdr, data: data}, nil
}

// ReadAt reads the file at off, from memory for a file read whole.
func (e *File) ReadAt(p []byte, off int64) (int, error) {
	if e.Handle != nil {
		return e.Handle.ReadAt(p, off)
	}
	if off >= int64(len(e.data)) {
		return 0, io.EOF
	}
	n := copy(p, e.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func OpenEDB(path string, write bool) (*File, error) {
	flag := os.O_RDONLY
	if write {
		flag = os.O_RDWR
	}
	f, err := disk.Open(path, flag, 0)
	if err != nil {
		return nil, err
	}
	p := make([]byte, PageSize)
	if _, err := io.ReadFull(f, p); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %v", ErrBadHeader, err)
	}
	hdr, err := DecodeHeader(p)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &File{Handle: f, Hdr: hdr}, nil
}

func (e *File) Close() error {
	if e.Handle == nil {
		return nil
	}
	return e.Handle.Close()
}

func (e *File) WriteHeader() error {
	_, err := e.Handle.WriteAt(e.Hdr.Encode(), 0)
	return err
}

func (e *File) ReadPage(n uint32) (*Page, bool, error) {
	if e.Handle == nil {
		off := int64(n) * PageSize
		if off+PageSize > int64(len(e.data)) {
			return nil, false, nil // a truncated file: the page is as good as corrupt
		}
		pg, ok := DecodePage(e.data[off:off+PageSize], n, e.Hdr.Signature)
		return pg, ok, nil
	}
	p := make([]byte, PageSize)
	if _, err := e.Handle.ReadAt(p, int64(n)*PageSize); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, false, nil // a truncated file: the page is as good as corrupt
		}
		return nil, false, err
	}
	pg, ok := DecodePage(p, n, e.Hdr.Signature)
	return pg, ok, nil
}

func (e *File) WritePage(pg *Page) error {
	_, err := e.Handle.WriteAt(pg.Encode(), int64(pg.Number)*PageSize)
	return err
}

// Scan verifies every data page's checksum, as eseutil /k does, reading
// the file in large chunks.
func (e *File) Scan() (bad []uint32, err error) {
	if e.Handle == nil {
		for n := uint32(1); n <= e.Hdr.Pages; n++ {
			off := int(n) * PageSize
			if off+PageSize > len(e.data) || !PageValid(e.data[off:off+PageSize], n, e.Hdr.Signature) {
				bad = append(bad, n)
			}
		}
		return bad, nil
	}
	const chunkPages = 64
	bp := scanBuffers.Get().(*[]byte)
	defer scanBuffers.Put(bp)
	buf := *bp
	for first := uint32(1); first <= e.Hdr.Pages; first += chunkPages {
		n := min(chunkPages, e.Hdr.Pages-first+1)
		got, err := e.Handle.ReadAt(buf[:int(n)*PageSize], int64(first)*PageSize)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		for i := uint32(0); i < n; i++ {
			off := int(i) * PageSize
			if off+PageSize > got {
				bad = append(bad, first+i)
				continue
			}
			if !PageValid(buf[off:off+PageSize], first+i, e.Hdr.Signature) {
				bad = append(bad, first+i)
			}
		}
	}
	return bad, nil
}

var scanBuffers = sync.Pool{New: func() any {
	b := make([]byte, 64*PageSize)
	return &b
}}

// NewestChange is the log position of the newest change any page holds.
func (e *File) NewestChange() (uint64, error) {
	newest := e.Hdr.AttachLSN
	h := make([]byte, PageHeaderSize)
	for n := uint32(1); n <= e.Hdr.Pages; n++ {
		if _, err := e.ReadAt(h, int64(n)*PageSize); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return 0, err
		}
		newest = max(newest, binary.LittleEndian.Uint64(h[16:]))
	}
	return newest, nil
}

// CreateEDB writes a new, clean database file with empty pages. It refuses
// to replace a file that exists.
func CreateEDB(path string, hdr *Header, pages ...*Page) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := disk.Open(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	hdr.Pages = InitialPages
	hdr.State = org.StateClean
	var b bytes.Buffer
	b.Write(hdr.Encode())
	given := make(map[uint32]*Page, len(pages))
	for _, pg := range pages {
		given[pg.Number] = pg
	}
	for n := uint32(1); n <= hdr.Pages; n++ {
		pg := given[n]
		if pg == nil {
			pg = &Page{Number: n, Signature: hdr.Signature}
		}
		b.Write(pg.Encode())
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
