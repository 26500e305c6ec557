package org

import "testing"

// An emptied log folder is one whose stream is known (the lab's read):
// the shell's read lists no current log and no checkpoint, and a folder
// holding only E00.log read as emptied there (review).
func TestEmptiedNeedsAKnownStream(t *testing.T) {
	if (&LogHealth{FolderExists: true}).Emptied() {
		t.Error("a folder read without its stream's signature is taken as emptied")
	}
	if !(&LogHealth{FolderExists: true, Signature: 7}).Emptied() {
		t.Error("a known stream's folder with no log and no checkpoint is not emptied")
	}
	if (&LogHealth{FolderExists: true, Signature: 7, OnDisk: LogRange{Low: 3, High: 3}}).Emptied() {
		t.Error("a folder with its current generation is taken as emptied")
	}
}
