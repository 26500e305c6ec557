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
	// Snapshot is set for a VSS backup ("- OSSnapshot" or "- Snapshot"
	// after the Log Gen line): restored without restore.env.
	Snapshot bool
}

// UnreadableError is eseutil /mh failing on a file that is there: held
// by store.exe while mounted (-1032, JET_errFileAccessDenied), by backup
// software, or damaged past reading its header. The database's state is
// then unknown, which is not the same as missing.
type UnreadableError struct {
	Why string // eseutil's own words
}

func (e *UnreadableError) Error() string { return "eseutil /mh cannot read the file: " + e.Why }

var (
	mhState    = regexp.MustCompile(`(?m)^\s*State:\s*(.+?)\s*$`)
	mhRequired = regexp.MustCompile(`(?m)^\s*Log Required:\s*(\d+)-(\d+)`)
	mhRepair   = regexp.MustCompile(`(?m)^\s*Repair Count:\s*(\d+)`)
	// "DB Signature: Create time:12/03/2010 21:20:08 Rand:715244149
	// Computer:"; older eseutil prints the month and day unpadded.
	mhCreated = regexp.MustCompile(`(?m)^\s*DB Signature:\s*Create time:\s*(\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d:\d\d)`)
)

// ParseHeader reads eseutil /mh's output. A file eseutil cannot find
// (JET_errFileNotFound, -1811) reads as missing; any other failure, or
// output it does not recognise, is an *UnreadableError: the state is
// unknown.
func ParseHeader(out string) (*Header, error) {
	if mhNotFound.MatchString(out) {
		return &Header{}, nil
	}
	if m := mhTerminated.FindStringSubmatch(out); m != nil {
		return nil, &UnreadableError{Why: strings.TrimSpace(m[1])}
	}
	m := mhState.FindStringSubmatch(out)
	if m == nil {
		return nil, &UnreadableError{Why: fmt.Sprintf("it printed no State line: %q", firstLine(out))}
	}
	h := &Header{FileExists: true}
	switch strings.ToLower(m[1]) {
	case "clean shutdown":
		h.State = org.StateClean
	case "dirty shutdown":
		h.State = org.StateDirty
	default:
		return nil, &UnreadableError{Why: fmt.Sprintf("unknown State %q", m[1])}
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
		t, err := time.Parse("01/02/2006 15:04:05.999", m[5])
		if err != nil || hi == 0 {
			continue // 00/00/1900: never
		}
		h.Backups = append(h.Backups, Stamp{Type: org.BackupType(strings.ToLower(m[1])), Logs: org.LogRange{Low: uint32(lo), High: uint32(hi)},
			Time: t.UTC(), Snapshot: strings.Contains(m[4], "Snapshot")})
	}
	return h, nil
}

// mhBackup is one "Previous Full Backup:" block as ESE prints it
// (DUMPPrintBkinfo in dev/ese/src/ese/dbdump.cxx): the heading alone on
// its line, then "Log Gen: low-high (hex)" with " - OSSnapshot" or
// " - Snapshot" for a VSS backup, then two Mark lines, the second a date
// (later builds add milliseconds and " UTC" or " LOC"). "Current Full
// Backup" is a backup under way, not one that finished.
var mhBackup = regexp.MustCompile(`(?m)^[ \t]*Previous (Full|Incremental|Copy|Differential) Backup:[ \t]*\r?\n[ \t]*Log Gen:[ \t]*(\d+)-(\d+)([^\n]*)\n[ \t]*Mark:[^\n]*\n[ \t]*Mark:[ \t]*(\d\d/\d\d/\d{4} \d\d:\d\d:\d\d(?:\.\d+)?)`)

// mhTerminated is eseutil's last line when it failed: "Operation
// terminated with error -1032 (JET_errFileAccessDenied, ...) after 10.31
// seconds."
// mhNotFound is eseutil's error for a file that is not there; "-1811"
// alone is also a generation (Log Required: 1811-1811) or part of a path
// (adversarial review).
var mhNotFound = regexp.MustCompile(`(?m)(^\s*Operation terminated with error -1811\b|failed with Jet error -1811\b|JET_errFileNotFound)`)

var mhTerminated = regexp.MustCompile(`(?m)^\s*Operation terminated with (error -?\d+[^\r\n]*?)(?: after [\d.]+ seconds\.)?\s*$`)

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
