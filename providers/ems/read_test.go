package ems

import (
	"os"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/ems/clixml"
)

// The read script's output, written by hand from the documented
// properties, maps onto the organization.
func TestReadFixture(t *testing.T) {
	f, err := os.Open("testdata/read.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vals, err := clixml.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	o, err := fromCliXML(vals)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Now.Equal(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("the shell's clock: %v", o.Now)
	}
	ix := org.NewIndex(o)
	s := ix.Server("HUB01")
	if s == nil || !s.Roles.Has(org.RoleMailbox) || !s.Roles.Has(org.RoleHubTransport) || !s.Roles.Has(org.RoleClientAccess) ||
		s.Site != "HQ" || s.Edition != org.EditionEnterprise || !s.Health.Up {
		t.Fatalf("server: %+v", s)
	}
	sg := ix.StorageGroup(`HUB01\SG1`)
	if sg == nil || sg.LogFolderPath != `D:\Exchange\SG1` || !sg.Health.FolderExists || sg.Health.OnDisk != (org.LogRange{Low: 0x29, High: 0x2c}) ||
		len(sg.Health.Missing) != 1 || sg.Health.Missing[0] != 0x2b {
		t.Fatalf("storage group: %+v %+v", sg, sg.Health)
	}
	db := ix.Database(`HUB01\SG1\DB1`)
	if db == nil || db.Health.Mounted || !db.Health.FileExists || db.Health.State != org.StateDirty || db.Health.LogRequired != (org.LogRange{Low: 41, High: 43}) ||
		db.DeletedItemRetention.Short() != "14d" || !*db.RetainDeletedItemsUntilBackup {
		t.Fatalf("database: %+v %+v", db, db.Health)
	}
	if len(o.Backups) != 1 || o.Backups[0].Type != org.BackupFull || o.Backups[0].Covers != 40 || !o.Backups[0].Time.Equal(time.Date(2026, 11, 24, 22, 0, 5, 0, time.UTC)) {
		t.Fatalf("backup sets from the stamps: %+v", o.Backups)
	}
	if len(o.Mailboxes) != 1 || o.Mailboxes[0].Name != "Carol Cooper" || o.Mailboxes[0].Health.Disconnected.IsZero() {
		t.Fatalf("disconnected mailboxes: %+v", o.Mailboxes)
	}
	if c := sg.Copy; c == nil || c.Local || c.Machine != "MBX03" || c.Health.Status != "Healthy" || c.Health.CopyQueue() != 2 || c.Health.ReplayQueue() != 5 {
		t.Fatalf("standby copy: %+v", sg.Copy)
	}
	q := ix.QueueDatabase("HUB01")
	if q == nil || q.Health.Messages != 17 || len(q.Health.Queues) != 1 || q.Health.Queues[0].Status != "Retry" || q.Health.Queues[0].DeliveryType != "MapiDelivery" {
		t.Fatalf("queues: %+v", q)
	}
}
