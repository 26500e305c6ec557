package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestPick(t *testing.T) {
	reach := map[string]blocks{
		"wide_slow":   {"a": 5, "b": 5, "c": 5},
		"narrow_fast": {"a": 5},
		"other":       {"d": 5},
		"nothing_new": {"a": 5},
	}
	times := map[string]float64{"wide_slow": 30, "narrow_fast": 1, "other": 2, "nothing_new": 0.5}
	tests := []struct {
		target float64
		want   []string
	}{
		// narrow_fast and nothing_new both give 5 statements a second
		// (nothing_new's half second counts as one); the name first in
		// order wins the tie.
		{target: 20, want: []string{"narrow_fast"}},
		{target: 40, want: []string{"narrow_fast", "other"}},
		{target: 100, want: []string{"narrow_fast", "other", "wide_slow"}},
	}
	for _, tt := range tests {
		got, total := pick(reach, times, tt.target)
		if total != 20 {
			t.Fatalf("total = %d, want 20", total)
		}
		var names []string
		for _, p := range got {
			names = append(names, p.name)
		}
		if !reflect.DeepEqual(names, tt.want) {
			t.Errorf("target %v: picked %v, want %v", tt.target, names, tt.want)
		}
	}
}

func TestReadProfileKeepsBlocksThatRan(t *testing.T) {
	b, err := readProfile(strings.NewReader("mode: set\nx/a.go:1.2,3.4 2 1\nx/a.go:5.2,6.4 3 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (blocks{"x/a.go:1.2,3.4": 2}); !reflect.DeepEqual(b, want) {
		t.Errorf("got %v, want %v", b, want)
	}
	if _, err := readProfile(strings.NewReader("mode: set\ngarbage\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a garbled line: err = %v, want one naming line 2", err)
	}
}

func TestReadTimes(t *testing.T) {
	log := "=== RUN TestScripts\n    --- PASS: TestScripts/lock (8.88s)\n    --- FAIL: TestScripts/cli (1.5s)\n--- PASS: TestExamples (8.60s)\n"
	got, err := readTimes(strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]float64{"lock": 8.88, "cli": 1.5}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := readTimes(strings.NewReader("ok\n")); err == nil {
		t.Error("a log without -v: no error")
	}
}
