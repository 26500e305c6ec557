package lang

import "testing"

// A suggestion is a name the person was likely reaching for, never a
// guess: a wrong "Did you mean" misleads more than none.
func TestSuggest(t *testing.T) {
	for _, tc := range []struct {
		given      string
		candidates []string
		want       string
	}{
		{"sight", []string{"site"}, ` Did you mean "site"?`},
		{"nope", []string{"site"}, ""},
		{"pgsql", []string{"pg"}, ` Did you mean "pg"?`},
		{"hub", []string{"hub_transport"}, ` Did you mean "hub_transport"?`},
		{"mailbox_databse", []string{"mailbox_database"}, ` Did you mean "mailbox_database"?`},
		{"x", []string{"pg"}, ""},
		{"bogus", []string{"out"}, ""},
	} {
		if got := Suggest(tc.given, tc.candidates); got != tc.want {
			t.Errorf("Suggest(%q, %q) = %q, want %q", tc.given, tc.candidates, got, tc.want)
		}
	}
}
