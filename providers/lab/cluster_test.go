package lab

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/transport"
)

const cmsDB = org.Identity(`CMS1\SG1\DB1`)

// newClusterLab makes a lab with CMS1, a CCR clustered mailbox server on
// NODE1 and NODE2 (running on NODE1), with SG1 and DB1 mounted, its copy
// on NODE2 begun at that mount, and 60 items of mail, backed up (which
// closes their log generation: the copy has it).
func newClusterLab(t *testing.T, dial string) *Lab {
	t.Helper()
	l, err := Init(t.TempDir(), "Test")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*providers.Step{
		{Verb: providers.VerbCreateServer, Identity: "CMS1", Args: map[string]string{"server": "CMS1", "roles": "mailbox", "setup": "new_cms", "cluster_type": "ccr", "nodes": "NODE1,NODE2", "mount_dial": dial}},
		{Verb: providers.VerbCreateStorageGroup, Identity: `CMS1\SG1`, Args: map[string]string{"server": "CMS1", "name": "SG1", "log_folder_path": `D:\Exchange\SG1`}},
		{Verb: providers.VerbCreateDatabase, Identity: cmsDB, Args: map[string]string{"storage_group": `CMS1\SG1`, "name": "DB1", "edb_file_path": `E:\Exchange\SG1\DB1.edb`}},
		{Verb: providers.VerbMount, Identity: cmsDB},
	} {
		step(t, l, s)
	}
	if _, err := l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 30, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Backup(context.Background(), `CMS1\SG1`, org.BackupFull); err != nil {
		t.Fatal(err)
	}
	return l
}

func clusterItems(t *testing.T, l *Lab) int {
	t.Helper()
	in, err := l.Inspect(cmsDB)
	if err != nil {
		t.Fatal(err)
	}
	return in.Items()
}

func liveCMS(t *testing.T, l *Lab) (*org.Server, *org.StorageGroup, *org.Database) {
	t.Helper()
	o, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ix := org.NewIndex(o)
	return ix.Server("CMS1"), ix.StorageGroup(`CMS1\SG1`), ix.Database(cmsDB)
}

func TestClusteredServerRunsOnItsActiveNodesDisks(t *testing.T) {
	l := newClusterLab(t, "")
	for node, want := range map[string]bool{"NODE1": true, "NODE2": true, "CMS1": false} {
		_, err := os.Stat(filepath.Join(l.Root(), "servers", node, "disks", "E", "Exchange", "SG1", "DB1.edb"))
		if (err == nil) != want {
			t.Errorf("%s holds DB1.edb: %v, want %v", node, err == nil, want)
		}
	}
	s, sg, db := liveCMS(t, l)
	if s.Cluster == nil || s.Cluster.Active != "NODE1" || !s.Health.Up {
		t.Fatalf("CMS1 reads %+v (cluster %+v), want up on NODE1", s.Health, s.Cluster)
	}
	if sg.Copy == nil || !sg.Copy.Cluster || sg.Copy.Health.Status != "Healthy" {
		t.Fatalf("SG1's copy reads %+v, want a healthy CCR copy", sg.Copy)
	}
	if !db.Health.Mounted {
		t.Fatal("DB1 is not mounted")
	}
	if n := clusterItems(t, l); n != 60 {
		t.Fatalf("DB1 holds %d items, want 60", n)
	}
}

func TestScheduledMoveLosesNothing(t *testing.T) {
	l := newClusterLab(t, "lossless")
	step(t, l, &providers.Step{Verb: providers.VerbMoveClusteredServer, Identity: "CMS1", Args: map[string]string{"target": "NODE2", "comment": "patching NODE1"}})
	s, sg, db := liveCMS(t, l)
	if s.Cluster.Active != "NODE2" || !db.Health.Mounted {
		t.Fatalf("after the move: runs on %s, mounted %v; want NODE2, mounted", s.Cluster.Active, db.Health.Mounted)
	}
	if n := clusterItems(t, l); n != 60 {
		t.Fatalf("DB1 holds %d items after the move, want all 60", n)
	}
	if sg.Copy.Health.Status != "Healthy" {
		t.Fatalf("the copy on NODE1 reads %+v after the move, want Healthy", sg.Copy.Health)
	}
	if f := s.Cluster.LastFailover; f == nil || !f.Scheduled || f.Lost["SG1"] != 0 {
		t.Fatalf("recorded move %+v, want scheduled, nothing lost", f)
	}
	// And back: the copy kept up on NODE1 since.
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 5, Seed: 2})
	step(t, l, &providers.Step{Verb: providers.VerbMoveClusteredServer, Identity: "CMS1", Args: map[string]string{"target": "NODE1", "comment": "back"}})
	if n := clusterItems(t, l); n != 70 {
		t.Fatalf("DB1 holds %d items after moving back, want 70", n)
	}
}

func TestActiveNodeLostFailsOverWithinTheDial(t *testing.T) {
	l := newClusterLab(t, "good_availability")
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 4, Seed: 2}) // in the open generation: never copied
	if err := l.LoseServer("NODE1"); err != nil {
		t.Fatal(err)
	}
	s, sg, db := liveCMS(t, l)
	if s.Cluster.Active != "NODE2" || !s.Health.Up || !db.Health.Mounted {
		t.Fatalf("after NODE1 is lost: runs on %s, up %v, mounted %v; want NODE2, up, mounted", s.Cluster.Active, s.Health.Up, db.Health.Mounted)
	}
	f := s.Cluster.LastFailover
	if f == nil || f.Scheduled || f.Lost["SG1"] != 1 {
		t.Fatalf("recorded failover %+v, want one generation lost", f)
	}
	// The open generation's mail is lost, counted by the items there.
	if n := clusterItems(t, l); n != 60 {
		t.Fatalf("DB1 holds %d items after the failover, want the 60 copied", n)
	}
	if !s.Cluster.NodeDown("NODE1") || sg.Copy.Health.Status != "ServiceDown" {
		t.Fatalf("NODE1 down %v, copy %+v; want NODE1 down and the copy there ServiceDown", s.Cluster.NodeDown("NODE1"), sg.Copy.Health)
	}
	// NODE1 rebuilt, its copy seeded: the pair protects DB1 again.
	step(t, l, &providers.Step{Verb: providers.VerbCreateServer, Identity: "CMS1", Args: map[string]string{"server": "CMS1", "setup": "cluster_node", "node": "NODE1"}})
	step(t, l, &providers.Step{Verb: providers.VerbSeedCopy, Identity: `CMS1\SG1`})
	if _, sg, _ := liveCMS(t, l); sg.Copy.Health.Status != "Healthy" {
		t.Fatalf("after the rebuild and seed the copy reads %+v", sg.Copy.Health)
	}
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 5, Seed: 3})
	step(t, l, &providers.Step{Verb: providers.VerbMoveClusteredServer, Identity: "CMS1", Args: map[string]string{"target": "NODE1", "comment": "home"}})
	if n := clusterItems(t, l); n != 70 {
		t.Fatalf("DB1 holds %d items after moving home, want 70", n)
	}
}

func TestLosslessDialKeepsTheServerOfflineUntilTheCopyIsActivated(t *testing.T) {
	l := newClusterLab(t, "lossless")
	l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 4, Seed: 2})
	if err := l.LoseServer("NODE1"); err != nil {
		t.Fatal(err)
	}
	s, sg, _ := liveCMS(t, l)
	if s.Health.Up || s.Cluster.Active != "NODE1" {
		t.Fatalf("lossless dial: runs on %s, up %v; want offline on NODE1", s.Cluster.Active, s.Health.Up)
	}
	if f := s.Cluster.LastFailover; f == nil || f.To != "" || len(f.Unmounted) != 1 {
		t.Fatalf("recorded attempt %+v, want SG1 unmounted", f)
	}
	if sg.Copy.Health.Status != "Healthy" || sg.Copy.Health.CopyQueue() != 1 {
		t.Fatalf("the copy on NODE2 reads %+v, want healthy, one generation short", sg.Copy.Health)
	}
	// A scheduled move cannot lose it silently.
	err := l.Apply(context.Background(), &providers.Step{Verb: providers.VerbMoveClusteredServer, Identity: "CMS1", Args: map[string]string{"target": "NODE2", "comment": "x"}}, nil)
	if err == nil {
		t.Fatal("a move without accept_loss lost a generation")
	}
	// Restore-StorageGroupCopy, then Mount-Database.
	step(t, l, &providers.Step{Verb: providers.VerbActivateCopy, Identity: `CMS1\SG1`})
	step(t, l, &providers.Step{Verb: providers.VerbActivateCopy, Identity: `CMS1\SG1`}) // again: harmless
	apply(t, l, providers.VerbMount, cmsDB)
	if n := clusterItems(t, l); n != 60 {
		t.Fatalf("DB1 holds %d items, want the 60 copied", n)
	}
	if s, _, _ := liveCMS(t, l); s.Cluster.Active != "NODE2" || !s.Health.Up {
		t.Fatalf("runs on %s after the activation", s.Cluster.Active)
	}
}

func TestWholeClusterLostIsRecoveredOnNewNodes(t *testing.T) {
	l := newClusterLab(t, "")
	if err := l.LoseServer("CMS1"); err != nil {
		t.Fatal(err)
	}
	s, _, db := liveCMS(t, l)
	if s.Health.Up || len(s.Cluster.NodesDown) != 2 || db.Health.FileExists {
		t.Fatalf("whole cluster lost: %+v %+v, file exists %v", s.Health, s.Cluster, db.Health.FileExists)
	}
	step(t, l, &providers.Step{Verb: providers.VerbCreateServer, Identity: "CMS1", Args: map[string]string{"server": "CMS1", "setup": "recover_cms", "nodes": "NODE3,NODE4"}})
	s, sg, _ := liveCMS(t, l)
	if !s.Health.Up || s.Cluster.Active != "NODE3" || sg.Copy.Health.Status != "NotSeeded" {
		t.Fatalf("after /RecoverCMS: %+v %+v copy %+v", s.Health, s.Cluster, sg.Copy.Health)
	}
}

// A single copy cluster's shared storage is not simulated: refused, not
// built on per-node disks that would lose its data with a node.
func TestSingleCopyClusterIsRefused(t *testing.T) {
	l, err := Init(t.TempDir(), "Test")
	if err != nil {
		t.Fatal(err)
	}
	err = l.Apply(context.Background(), &providers.Step{Verb: providers.VerbCreateServer, Identity: "CMS1",
		Args: map[string]string{"server": "CMS1", "roles": "mailbox", "setup": "new_cms", "cluster_type": "scc", "nodes": "NODE1,NODE2"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "CCR clustered mailbox servers only") {
		t.Fatalf("an SCC server in the lab: %v", err)
	}
}

// A passive node failed while mail went on and backups truncated logs;
// rebuilt with its disks, its replication service catches up at once,
// so a failover right after knows what the copy lacks (one open
// generation, not the three it missed while down) and loses only that.
func TestRebuiltPassiveNodeCatchesUpBeforeAFailover(t *testing.T) {
	l := newClusterLab(t, "good_availability")
	if err := l.FailServer("NODE2"); err != nil {
		t.Fatal(err)
	}
	for seed := uint64(2); seed < 5; seed++ {
		l.Traffic(context.Background(), transport.TrafficOptions{Mailboxes: 2, Items: 5, Seed: seed})
		if _, err := l.Backup(context.Background(), `CMS1\SG1`, org.BackupIncremental); err != nil {
			t.Fatal(err)
		}
	}
	step(t, l, &providers.Step{Verb: providers.VerbCreateServer, Identity: "CMS1", Args: map[string]string{"server": "CMS1", "setup": "cluster_node", "node": "NODE2"}})
	if err := l.LoseServer("NODE1"); err != nil {
		t.Fatal(err)
	}
	s, _, db := liveCMS(t, l)
	if f := s.Cluster.LastFailover; f == nil || f.To != "NODE2" || f.Lost["SG1"] != 1 {
		t.Fatalf("failover %+v, want to NODE2 losing the one open generation", f)
	}
	if !db.Health.Mounted {
		t.Fatal("DB1 is not mounted on NODE2")
	}
	if n := clusterItems(t, l); n != 90 {
		t.Fatalf("DB1 holds %d items, want the 90 the copy caught up on", n)
	}
}
