package org

import "testing"

// A database that could not be read is not a missing one: a plan saved
// while its file could not be read must be refused once the file reads
// as missing (it planned nothing for it). Before, both were "missing".
func TestUnreadableIsNotMissing(t *testing.T) {
	unreadable := (&Database{Health: &DatabaseHealth{Unreadable: "MBX01 does not answer"}}).Facts()
	missing := (&Database{Health: &DatabaseHealth{}}).Facts()
	if unreadable["file"] == missing["file"] {
		t.Fatalf("both read file = %q", missing["file"])
	}
}

// A saved plan is refused when its facts moved: a storage group's copy's
// state is one of them (a plan that activates or seeds a copy depends on
// it), how far it has copied is not (it moves with every generation).
func TestStorageGroupFactsHoldTheCopysState(t *testing.T) {
	sg := &StorageGroup{Name: "SG1", Server: "MBX01", LogFolderPath: `D:\SG1`,
		Copy: &StandbyCopy{Machine: "MBX02", Health: &CopyHealth{Status: "Healthy", SourceUp: false, LastCopied: 7}}}
	before := sg.Facts()
	sg.Copy.Health.LastCopied = 9
	if after := sg.Facts(); after["copy_status"] != before["copy_status"] || len(after) != len(before) {
		t.Errorf("facts moved with the generations copied: %v, %v", before, after)
	}
	sg.Copy.Health.Status, sg.Copy.Health.Error = "Failed", "the copy of MBX01\\SG1\\DB1 cannot be read"
	if after := sg.Facts(); after["copy_status"] == before["copy_status"] || after["copy_error"] == "" {
		t.Errorf("facts did not move with the copy's state: %v, %v", before, after)
	}
}
