package ems

import (
	"strings"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
)

func TestParseByteQuantifiedSize(t *testing.T) {
	tests := []struct {
		in        string
		want      org.Size
		unlimited bool
		bad       bool
	}{
		{in: "1.5 GB (1,610,612,736 bytes)", want: 1610612736},
		{in: "2 GB (2,147,483,648 bytes)", want: 2 << 30},
		{in: "0 B (0 bytes)", want: 0},
		{in: "unlimited", unlimited: true},
		{in: "Unlimited", unlimited: true},
		{in: "512", want: 512},
		{in: "lots", bad: true},
	}
	for _, tt := range tests {
		got, unl, err := ParseByteQuantifiedSize(tt.in)
		if (err != nil) != tt.bad || got != tt.want || unl != tt.unlimited {
			t.Errorf("ParseByteQuantifiedSize(%q) = %d, %v, %v", tt.in, got, unl, err)
		}
	}
}

func TestParseEnhancedTimeSpan(t *testing.T) {
	d, err := ParseEnhancedTimeSpan("14.00:00:00")
	if err != nil || d != org.Duration(14*org.Day) {
		t.Fatalf("14.00:00:00 = %v, %v", d, err)
	}
}

const mhDirty = `
Extensible Storage Engine Utilities for Microsoft(R) Exchange Server
Version 08.03
Copyright (C) Microsoft Corporation. All Rights Reserved.

Initiating FILE DUMP mode...
         Database: E:\Exchange\SG1\DB1.edb

        File Type: Database
   Format ulMagic: 0x89abcdef
 Engine ulMagic: 0x89abcdef
        DB Signature: Create time:11/20/2026 09:14:02 Rand:2781924 Computer:
         cbDbPage: 8192
           dbtime: 1882419 (0x1cb933)
            State: Dirty Shutdown
     Log Required: 41-43 (0x29-0x2b)
    Log Committed: 0-44 (0x0-0x2c)
   Streaming File: No
         Shadowed: Yes
       Last Objid: 3274
     Scrub Dbtime: 0 (0x0)
       Scrub Date: 00/00/1900 00:00:00
     Repair Count: 1
      Repair Date: 11/21/2026 10:02:11
 Old Repair Count: 0
  Last Consistent: (0x28,3F,1B)  11/24/2026 21:58:10
      Last Attach: (0x29,9,86)  11/24/2026 21:58:11
      Last Detach: (0x0,0,0)  00/00/1900 00:00:00
  Last Full Backup: Log Gen: 38-40 (0x26-0x28) - OSSnapshot
                   Mark: (0x29,8,16)
                   Mark: 11/24/2026 22:00:05
  Last Incremental Backup: Log Gen: 0-0 (0x0-0x0)
                   Mark: (0x0,0,0)
                   Mark: 00/00/1900 00:00:00

Operation completed successfully in 0.78 seconds.
`

func TestParseHeader(t *testing.T) {
	h, err := ParseHeader(mhDirty)
	if err != nil || !h.FileExists || h.State != org.StateDirty || h.LogRequired != (org.LogRange{Low: 41, High: 43}) || h.RepairCount != 1 {
		t.Fatalf("dirty: %+v, %v", h, err)
	}
	if !h.Created.Equal(time.Date(2026, 11, 20, 9, 14, 2, 0, time.UTC)) {
		t.Fatalf("DB Signature create time: %v", h.Created)
	}
	old := "DB Signature: Create time:4/5/2000 17:48:52 Rand:769046 Computer:\nState: Consistent\n"
	if h, err := ParseHeader(strings.Replace(old, "Consistent", "Clean Shutdown", 1)); err != nil || !h.Created.Equal(time.Date(2000, 4, 5, 17, 48, 52, 0, time.UTC)) {
		t.Fatalf("unpadded create time: %+v, %v", h, err)
	}
	if len(h.Backups) != 1 || h.Backups[0].Type != org.BackupFull || h.Backups[0].Logs != (org.LogRange{Low: 38, High: 40}) ||
		!h.Backups[0].Time.Equal(time.Date(2026, 11, 24, 22, 0, 5, 0, time.UTC)) {
		t.Fatalf("backup stamps: %+v", h.Backups)
	}
	clean := "            State: Clean Shutdown\n     Log Required: 0-0 (0x0-0x0)\n     Repair Count: 0\n"
	if h, err := ParseHeader(clean); err != nil || h.State != org.StateClean || !h.LogRequired.Empty() {
		t.Fatalf("clean: %+v, %v", h, err)
	}
	missing := "Operation terminated with error -1811 (JET_errFileNotFound, File not found) after 0.47 seconds."
	if h, err := ParseHeader(missing); err != nil || h.FileExists {
		t.Fatalf("missing: %+v, %v", h, err)
	}
	if _, err := ParseHeader("Access is denied."); err == nil {
		t.Fatal("unrecognised output read as a header")
	}
}
