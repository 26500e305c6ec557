package ems

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
)

// Exchange's own value types reach the shell as objects whose ToString is
// all a deserialized copy reliably keeps. These read them back.

var byteQuantified = regexp.MustCompile(`^\s*[0-9.,]+\s*[KMGT]?B\s*\(([0-9,]+) bytes\)\s*$`)

// ParseByteQuantifiedSize reads "1.5 GB (1,610,612,736 bytes)" as its
// bytes; "unlimited" is unlimited (ok, with zero size).
func ParseByteQuantifiedSize(s string) (size org.Size, unlimited bool, err error) {
	if strings.EqualFold(strings.TrimSpace(s), "unlimited") {
		return 0, true, nil
	}
	m := byteQuantified.FindStringSubmatch(s)
	if m == nil {
		// Zero is written "0 B (0 bytes)"; a bare count of bytes also
		// appears.
		if n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "B")), 10, 64); err == nil && n >= 0 {
			return org.Size(n), false, nil
		}
		return 0, false, fmt.Errorf("%q is not a ByteQuantifiedSize such as \"1.5 GB (1,610,612,736 bytes)\"", s)
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(m[1], ",", ""), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%q: %w", s, err)
	}
	return org.Size(n), false, nil
}

// ParseEnhancedTimeSpan reads "14.00:00:00" (or "01:00:00").
func ParseEnhancedTimeSpan(s string) (org.Duration, error) {
	return org.ParseDuration(strings.TrimSpace(s))
}

// adObjectName is the last part of an ADObjectId's ToString: a site
// "contoso.com/Configuration/Sites/HQ" is HQ.
func adObjectName(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// Header is what eseutil /mh prints that the planner needs.
type Header struct {
	FileExists  bool
	State       org.ShutdownState
	LogRequired org.LogRange
	RepairCount int
	// Created is the DB Signature's create time: when this file was made
	// (a restore and a repair keep it; a database created anew, such as
	// a dial-tone one, has its own).
	Created time.Time
	// Backups are the backup stamps the database carries: the last full,
	// incremental and differential backup that included it.
	Backups []Stamp
}

// Stamp is one backup stamp: its type, the log generations it took and
// when (the server's clock, read as UTC).
type Stamp struct {
	Type org.BackupType
	Logs org.LogRange
	Time time.Time
}

var (
	mhState    = regexp.MustCompile(`(?m)^\s*State:\s*(.+?)\s*$`)
	mhRequired = regexp.MustCompile(`(?m)^\s*Log Required:\s*(\d+)-(\d+)`)
	mhRepair   = regexp.MustCompile(`(?m)^\s*Repair Count:\s*(\d+)`)
	// "DB Signature: Create time:12/03/2010 21:20:08 Rand:715244149
	// Computer:"; older eseutil prints the month and day unpadded.
	mhCreated = regexp.MustCompile(`(?m)^\s*DB Signature:\s*Create time:\s*(\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d:\d\d)`)
)

// ParseHeader reads eseutil /mh's output. A file eseutil cannot find
// (JET_errFileNotFound, -1811) reads as missing; output it does not
// recognise is an error.
func ParseHeader(out string) (*Header, error) {
	if strings.Contains(out, "-1811") || strings.Contains(out, "JET_errFileNotFound") {
		return &Header{}, nil
	}
	m := mhState.FindStringSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("eseutil /mh printed no State line: %q", firstLine(out))
	}
	h := &Header{FileExists: true}
	switch strings.ToLower(m[1]) {
	case "clean shutdown":
		h.State = org.StateClean
	case "dirty shutdown":
		h.State = org.StateDirty
	default:
		return nil, fmt.Errorf("eseutil /mh: unknown State %q", m[1])
	}
	if r := mhRequired.FindStringSubmatch(out); r != nil {
		lo, _ := strconv.ParseUint(r[1], 10, 32)
		hi, _ := strconv.ParseUint(r[2], 10, 32)
		if lo > 0 || hi > 0 {
			h.LogRequired = org.LogRange{Low: uint32(lo), High: uint32(hi)}
		}
	}
	if r := mhRepair.FindStringSubmatch(out); r != nil {
		h.RepairCount, _ = strconv.Atoi(r[1])
	}
	if r := mhCreated.FindStringSubmatch(out); r != nil {
		// The server's clock, read as UTC like the backup stamps it is
		// compared with.
		if t, err := time.Parse("1/2/2006 15:04:05", r[1]); err == nil {
			h.Created = t.UTC()
		}
	}
	for _, m := range mhBackup.FindAllStringSubmatch(out, -1) {
		lo, _ := strconv.ParseUint(m[2], 10, 32)
		hi, _ := strconv.ParseUint(m[3], 10, 32)
		t, err := time.Parse("01/02/2006 15:04:05", m[4])
		if err != nil || hi == 0 {
			continue // 00/00/1900: never
		}
		h.Backups = append(h.Backups, Stamp{Type: org.BackupType(strings.ToLower(m[1])), Logs: org.LogRange{Low: uint32(lo), High: uint32(hi)}, Time: t.UTC()})
	}
	return h, nil
}

// mhBackup is a "Last Full Backup" block: the Log Gen line, then two
// Mark lines, the second a date.
var mhBackup = regexp.MustCompile(`(?m)^\s*Last (Full|Incremental|Differential) Backup:\s*Log Gen:\s*(\d+)-(\d+)[^\n]*\n\s*Mark:[^\n]*\n\s*Mark:\s*(\d\d/\d\d/\d{4} \d\d:\d\d:\d\d)`)

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
