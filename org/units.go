package org

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration is a length of time as Exchange keeps it (an EnhancedTimeSpan).
// Its String form is Exchange's own, d.hh:mm:ss, which is what the
// Management Shell accepts.
type Duration time.Duration

const Day = 24 * time.Hour

// MaxRetention is the largest retention Exchange accepts: 24855 days, the
// span an Int32 of seconds can hold.
const MaxRetention = Duration(24855 * Day)

// ParseDuration accepts the short form an administrator writes ("14d",
// "12h", "90m", "45s", or a sum such as "1d12h") and Exchange's form
// ("14.00:00:00", "02:30:00").
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty duration")
	}
	if strings.Contains(s, ":") {
		return parseTimeSpan(s)
	}
	var total float64
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("%q is not a duration: expected a number at %q", s, rest)
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration: bad number %q", s, rest[:i])
		}
		rest = rest[i:]
		if rest == "" {
			return 0, fmt.Errorf("%q has no unit: write %sd, %sh, %sm or %ss", s, s, s, s, s)
		}
		rest = strings.TrimLeft(rest, " ")
		j := 0
		for j < len(rest) && (rest[j] >= 'a' && rest[j] <= 'z' || rest[j] >= 'A' && rest[j] <= 'Z') {
			j++
		}
		var unit time.Duration
		switch rest[:j] {
		case "d":
			unit = Day
		case "h":
			unit = time.Hour
		case "m":
			unit = time.Minute
		case "s":
			unit = time.Second
		default:
			return 0, fmt.Errorf("%q has unknown unit %q: use d, h, m or s, as in %sd", s, rest[:max(j, 1)], strings.TrimSpace(s[:len(s)-len(rest)]))
		}
		rest = rest[j:]
		total += n * float64(unit)
	}
	if total > math.MaxInt64 {
		return 0, fmt.Errorf("%q is too long", s)
	}
	return Duration(total), nil
}

// parseTimeSpan reads .NET's TimeSpan form, [d.]hh:mm[:ss[.fffffff]].
func parseTimeSpan(s string) (Duration, error) {
	// Built only when needed: the lab reads two of these per database.
	bad := func() error { return fmt.Errorf("%q is not a duration: write d.hh:mm:ss, such as 14.00:00:00", s) }
	var days int64
	clock := s
	if dot := strings.IndexByte(s, '.'); dot >= 0 && dot < strings.IndexByte(s, ':') {
		d, err := strconv.ParseInt(s[:dot], 10, 64)
		if err != nil || d < 0 {
			return 0, bad()
		}
		days, clock = d, s[dot+1:]
	}
	parts := strings.Split(clock, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, bad()
	}
	limits := [...]int64{23, 59, 59}
	units := [...]time.Duration{time.Hour, time.Minute, time.Second}
	var total time.Duration
	for i, p := range parts {
		if i == 2 {
			if frac := strings.IndexByte(p, '.'); frac >= 0 {
				p = p[:frac] // sub-second precision means nothing to retention
			}
		}
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 || n > limits[i] || len(p) != 2 {
			return 0, bad()
		}
		total += time.Duration(n) * units[i]
	}
	if days > int64(math.MaxInt64/int64(Day)) {
		return 0, fmt.Errorf("%q is too long", s)
	}
	return Duration(time.Duration(days)*Day + total), nil
}

// String renders the duration as Exchange does: 14.00:00:00, or 02:30:00
// under a day.
func (d Duration) String() string {
	t := time.Duration(d)
	neg := ""
	if t < 0 {
		neg, t = "-", -t
	}
	days := t / Day
	t -= days * Day
	h, m, s := t/time.Hour, (t%time.Hour)/time.Minute, (t%time.Minute)/time.Second
	if days > 0 {
		return fmt.Sprintf("%s%d.%02d:%02d:%02d", neg, days, h, m, s)
	}
	return fmt.Sprintf("%s%02d:%02d:%02d", neg, h, m, s)
}

// Short renders the duration in the short form: 14d, 1d12h, 90m.
func (d Duration) Short() string {
	t := time.Duration(d)
	if t == 0 {
		return "0s"
	}
	var b strings.Builder
	if t < 0 {
		b.WriteByte('-')
		t = -t
	}
	for _, u := range []struct {
		unit time.Duration
		sym  string
	}{{Day, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := t / u.unit; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.sym)
			t -= n * u.unit
		}
	}
	return b.String()
}

// Size is a number of bytes. Exchange counts sizes in binary units
// (1 GB = 1,073,741,824 bytes), and so does exdr.
type Size int64

const (
	Byte     Size = 1
	KiloByte      = 1024 * Byte
	MegaByte      = 1024 * KiloByte
	GigaByte      = 1024 * MegaByte
	TeraByte      = 1024 * GigaByte
)

var sizeUnits = []struct {
	sym  string
	size Size
}{{"TB", TeraByte}, {"GB", GigaByte}, {"MB", MegaByte}, {"KB", KiloByte}, {"B", Byte}}

// ParseSize accepts "512MB", "4GB", "1.5 GB", "100KB", "1024B" (units are
// binary and case-insensitive).
func ParseSize(s string) (Size, error) {
	t := strings.TrimSpace(s)
	upper := strings.ToUpper(t)
	for _, u := range sizeUnits {
		if !strings.HasSuffix(upper, u.sym) {
			continue
		}
		num := strings.TrimSpace(t[:len(t)-len(u.sym)])
		n, err := strconv.ParseFloat(num, 64)
		if err != nil || n < 0 || math.IsInf(n, 0) {
			return 0, fmt.Errorf("%q is not a size: write a number and a unit, such as 512MB or 4GB", s)
		}
		v := n * float64(u.size)
		if v > math.MaxInt64 {
			return 0, fmt.Errorf("%q is too large", s)
		}
		return Size(v), nil
	}
	if n, err := strconv.ParseFloat(t, 64); err == nil && n >= 0 && !math.IsInf(n, 0) {
		return 0, fmt.Errorf("%q has no unit: write it as %sMB or %sGB", s, t, t)
	}
	// Advice made of the text itself suits a number only: "huge" was told
	// to write "hugeMB" (adversarial review).
	return 0, fmt.Errorf("%q is not a size: write a number and a unit, such as 512MB or 4GB", s)
}

// String renders the size in the largest unit that keeps it exact to a
// tenth: 4GB, 1.5GB, 512MB.
func (s Size) String() string {
	for _, u := range sizeUnits {
		if s >= u.size {
			v := float64(s) / float64(u.size)
			if v == math.Trunc(v) {
				return fmt.Sprintf("%d%s", int64(v), u.sym)
			}
			return strconv.FormatFloat(v, 'f', 1, 64) + u.sym
		}
	}
	return fmt.Sprintf("%dB", int64(s))
}

// Percent is a share from 0 to 100.
type Percent float64

// ParsePercent accepts "30%" or "30".
func ParsePercent(s string) (Percent, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "%")
	n, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || n < 0 || n > 100 || math.IsNaN(n) {
		return 0, fmt.Errorf("%q is not a percentage: write a number from 0 to 100, such as \"30%%\"", s)
	}
	return Percent(n), nil
}

func (p Percent) String() string {
	return strconv.FormatFloat(float64(p), 'f', -1, 64) + "%"
}

// Truncate drops what Exchange's form cannot show: fractions of a second.
func (d Duration) Truncate() Duration {
	return Duration(time.Duration(d).Truncate(time.Second))
}
