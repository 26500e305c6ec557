package planner

import (
	"strings"
	"testing"

	"github.com/exdr/exdr/org"
)

// A server missing from the directory is built when nothing shows it ever
// existed, and refused when mailboxes or backups still name it.
func TestServerMissingFromDirectory(t *testing.T) {
	for _, tt := range []struct {
		name    string
		live    func(o *org.Org)
		refused string
	}{
		{"never built", func(*org.Org) {}, ""},
		{"a mailbox homed on it", func(o *org.Org) {
			o.Mailboxes = []*org.Mailbox{{Name: "alice", Database: `MBX01\SG1\DB1`, Health: &org.MailboxHealth{InDirectory: true}}}
		}, "1 mailbox is homed on its databases"},
		{"a mailbox homed elsewhere", func(o *org.Org) {
			o.Mailboxes = []*org.Mailbox{{Name: "alice", Database: `MBX010\SG1\DB1`, Health: &org.MailboxHealth{InDirectory: true}}}
		}, ""},
		{"backups of its storage groups", func(o *org.Org) {
			o.Backups = []*org.BackupSet{{ID: "a", StorageGroup: `MBX01\SG1`}, {ID: "b", StorageGroup: `mbx01\SG2`}}
		}, "the backup catalog holds 2 sets of its storage groups"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			live := &org.Org{Name: "Contoso"}
			tt.live(live)
			p, diags := New(desiredOrg(), live, Options{AllowDataLoss: true})
			if tt.refused == "" {
				if diags.HasErrors() || !strings.HasPrefix(ids(p), "server.MBX01:create_server") {
					t.Fatalf("got %s / %v, want a fresh build", ids(p), diags)
				}
				return
			}
			if !diags.HasErrors() || diags[0].Summary != "Server missing from Active Directory" || !strings.Contains(diags[0].Detail, tt.refused) {
				t.Fatalf("got %v, want a refusal saying %q", diags, tt.refused)
			}
		})
	}
}
