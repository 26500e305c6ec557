package connstr

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://alice:s3cret@db.contoso.com/exdr", "postgres://alice:REDACTED@db.contoso.com/exdr"},
		{"postgres://alice@db.contoso.com/exdr", "postgres://alice@db.contoso.com/exdr"},
		{"postgres://db/exdr?password=s3cret&sslmode=require", "postgres://db/exdr?password=REDACTED&sslmode=require"},
		{"postgres://exdr:Hunter2Secret@[::1/exdr", "postgres://exdr:REDACTED@[::1/exdr"},
		{"postgres://exdr:Hunter2%zzSecret@localhost/exdr", "postgres://exdr:REDACTED@localhost/exdr"},
		{"postgres://exdr:Hunter2Secret@local host/exdr", "postgres://REDACTED"},
		{"postgresql://a:b:c@h/d", "postgresql://a:REDACTED@h/d"},
		{"postgres://exdr:p@ss@host/db", "postgres://exdr:REDACTED@host/db"},
		{"postgres://exdr@/exdr_test?host=/tmp/x&port=54329", "postgres://exdr@/exdr_test?host=/tmp/x&port=54329"},
		{"host=db user=alice password=s3cret dbname=exdr", "host=db user=alice password=REDACTED dbname=exdr"},
		{"host=db password = Hunter2Secret dbname=exdr", "host=db password = REDACTED dbname=exdr"},
		{"host=db password='Hunter2 Secret' dbname=exdr", "host=db password=REDACTED dbname=exdr"},
		{`host=db password=Hunter2\ Secret dbname=exdr`, "host=db password=REDACTED dbname=exdr"},
		{`host=db password='it\'s' dbname=exdr`, "host=db password=REDACTED dbname=exdr"},
		{"host=db PASSWORD=x", "host=db PASSWORD=REDACTED"},
		{"host=db user=alice dbname=exdr", "host=db user=alice dbname=exdr"},
		{"host=db password='unclosed", "REDACTED"},
		{"garbage with no equals Hunter2Secret", "REDACTED"},
		{"", ""},
	} {
		got := Redact(tc.in)
		if got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if strings.Contains(got, "s3cret") || strings.Contains(got, "Hunter2") || strings.Contains(got, "Secret") {
			t.Errorf("Redact(%q) leaks: %q", tc.in, got)
		}
	}
}

// FuzzRedactNeverLeaks builds connection strings of every shape libpq
// reads, with the password in each place a password goes, and holds that
// Redact never returns it, whatever the password's characters.
func FuzzRedactNeverLeaks(f *testing.F) {
	f.Add("Zq9Secret", uint8(0))
	f.Add("it's a secret", uint8(3))
	f.Add(`back\slash`, uint8(5))
	f.Fuzz(func(t *testing.T, secret string, shape uint8) {
		if len(secret) < 4 || strings.ContainsAny(secret, "\x00") {
			return
		}
		quoted := "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(secret) + "'"
		escaped := strings.NewReplacer(`\`, `\\`, "'", `\'`, " ", `\ `, "\t", "\\\t", "\n", "\\\n", "\r", "\\\r", "\f", "\\\f", "\v", "\\\v").Replace(secret)
		var s string
		switch shape % 6 {
		case 0:
			s = "host=db user=exdr password=" + escaped + " dbname=exdr"
		case 1:
			s = "host=db password = " + escaped
		case 2:
			s = "password=" + quoted + " host=db"
		case 3:
			s = "host=db PassWord =  " + quoted
		case 4:
			s = "postgres://exdr:" + url.PathEscape(secret) + "@db01/exdr"
		case 5:
			s = "postgres://db01/exdr?sslmode=require&password=" + url.QueryEscape(secret)
		}
		got := Redact(s)
		skeleton := Redact(strings.NewReplacer(secret, "", escaped, "", quoted, "''").Replace(s))
		for _, leak := range []string{secret, escaped, url.PathEscape(secret), url.QueryEscape(secret)} {
			// A leak is the password where the skeleton, the string
			// with no password, does not hold the same text.
			if len(leak) >= 4 && strings.Contains(got, leak) && !strings.Contains(skeleton, leak) {
				t.Fatalf("Redact(%q) = %q keeps the password", s, got)
			}
		}
		if Redact(got) != got {
			t.Fatalf("Redact is not idempotent on %q: %q then %q", s, got, Redact(got))
		}
	})
}
