package planner

import (
	"strings"
	"testing"

	"github.com/exdr/exdr/org"
)

// clusterOrgs are a CCR clustered mailbox server, CMS1 on NODE1 and
// NODE2 (active_node NODE1), with SG1 and DB1, as declared and as read
// healthy on NODE1.
func clusterOrgs() (desired, live *org.Org) {
	desired = desiredOrg()
	desired.Servers = []*org.Server{{Addr: addr(org.KindClusteredMailboxServer, "CMS1"), Name: "CMS1", Roles: org.Roles(org.RoleMailbox), Edition: org.EditionEnterprise,
		Cluster: &org.Cluster{Type: org.ClusterCCR, Nodes: []string{"NODE1", "NODE2"}, AutoDatabaseMountDial: "lossless", ActiveNode: "NODE1"}}}
	desired.StorageGroups = desired.StorageGroups[:1]
	desired.StorageGroups[0].Server = "CMS1"
	desired.Databases = desired.Databases[:1]
	desired.Databases[0].StorageGroup = `CMS1\SG1`
	live = healthyLive()
	live.Servers = []*org.Server{{Name: "CMS1", Roles: org.Roles(org.RoleMailbox), Edition: org.EditionEnterprise, ClusterNodes: []string{"NODE1", "NODE2"},
		Health:  &org.ServerHealth{Up: true},
		Cluster: &org.Cluster{Type: org.ClusterCCR, Nodes: []string{"NODE1", "NODE2"}, AutoDatabaseMountDial: "lossless", Active: "NODE1"}}}
	live.StorageGroups = live.StorageGroups[:1]
	live.StorageGroups[0].Server = "CMS1"
	live.StorageGroups[0].Copy = &org.StandbyCopy{Cluster: true, Health: &org.CopyHealth{Status: "Healthy", SourceUp: true, LastCopied: 4, LastReplayed: 4, SourceNewest: 5}}
	live.Databases = live.Databases[:1]
	live.Databases[0].StorageGroup = `CMS1\SG1`
	return desired, live
}

func TestClusterPlans(t *testing.T) {
	tests := []struct {
		name   string
		damage func(cms *org.Server, sg *org.StorageGroup, db *org.Database)
		opts   Options
		steps  string
		says   []string
	}{
		{name: "cluster_converged", damage: func(*org.Server, *org.StorageGroup, *org.Database) {}, steps: ""},
		// The node it ran on lost, the dial kept the databases from
		// mounting on NODE2: the copy activated there, the database
		// mounted, then NODE1 rebuilt, its copy seeded, and the server
		// moved back to its active_node.
		{name: "cluster_active_lost_not_moved", opts: Options{AllowDataLoss: true}, damage: func(cms *org.Server, sg *org.StorageGroup, db *org.Database) {
			cms.Health.Up = false
			cms.Cluster.NodesDown = []string{"NODE1"}
			sg.Health.FolderExists = false
			sg.Copy.Health.SourceUp = false
			*db.Health = org.DatabaseHealth{}
		}, steps: "storage_group.SG1:activate_copy clustered_mailbox_server.CMS1.node.NODE1:create_server mailbox_database.DB1:mount storage_group.SG1:seed_copy clustered_mailbox_server.CMS1.move:move_clustered_server",
			says: []string{"Restore-StorageGroupCopy -Identity 'CMS1\\SG1' -Force", "loses log generation 5 and later (1 generation)", "Move-ClusteredMailboxServer -Identity 'CMS1' -TargetMachine 'NODE1'"}},
		// Failed over on its own; NODE1 lost: rebuilt, seeded, moved back.
		{name: "cluster_failed_over", damage: func(cms *org.Server, sg *org.StorageGroup, db *org.Database) {
			cms.Cluster.Active = "NODE2"
			cms.Cluster.NodesDown = []string{"NODE1"}
			cms.Cluster.LastFailover = &org.Failover{From: "NODE1", To: "NODE2", Lost: map[string]int{"SG1": 1}}
			sg.Copy.Health = &org.CopyHealth{Status: "ServiceDown"}
		}, steps: "clustered_mailbox_server.CMS1.node.NODE1:create_server storage_group.SG1:seed_copy clustered_mailbox_server.CMS1.move:move_clustered_server",
			says: []string{"the cluster moved it from NODE1 to NODE2", "lost already in the cluster's failover"}},
		// Running on NODE2 with a healthy copy on NODE1 (moved by hand):
		// moved back in a scheduled outage.
		// The configuration's dial changed: Set-MailboxServer.
		{name: "cluster_dial_drift", damage: func(cms *org.Server, sg *org.StorageGroup, db *org.Database) {
			cms.Cluster.AutoDatabaseMountDial = "best_availability"
		}, steps: "clustered_mailbox_server.CMS1:set_mailbox_server", says: []string{"Set-MailboxServer -Identity 'CMS1' -AutoDatabaseMountDial Lossless", "AutoDatabaseMountDial is best_availability, the configuration says lossless"}},
		{name: "cluster_off_its_active_node", damage: func(cms *org.Server, sg *org.StorageGroup, db *org.Database) {
			cms.Cluster.Active = "NODE2"
		}, steps: "clustered_mailbox_server.CMS1.move:move_clustered_server", says: []string{"nothing lost"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := clusterOrgs()
			tt.damage(live.Servers[0], live.StorageGroups[0], live.Databases[0])
			p, diags := New(desired, live, tt.opts)
			text := accepted(t, p, diags, tt.steps)
			for _, s := range tt.says {
				if !strings.Contains(text, s) {
					t.Errorf("the plan does not say %q:\n%s", s, text)
				}
			}
			goldenText(t, tt.name, text)
		})
	}
}

// Without consent, the lossy activation is refused at the database.
func TestClusterActivationNeedsConsentToLose(t *testing.T) {
	desired, live := clusterOrgs()
	live.Servers[0].Health.Up = false
	live.Servers[0].Cluster.NodesDown = []string{"NODE1"}
	live.StorageGroups[0].Copy.Health.SourceUp = false
	*live.Databases[0].Health = org.DatabaseHealth{}
	_, diags := New(desired, live, Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "more than AutoDatabaseMountDial (lossless)") {
		t.Fatalf("diagnostics %v, want a refusal naming the dial", diags)
	}
}
