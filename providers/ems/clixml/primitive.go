package clixml

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// primitive decodes a value element that holds text.
func (d *decoder) primitive(tag, s string) (Value, error) {
	bad := func(err error) (Value, error) {
		return Value{}, d.errorf("<%s> holds %q: %v", tag, truncate(s), err)
	}
	switch tag {
	case "S", "C", "URI", "Version", "XD", "SBK", "SS":
		if tag == "C" { // a char, as its code
			n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 16)
			if err != nil {
				return bad(err)
			}
			return Value{Kind: String, Str: string(rune(n))}, nil
		}
		return Value{Kind: String, Str: unescape(s)}, nil
	case "I32", "I64", "I16", "SB":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return bad(err)
		}
		return Value{Kind: Int, Int: n}, nil
	case "U32", "U64", "U16", "By":
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return bad(err)
		}
		return Value{Kind: Int, Int: int64(min(n, 1<<63-1)), Uint: n}, nil
	case "B":
		switch strings.TrimSpace(s) {
		case "true":
			return Value{Kind: Bool, Bool: true}, nil
		case "false":
			return Value{Kind: Bool}, nil
		}
		return bad(errors.New("not true or false"))
	case "Db", "Sg", "D":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return bad(err)
		}
		return Value{Kind: Double, Float: f, Str: strings.TrimSpace(s)}, nil
	case "DT":
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
		if err != nil {
			// PowerShell writes local times without an offset, and up
			// to seven fractional digits.
			t, err = time.Parse("2006-01-02T15:04:05.9999999", strings.TrimSpace(s))
			if err != nil {
				return bad(err)
			}
		}
		return Value{Kind: Time, Time: t}, nil
	case "TS":
		dur, err := parseISODuration(strings.TrimSpace(s))
		if err != nil {
			return bad(err)
		}
		return Value{Kind: Duration, Dur: dur}, nil
	case "G":
		return Value{Kind: Guid, Str: strings.TrimSpace(s)}, nil
	case "BA":
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return bad(err)
		}
		return Value{Kind: Bytes, Bytes: b}, nil
	}
	return Value{}, d.errorf("unknown element <%s>", tag)
}

// unescape turns PowerShell's _xHHHH_ escapes back into characters
// (_x005F_ is an underscore, so _x005F_x000A_ stays the literal text
// "_x000A_"). A malformed escape is kept as written.
func unescape(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				r := rune(n)
				// UTF-16 surrogate pairs come as two escapes.
				if r >= 0xD800 && r < 0xDC00 && i+14 <= len(s) && s[i+7] == '_' && s[i+8] == 'x' && s[i+13] == '_' {
					if lo, err := strconv.ParseUint(s[i+9:i+13], 16, 16); err == nil && lo >= 0xDC00 && lo < 0xE000 {
						b.WriteRune((r-0xD800)<<10 + (rune(lo) - 0xDC00) + 0x10000)
						i += 14
						continue
					}
				}
				b.WriteRune(r)
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// parseISODuration reads an xs:duration as PowerShell writes a TimeSpan:
// P1DT2H3M4.5S, with an optional leading minus.
func parseISODuration(s string) (time.Duration, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if !strings.HasPrefix(s, "P") || len(s) < 2 {
		return 0, errors.New("not an ISO 8601 duration")
	}
	s = s[1:]
	var total float64
	inTime := false
	for len(s) > 0 {
		if s[0] == 'T' {
			inTime = true
			s = s[1:]
			continue
		}
		i := strings.IndexAny(s, "YMWDHS")
		if i <= 0 {
			return 0, errors.New("not an ISO 8601 duration")
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil || n < 0 {
			return 0, errors.New("not an ISO 8601 duration")
		}
		unit := map[byte]float64{'D': 86400, 'H': 3600, 'S': 1, 'W': 7 * 86400, 'Y': 365 * 86400}[s[i]]
		if s[i] == 'M' {
			unit = 30 * 86400
			if inTime {
				unit = 60
			}
		}
		total += n * unit
		s = s[i+1:]
	}
	if total > float64(1<<62)/1e9 {
		return 0, errors.New("duration out of range")
	}
	d := time.Duration(total * float64(time.Second))
	if neg {
		d = -d
	}
	return d, nil
}
