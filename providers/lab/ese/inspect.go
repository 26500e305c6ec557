package ese

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/disk"
)

// Inspect reports the stream's health, verifying every generation, and
// collects, for each database signature, the newest logged image of its
// catalog page from the checkpoint on (what the store shows of a database
// whose catalog change has not reached its page).
func (s *Stream) Inspect() (*org.LogHealth, map[uint64]Record, error) {
	if st, err := os.Stat(s.Dir); err != nil || !st.IsDir() {
		return &org.LogHealth{Prefix: s.Prefix}, map[uint64]Record{}, nil
	}
	entries, err := os.ReadDir(s.Dir)
	return inspect(s, entries, err)
}

// InspectListed is Inspect of a folder already listed (a survey of the
// disks), which spares the folder's own listing; exists says whether the
// folder was there.
func InspectListed[E Listed](s *Stream, entries []E, exists bool) (*org.LogHealth, map[uint64]Record, error) {
	if !exists {
		return &org.LogHealth{Prefix: s.Prefix}, map[uint64]Record{}, nil
	}
	return inspect(s, entries, nil)
}

func inspect[E Listed](s *Stream, entries []E, listErr error) (*org.LogHealth, map[uint64]Record, error) {
	catalogs := map[uint64]Record{}
	h := &org.LogHealth{Prefix: s.Prefix, Signature: s.Sig}
	h.FolderExists = true
	var newest uint32
	var err error
	h.Checkpoint, newest, err = s.ReadChk()
	var le *disk.LinkError
	if errors.As(err, &le) {
		return h, catalogs, err
	}
	var gens []uint32
	err = listErr
	if err == nil {
		gens, err = generationsIn(s, entries)
	}
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
	bp := logBuffers.Get().(*[]byte)
	defer logBuffers.Put(bp)
	for _, g := range gens {
		present[g] = true
		b, err := ReadUsedInto(s.LogPath(g), *bp)
		if err == nil {
			*bp = b[:0] // its room serves the next generation
		}
		if err == nil && len(b) >= 32 {
			// The creation time stands in the header, checksummed or not.
			h.Created[g] = time.Unix(0, int64(binary.LittleEndian.Uint64(b[24:]))).UTC()
		}
		var recs []Record
		if err == nil {
			recs, _, err = s.records(g, b)
		}
		if err != nil {
			h.Corrupt = append(h.Corrupt, g)
			continue
		}
		if g >= h.Checkpoint {
			for _, r := range recs {
				if p := r.Payload; len(p) >= 13 && p[0] == RecPageImage && binary.LittleEndian.Uint32(p[9:]) == 1 {
					r.Payload = bytes.Clone(p) // the buffer is read over by the next generation
					catalogs[binary.LittleEndian.Uint64(p[1:])] = r
				}
			}
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
			if g == newest && g > h.OnDisk.High && s.tmpHolds(g) {
				// Made whole as Enntmp.log, not yet named (a kill
				// between): the next write names it (FinishTmp), and it
				// holds nothing to lose.
				h.OnDisk.High = g
				continue
			}
			h.Missing = append(h.Missing, g)
		}
	}
	return h, catalogs, nil
}

// logBuffers hold the generations an inspection reads, one at a time.
var logBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2*LogHeaderSize); return &b }}

// RecPageImage is the type of a page image's log record, whose payload
// PageRecord writes:
//
//	0      type (1: page image)
//	1:9    database signature
//	9:13   page number
//	13:    the page's payload
const RecPageImage = 1

// PageRecord is the log record payload of a page image.
func PageRecord(sig uint64, number uint32, payload []byte) []byte {
	b := make([]byte, 13+len(payload))
	b[0] = RecPageImage
	binary.LittleEndian.PutUint64(b[1:], sig)
	binary.LittleEndian.PutUint32(b[9:], number)
	copy(b[13:], payload)
	return b
}
