package lab

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

func TestRecoveryStorageGroupBringsBackPurgedItems(t *testing.T) {
	l := newLab(t)
	apply(t, l, providers.VerbMount, db1)
	traffic(t, l, 6)
	full := takeBackup(t, l, org.BackupFull)
	l.DeleteItems("db1-user001", 4)
	l.Advance(20 * 24 * time.Hour) // past the 14 days: purged
	if v, d := dumpster(t, l, "db1-user001"); v != 2 || d != 0 {
		t.Fatalf("before recovery: %d visible, %d in the dumpster", v, d)
	}
	const rsg, rdb = org.Identity(`MBX01\RSG`), org.Identity(`MBX01\RSG\DB1`)
	merge := &providers.Step{Verb: providers.VerbRestoreMailbox, Identity: rsg, Args: map[string]string{
		"rsg_database": string(rdb), "mailbox": "db1-user001", "target": "db1-user001", "target_folder": "Recovered Items"}}
	steps := []*providers.Step{
		{Verb: providers.VerbCreateRecoveryGroup, Identity: rsg, Args: map[string]string{"server": "MBX01", "name": "RSG", "log_folder_path": `R:\RSG`}},
		{Verb: providers.VerbCreateRecoveryDB, Identity: rdb, Args: map[string]string{"storage_group": string(rsg), "name": "DB1", "edb_file_path": `R:\RSG\DB1.edb`, "recovery_of": string(db1)}},
		{Verb: providers.VerbAllowFileRestore, Identity: rdb, Args: map[string]string{"value": "true"}},
		{Verb: providers.VerbRestoreBackup, Identity: rdb, Args: map[string]string{"sets": full.ID}},
		{Verb: providers.VerbHardRecovery, Identity: rdb, Args: map[string]string{"roll_forward": "false"}},
		{Verb: providers.VerbMount, Identity: rdb},
		merge,
	}
	for _, s := range steps {
		for range 2 { // each step twice: a second Restore-Mailbox must copy nothing
			if err := l.Apply(context.Background(), s, nil); err != nil {
				t.Fatalf("%s: %v", s.Verb, err)
			}
		}
	}
	// A mailbox the recovery database does not hold: Restore-Mailbox
	// fails, as Exchange's does, instead of copying nothing and
	// succeeding.
	typo := &providers.Step{Verb: providers.VerbRestoreMailbox, Identity: rsg, Args: map[string]string{
		"rsg_database": string(rdb), "mailbox": "db1-user099", "target": "db1-user001", "target_folder": "Recovered Items"}}
	if err := l.Apply(context.Background(), typo, nil); err == nil || !strings.Contains(err.Error(), "holds no mailbox db1-user099") {
		t.Fatalf("a mailbox the recovery database does not hold: %v", err)
	}
	in := inspect(t, l)
	var recovered []string
	for _, it := range in.Mailboxes["db1-user001"] {
		if strings.HasPrefix(it.Folder, "Recovered Items/") {
			recovered = append(recovered, it.Subject)
		}
	}
	if in.Items() != 12-4+4 || len(recovered) != 4 || recovered[0] != "Message 1 to db1-user001" {
		t.Fatalf("after the merge: %d items, recovered %v", in.Items(), recovered)
	}
	o, _ := l.Read(context.Background())
	if len(o.RecoveryStorageGroups) != 1 || !o.RecoveryStorageGroups[0].Health.Mounted || len(o.Merges) != 1 || o.Merges[0].Items != 4 {
		t.Fatalf("live: rsg %+v, merges %+v", o.RecoveryStorageGroups, o.Merges)
	}
	for _, db := range o.Databases {
		if strings.Contains(string(db.Identity()), "RSG") {
			t.Fatalf("the recovery database is listed among production databases: %s", db.Identity())
		}
	}
	// A second recovery storage group on the server is refused.
	err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbCreateRecoveryGroup, Identity: `MBX01\RSG2`,
		Args: map[string]string{"server": "MBX01", "name": "RSG2", "log_folder_path": `R:\RSG2`}}, nil)
	if err == nil || !strings.Contains(err.Error(), "one per server") {
		t.Fatalf("second recovery storage group: %v", err)
	}
	remove := &providers.Step{Verb: providers.VerbRemoveRecoveryGroup, Identity: rsg}
	apply(t, l, remove.Verb, rsg)
	apply(t, l, remove.Verb, rsg)
	o, _ = l.Read(context.Background())
	if len(o.RecoveryStorageGroups) != 0 || len(o.Merges) != 1 {
		t.Fatalf("after removal: %d recovery groups, %d merges recorded", len(o.RecoveryStorageGroups), len(o.Merges))
	}
	// The database file is set aside in its folder, then the folder is.
	kept, _ := filepath.Glob(filepath.Join(l.DisksDir("MBX01"), "R", "exdr-aside", "*", "RSG", "exdr-aside", "*", "DB1.edb"))
	if len(kept) != 1 {
		t.Fatalf("the recovery database's file was not kept aside: %v", kept)
	}
	if _, err := os.Stat(filepath.Join(l.DisksDir("MBX01"), "R", "RSG")); !os.IsNotExist(err) {
		t.Fatalf("the recovery group's folder is still in place: %v", err)
	}
}
