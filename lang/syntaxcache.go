package lang

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/exdr/exdr/internal/hclcodec"
)

// The syntax cache keeps each file's parse tree, so that a load the
// configuration cache cannot answer (a file edited, another -var) parses
// only the files whose bytes changed and decodes the others, several
// times cheaper (internal/hclcodec). One slot per configuration folder
// holds an entry per file: its name, the SHA-256 of its bytes and its
// encoded tree. An entry is used only for a file of that name and those
// bytes; a slot written by another exdr, or that fails its checksum or
// does not decode, is ignored and written again.
//
// Only files that parsed without a diagnostic are kept. A decoded file
// keeps no hcl.File: a diagnostic in it is shown by parsing it again
// (Config.DiagnosticFiles), as for a configuration from the cache.

// syntaxFormat changes whenever the slot's layout does.
const syntaxFormat = "exdr syntax cache 2"

// syntaxSlot is the syntax cache of one configuration folder.
type syntaxSlot struct {
	path    string
	entries map[string]syntaxEntry // by file name
}

type syntaxEntry struct {
	sum     [sha256.Size]byte
	encoded string
}

// Counts of files parsed and decoded, for tests.
var filesParsed, filesDecoded atomic.Int64

func syntaxSlotPath(cacheDir, dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	sum := sha256.Sum256([]byte(syntaxFormat + "\x00" + abs))
	return filepath.Join(cacheDir, "syntax", hex.EncodeToString(sum[:]))
}

// syntaxHeader is what a slot starts with: this layout, the tree encoding
// and this exdr's build, so that no other exdr's trees are decoded.
func syntaxHeader() []byte {
	var b []byte
	for _, s := range []string{syntaxFormat, hclcodec.Format, executable()} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// readSyntaxSlot reads the slot at path (syntaxSlotPath); a slot that is
// missing, damaged or from another exdr reads as empty.
func readSyntaxSlot(path string) *syntaxSlot {
	slot := &syntaxSlot{path: path, entries: map[string]syntaxEntry{}}
	body, ok := readCacheFile(path)
	if !ok {
		return slot
	}
	header := syntaxHeader()
	if !bytes.HasPrefix(body, header) {
		return slot
	}
	// One string for the whole slot: every decoded tree's strings share it.
	data := string(body[len(header):])
	entries := map[string]syntaxEntry{}
	for len(data) > 0 {
		name, rest, ok1 := cutString(data)
		if !ok1 || len(rest) < sha256.Size {
			return slot
		}
		var e syntaxEntry
		copy(e.sum[:], rest)
		enc, rest, ok2 := cutString(rest[sha256.Size:])
		if !ok2 {
			return slot
		}
		e.encoded = enc
		entries[name] = e
		data = rest
	}
	slot.entries = entries
	markUsed(path, time.Now())
	return slot
}

// cutString reads a length-prefixed string from the front of data.
func cutString(data string) (s, rest string, ok bool) {
	n, w := binary.Uvarint([]byte(data[:min(len(data), binary.MaxVarintLen64)]))
	if w <= 0 || n > uint64(len(data)-w) {
		return "", "", false
	}
	return data[w : w+int(n)], data[w+int(n):], true
}

// lookup returns the tree cached for src, or nil.
func (s *syntaxSlot) lookup(src Source) *hclsyntax.Body {
	if s == nil {
		return nil
	}
	e, ok := s.entries[src.Filename]
	if !ok || e.sum != sha256.Sum256(src.Bytes) {
		return nil
	}
	body, err := hclcodec.Decode(e.encoded, src.Filename)
	if err != nil {
		return nil
	}
	return body
}

// encode is the entry for src parsed to body, or false when the tree
// cannot be kept.
func encodeSyntax(src Source, body *hclsyntax.Body) (syntaxEntry, bool) {
	enc, ok := hclcodec.Encode(body, src.Filename)
	if !ok {
		return syntaxEntry{}, false
	}
	return syntaxEntry{sum: sha256.Sum256(src.Bytes), encoded: string(enc)}, true
}

// write replaces the slot with entries, one per file of srcs that has one.
func (s *syntaxSlot) write(srcs []Source, entries []*syntaxEntry) {
	b := syntaxHeader()
	for i, e := range entries {
		if e == nil {
			continue
		}
		b = binary.AppendUvarint(b, uint64(len(srcs[i].Filename)))
		b = append(b, srcs[i].Filename...)
		b = append(b, e.sum[:]...)
		b = binary.AppendUvarint(b, uint64(len(e.encoded)))
		b = append(b, e.encoded...)
	}
	writeCacheFile(s.path, b)
}
