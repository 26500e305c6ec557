package providertest

import (
	"context"
	"errors"
	"testing"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// Factory makes a fresh, empty organization for one test of the suite.
type Factory func(t *testing.T) providers.Provider

// The organization the suite builds: one server, one storage group, one
// mailbox database.
const (
	server = "MBX01"
	group  = org.Identity(`MBX01\SG1`)
	db     = org.Identity(`MBX01\SG1\DB1`)
)

// Steps builds the suite's organization, in order.
func Steps() []*providers.Step {
	return []*providers.Step{
		{ID: "server", Verb: providers.VerbCreateServer, Identity: server, Args: map[string]string{"server": server, "roles": "mailbox", "edition": "standard", "setup": "install"}},
		{ID: "group", Verb: providers.VerbCreateStorageGroup, Identity: group, Args: map[string]string{"server": server, "name": "SG1", "log_folder_path": `D:\Exchange\SG1`, "system_folder_path": `D:\Exchange\SG1`}},
		{ID: "database", Verb: providers.VerbCreateDatabase, Identity: db, Args: map[string]string{"storage_group": string(group), "name": "DB1", "kind": "mailbox", "edb_file_path": `E:\Exchange\SG1\DB1.edb`}},
		{ID: "retention", Verb: providers.VerbSetDatabase, Identity: db, Args: map[string]string{"deleted_item_retention": "7.00:00:00", "kind": "mailbox"}},
		{ID: "mount", Verb: providers.VerbMount, Identity: db},
	}
}

// Run is the conformance suite: every provider must pass it.
func Run(t *testing.T, newProvider Factory) {
	t.Run("ApplyThenReadConverges", func(t *testing.T) { applyThenRead(t, newProvider(t)) })
	t.Run("ApplyingTwiceIsHarmless", func(t *testing.T) { applyTwice(t, newProvider(t)) })
	t.Run("CancelledContextStops", func(t *testing.T) { cancelled(t, newProvider(t)) })
	t.Run("DismountThenMount", func(t *testing.T) { dismountMount(t, newProvider(t)) })
}

func build(t *testing.T, p providers.Provider, steps []*providers.Step) {
	t.Helper()
	for _, s := range steps {
		if err := p.Apply(context.Background(), s, nil); err != nil {
			t.Fatalf("apply %s: %v", s.ID, err)
		}
	}
}

func read(t *testing.T, p providers.Provider) (*org.Org, *org.Database) {
	t.Helper()
	o, err := p.Read(context.Background())
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	ix := org.NewIndex(o)
	return o, ix.Database(db)
}

func applyThenRead(t *testing.T, p providers.Provider) {
	build(t, p, Steps())
	o, d := read(t, p)
	ix := org.NewIndex(o)
	if s := ix.Server(server); s == nil || !s.Roles.Has(org.RoleMailbox) || s.Health == nil || !s.Health.Up {
		t.Fatalf("server after apply: %+v", s)
	}
	if sg := ix.StorageGroup(group); sg == nil || sg.Health == nil || !sg.Health.FolderExists {
		t.Fatalf("storage group after apply: %+v", sg)
	}
	if d == nil || d.Health == nil || !d.Health.FileExists || !d.Health.Mounted || len(d.Health.BadPages) != 0 {
		t.Fatalf("database after apply: %+v", d)
	}
	if d.DeletedItemRetention == nil || d.DeletedItemRetention.Short() != "7d" {
		t.Errorf("deleted item retention after apply: %v, want 7d", d.DeletedItemRetention)
	}
}

func applyTwice(t *testing.T, p providers.Provider) {
	steps := Steps()
	build(t, p, steps)
	before, _ := read(t, p)
	build(t, p, steps)
	after, d := read(t, p)
	if len(after.Servers) != len(before.Servers) || len(after.StorageGroups) != len(before.StorageGroups) || len(after.Databases) != len(before.Databases) {
		t.Fatalf("applying twice changed the organization: %d/%d/%d resources, then %d/%d/%d",
			len(before.Servers), len(before.StorageGroups), len(before.Databases),
			len(after.Servers), len(after.StorageGroups), len(after.Databases))
	}
	if d == nil || !d.Health.Mounted || len(d.Health.BadPages) != 0 {
		t.Fatalf("database after applying twice: %+v", d)
	}
}

func cancelled(t *testing.T, p providers.Provider) {
	build(t, p, Steps()[:3])
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := p.Apply(ctx, &providers.Step{ID: "mount", Verb: providers.VerbMount, Identity: db}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Apply with a cancelled context returned %v, want context.Canceled", err)
	}
	if _, d := read(t, p); d == nil || d.Health.Mounted {
		t.Fatalf("a cancelled mount mounted the database: %+v", d)
	}
}

func dismountMount(t *testing.T, p providers.Provider) {
	build(t, p, Steps())
	if err := p.Apply(context.Background(), &providers.Step{Verb: providers.VerbDismount, Identity: db}, nil); err != nil {
		t.Fatal(err)
	}
	if _, d := read(t, p); d.Health.Mounted || d.Health.State != org.StateClean {
		t.Fatalf("after dismount: %+v", d.Health)
	}
	if err := p.Apply(context.Background(), &providers.Step{Verb: providers.VerbMount, Identity: db}, nil); err != nil {
		t.Fatal(err)
	}
	if _, d := read(t, p); !d.Health.Mounted {
		t.Fatalf("after mount: %+v", d.Health)
	}
}
