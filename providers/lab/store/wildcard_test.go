package store

import "testing"

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"*.xlsx", "report-1.XLSX", true},
		{"*.xlsx", "report-1.xlsx.pdf", false},
		{"report?.pdf", "report7.pdf", true},
		{"report?.pdf", "report.pdf", false},
		{"*", "", true},
		{"*", "a", true},
		{"report[1].xlsx", "report[1].xlsx", true}, // brackets stand for themselves
		{"report[1].xlsx", "report1.xlsx", false},
		{"[q]*", "quarterly-8.xlsx", false},
		{"budget[.xlsx", "budget[.xlsx", true},
		{"*-8.*", "quarterly-8.xlsx", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"Q1, Q2 report.xlsx", "q1, q2 REPORT.xlsx", true},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pattern, tt.name); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}
