package english

import (
	"fmt"
	"strings"
)

// Plural is n and word, the word in the plural unless n is 1: "1 item",
// "2 items", "3 mailboxes", "2 recoveries".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %s", n, Pluralize(word))
}

// Pluralize is word's plural, by the rules the words exdr counts follow.
func Pluralize(word string) string {
	switch {
	case strings.HasSuffix(word, "x") || strings.HasSuffix(word, "s") || strings.HasSuffix(word, "sh") || strings.HasSuffix(word, "ch"):
		return word + "es"
	case strings.HasSuffix(word, "y") && len(word) > 1 && !strings.ContainsRune("aeiou", rune(word[len(word)-2])):
		return word[:len(word)-1] + "ies"
	}
	return word + "s"
}

// Agree is the form that agrees with n: one for 1, many otherwise
// ("is"/"are", "it"/"them").
func Agree(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
