package lang

import (
	"fmt"
	"strings"

	"github.com/agext/levenshtein"
)

// suggest returns " Did you mean "x"?" when one of the candidates is close
// to given, or "" when none is. hcl uses the same distance (3) for its own
// suggestions of attribute and block names.
func suggest(given string, candidates []string) string {
	// Never the given word itself: depends_on = [var.x] was told
	// "\"var\" is not a block type. Did you mean \"var\"?" (adversarial
	// review); a candidate equal to it is not a different one.
	var others []string
	for _, c := range candidates {
		if c != given {
			others = append(others, c)
		}
	}
	candidates = others
	// An abbreviation ("hub" for "hub_transport") is the likeliest slip.
	if len(given) >= 2 {
		for _, c := range candidates {
			if strings.HasPrefix(c, given) {
				return fmt.Sprintf(" Did you mean %q?", c)
			}
		}
	}
	// A name the candidate begins ("pgsql" for "pg").
	for _, c := range candidates {
		if len(c) >= 2 && strings.HasPrefix(given, c) {
			return fmt.Sprintf(" Did you mean %q?", c)
		}
	}
	// A slip or two (three in a name of five letters or more: "sight"
	// for "site"), and never a guess as far from the candidate as the
	// candidate is long: "nope" is not "site".
	limit := 2
	if len(given) >= 5 {
		limit = 3
	}
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := levenshtein.Distance(given, c, nil); d < bestDist && d < len(c) {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

// Suggest is suggest for the command line: a -target, a drill's name.
func Suggest(given string, candidates []string) string { return suggest(given, candidates) }
