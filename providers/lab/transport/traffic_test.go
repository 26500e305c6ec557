package transport

import (
	"strings"
	"testing"
)

// Traffic's aliases are ones Exchange 2007 accepts, and so ones a
// configuration may declare (exdr generate writes them).
func TestMailboxNameIsAValidAlias(t *testing.T) {
	for db, want := range map[string]string{
		"DB1":                      "db1-user001",
		"Mailbox Database (Sales)": "mailbox-database--sales--user001",
		"O'Brien@HQ":               "o-brien-hq-user001",
		".hidden..db":              "-hidden.-db-user001",
		"Jürgen":                   "jürgen-user001",
		"Иван":                     "-----user001",
	} {
		got := MailboxName(db, 1)
		if got != want {
			t.Errorf("MailboxName(%q) = %q, want %q", db, got, want)
		}
		if strings.ContainsAny(got, " ()@'") || strings.HasPrefix(got, ".") || strings.Contains(got, "..") {
			t.Errorf("MailboxName(%q) = %q, which Exchange refuses as an alias", db, got)
		}
	}
}
