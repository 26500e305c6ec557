package lang

import (
	"strings"
	"testing"
)

func TestCheckMailboxAlias(t *testing.T) {
	for _, tc := range []struct {
		alias string
		ok    bool
	}{
		{"alice", true},
		{"o'brien", true},
		{"help.desk", true},
		{"a.b.c", true},
		{"jürgen", true},
		{"ÆØÅ", true},
		{"a!#$%&*+-/=?^_`{|}~z", true},
		{"0123", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"consumer support", false},
		{"bob@contoso.com", false},
		{"x’y", false}, // U+2019: outside U+00A1-U+00FF
		{"Иван", false},
		{"a..b", false},
		{".alice", false},
		{"alice.", false},
		{".", false},
		{"a\"b", false},
		{"a(b)", false},
		{"a,b", false},
		{"a;b", false},
		{"a\\b", false},
		{"a\tb", false},
		{"a\u00a0b", false}, // the no-break space, just below U+00A1
		{"\u00a1", true},
		{"\u0100", false}, // just above U+00FF
	} {
		err := checkMailboxAlias(tc.alias)
		if (err == nil) != tc.ok {
			t.Errorf("checkMailboxAlias(%q) = %v, want ok=%v", tc.alias, err, tc.ok)
		}
	}
}
