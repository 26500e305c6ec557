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
