package main

import (
	"os"
	"strings"
	"testing"
)

// The README is read top to bottom by a newcomer: no section is there
// twice (an edit once copied four sections below the one it replaced).
func TestREADMESectionsAreUnique(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for i, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "## ") && !strings.HasPrefix(line, "### ") {
			continue
		}
		if first, dup := seen[line]; dup {
			t.Errorf("README.md:%d repeats the heading of line %d: %s", i+1, first, line)
		}
		seen[line] = i + 1
	}
}
