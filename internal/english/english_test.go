package english

import "testing"

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n          int
		word, want string
	}{
		{0, "item", "0 items"},
		{1, "item", "1 item"},
		{2, "log generation", "2 log generations"},
		{1, "mailbox", "1 mailbox"},
		{3, "mailbox", "3 mailboxes"},
		{2, "recovery", "2 recoveries"},
		{2, "day", "2 days"},
		{2, "key", "2 keys"},
		{2, "address", "2 addresses"},
		{2, "batch", "2 batches"},
		{-1, "step", "-1 steps"},
	} {
		if got := Plural(tc.n, tc.word); got != tc.want {
			t.Errorf("Plural(%d, %q) = %q, want %q", tc.n, tc.word, got, tc.want)
		}
	}
	if Agree(1, "is", "are") != "is" || Agree(0, "is", "are") != "are" || Agree(2, "it", "them") != "them" {
		t.Error("Agree does not agree")
	}
}
