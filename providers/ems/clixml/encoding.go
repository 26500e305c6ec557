package clixml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// toUTF8 reads a document's bytes by its byte-order mark: UTF-16LE
// (FF FE), UTF-16BE (FE FF), UTF-8 (EF BB BF), or, with none, UTF-8.
func toUTF8(raw []byte) (string, error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		le := raw[0] == 0xFF
		raw = raw[2:]
		if len(raw)%2 != 0 {
			return "", errors.New("clixml: a UTF-16 document with an odd number of bytes (cut short?)")
		}
		units := make([]uint16, len(raw)/2)
		for i := range units {
			if le {
				units[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
			} else {
				units[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
			}
		}
		return string(utf16.Decode(units)), nil
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		raw = raw[3:]
	}
	if !utf8.Valid(raw) {
		return "", errors.New("clixml: the document is not UTF-8 and has no byte-order mark (written in a console code page?)")
	}
	return string(raw), nil
}

// StreamErrors is what a person should read of powershell.exe's stderr.
// Redirected, powershell.exe writes its error, warning and progress
// records there as a "#< CLIXML" stream (<S S="Error">...</S> elements
// among <Obj S="progress"> ones); the error records' text, unescaped, is
// returned one per line. Any other stderr is returned as it is, trimmed.
func StreamErrors(stderr string) string {
	const marker = "#< CLIXML"
	s := strings.TrimLeft(stderr, "\ufeff \t\r\n")
	if !strings.HasPrefix(s, marker) {
		return strings.TrimSpace(stderr)
	}
	x := xml.NewDecoder(strings.NewReader(s[len(marker):]))
	var lines []string
	inError := false
	var text strings.Builder
	flush := func() {
		for _, l := range strings.Split(unescape(text.String()), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		text.Reset()
	}
	for {
		tok, err := x.Token()
		if err != nil {
			if inError {
				flush() // a stream cut short: what was read of the error
			}
			if err != io.EOF && len(lines) == 0 {
				return fmt.Sprintf("%s (its error stream could not be read: %v)", strings.TrimSpace(stderr), err)
			}
			return strings.Join(lines, "\n")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			inError = t.Name.Local == "S" && strings.EqualFold(attr(t, "S"), "Error")
		case xml.CharData:
			if inError {
				text.Write(t)
			}
		case xml.EndElement:
			if inError {
				flush()
				inError = false
			}
		}
	}
}
