package org

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"14d", 14 * Day, ""},
		{"12h", 12 * time.Hour, ""},
		{"90m", 90 * time.Minute, ""},
		{"45s", 45 * time.Second, ""},
		{"1d12h", 36 * time.Hour, ""},
		{"1.5d", 36 * time.Hour, ""},
		{"2 h", 2 * time.Hour, ""},
		{"0d", 0, ""},
		{"14.00:00:00", 14 * Day, ""},
		{"30.00:00:00", 30 * Day, ""},
		{"02:30:00", 150 * time.Minute, ""},
		{"1.02:03:04", Day + 2*time.Hour + 3*time.Minute + 4*time.Second, ""},
		{"00:00:01.5000000", time.Second, ""},
		{"24855.00:00:00", 24855 * Day, ""},
		{"", 0, "empty"},
		{"14", 0, "no unit"},
		{"14 days", 0, `unknown unit "days"`},
		{"14w", 0, `unknown unit "w"`},
		{"d", 0, "expected a number"},
		{"14.25:00:00", 0, "d.hh:mm:ss"},
		{"1:2:3", 0, "d.hh:mm:ss"},
		{"-1.00:00:00", 0, "d.hh:mm:ss"},
		{"99999999999999d", 0, "too long"},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseDuration(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || time.Duration(got) != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, time.Duration(got), err, tt.want)
		}
	}
}

func TestDurationString(t *testing.T) {
	tests := []struct {
		d           time.Duration
		exch, short string
	}{
		{14 * Day, "14.00:00:00", "14d"},
		{36 * time.Hour, "1.12:00:00", "1d12h"},
		{90 * time.Minute, "01:30:00", "1h30m"},
		{0, "00:00:00", "0s"},
		{-2 * time.Hour, "-02:00:00", "-2h"},
	}
	for _, tt := range tests {
		if got := Duration(tt.d).String(); got != tt.exch {
			t.Errorf("Duration(%v).String() = %q, want %q", tt.d, got, tt.exch)
		}
		if got := Duration(tt.d).Short(); got != tt.short {
			t.Errorf("Duration(%v).Short() = %q, want %q", tt.d, got, tt.short)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    Size
		wantErr bool
	}{
		{"512MB", 512 * MegaByte, false},
		{"4GB", 4 * GigaByte, false},
		{"4gb", 4 * GigaByte, false},
		{"1.5 GB", 1536 * MegaByte, false},
		{"100KB", 100 * KiloByte, false},
		{"1TB", TeraByte, false},
		{"1024B", 1024, false},
		{"4", 0, true},
		{"GB", 0, true},
		{"-1GB", 0, true},
		{"4 PB", 0, true},
		{"99999999999TB", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseSize(%q) = %v, %v; want %v (error %v)", tt.in, int64(got), err, int64(tt.want), tt.wantErr)
		}
	}
}

func TestSizeString(t *testing.T) {
	tests := map[Size]string{4 * GigaByte: "4GB", 1536 * MegaByte: "1.5GB", 512 * MegaByte: "512MB", 10: "10B", 0: "0B"}
	for s, want := range tests {
		if got := s.String(); got != want {
			t.Errorf("Size(%d).String() = %q, want %q", int64(s), got, want)
		}
	}
}

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in      string
		want    Percent
		wantErr bool
	}{
		{"30%", 30, false}, {"30", 30, false}, {"0%", 0, false}, {"100%", 100, false}, {"12.5%", 12.5, false},
		{"101%", 0, true}, {"-1%", 0, true}, {"half", 0, true}, {"NaN", 0, true},
	}
	for _, tt := range tests {
		got, err := ParsePercent(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParsePercent(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if got := Percent(30).String(); got != "30%" {
		t.Errorf("Percent(30).String() = %q", got)
	}
}

// FuzzParseDuration: any input parses or fails cleanly, and what parses
// survives the round trip through Exchange's form.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"14d", "1d12h", "14.00:00:00", "02:30:00", "1.5d", "00:00:01.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		d = d.Truncate()
		back, err := ParseDuration(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDuration(%q) = %v; its String %q parses to %v, %v", s, d, d.String(), back, err)
		}
	})
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"4GB", "1.5 GB", "512mb", "1024B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := ParseSize(s); err == nil && n < 0 {
			t.Fatalf("ParseSize(%q) = %d, a negative size", s, n)
		}
	})
}

// The advice of a size without a unit is made of its number; other text
// is told to write a number and a unit (it was told to write "hugeMB").
func TestParseSizeAdvice(t *testing.T) {
	for in, want := range map[string]string{
		"4":    `"4" has no unit: write it as 4MB or 4GB`,
		"huge": `"huge" is not a size: write a number and a unit, such as 512MB or 4GB`,
		"5 G":  `"5 G" is not a size: write a number and a unit, such as 512MB or 4GB`,
	} {
		if _, err := ParseSize(in); err == nil || err.Error() != want {
			t.Errorf("ParseSize(%q): %v, want %q", in, err, want)
		}
	}
}
