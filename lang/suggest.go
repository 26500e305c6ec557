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
	// An abbreviation ("hub" for "hub_transport") is the likeliest slip.
	if len(given) >= 2 {
		for _, c := range candidates {
			if strings.HasPrefix(c, given) {
				return fmt.Sprintf(" Did you mean %q?", c)
			}
		}
	}
	best, bestDist := "", 4
	for _, c := range candidates {
		if d := levenshtein.Distance(given, c, nil); d < bestDist {
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
