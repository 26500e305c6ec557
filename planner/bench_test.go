package planner

import (
	"fmt"
	"io"
	"testing"

	"github.com/exdr/exdr/org"
)

// bigOrgs builds a desired organization of servers × groups × databases
// and the live one read back from it, with one database in ten damaged:
// a third of those lost, a third with a bad page, a third in dirty
// shutdown with their logs.
func bigOrgs(servers, groups, dbs int) (desired, live *org.Org) {
	desired, live = &org.Org{Name: "Bench"}, &org.Org{Name: "Bench"}
	n := 0
	for s := 1; s <= servers; s++ {
		name := fmt.Sprintf("MBX%03d", s)
		srv := &org.Server{Addr: addr(org.KindServer, name), Name: name, Roles: org.Roles(org.RoleMailbox), Edition: org.EditionEnterprise}
		desired.Servers = append(desired.Servers, srv)
		ls := *srv
		ls.Addr, ls.Health = org.Address{}, &org.ServerHealth{Up: true}
		live.Servers = append(live.Servers, &ls)
		for g := 1; g <= groups; g++ {
			sgName := fmt.Sprintf("SG%02d", g)
			sg := &org.StorageGroup{Addr: addr(org.KindStorageGroup, name+"_"+sgName), Name: sgName, Server: name,
				LogFolderPath: `D:\Exchange\` + sgName, SystemFolderPath: `D:\Exchange\` + sgName}
			desired.StorageGroups = append(desired.StorageGroups, sg)
			lsg := *sg
			lsg.Addr, lsg.Health = org.Address{}, &org.LogHealth{FolderExists: true, Prefix: "E00", Checkpoint: 1, OnDisk: org.LogRange{Low: 1, High: 3}}
			live.StorageGroups = append(live.StorageGroups, &lsg)
			for d := 1; d <= dbs; d++ {
				dbName := fmt.Sprintf("DB%02d%d", g, d)
				db := &org.Database{Addr: addr(org.KindMailboxDatabase, name+"_"+dbName), Kind: org.MailboxDB, Name: dbName,
					StorageGroup: sg.Identity(), EdbFilePath: fmt.Sprintf(`E:\Exchange\%s\%s.edb`, sgName, dbName), Mounted: true}
				desired.Databases = append(desired.Databases, db)
				ldb := *db
				ldb.Addr = org.Address{}
				h := &org.DatabaseHealth{FileExists: true, State: org.StateDirty, LogRequired: org.LogRange{Low: 1, High: 3}, Pages: 7, Mounted: true}
				if n%10 == 0 {
					switch (n / 10) % 3 {
					case 0:
						h = &org.DatabaseHealth{}
					case 1:
						h.BadPages = []uint32{4}
					case 2:
						h.Mounted = false
					}
				}
				ldb.Health = h
				live.Databases = append(live.Databases, &ldb)
				n++
			}
		}
	}
	return desired, live
}

// BenchmarkPlan10k plans 10,000 databases (200 servers × 10 storage
// groups × 5), a tenth of them damaged, in-process.
func BenchmarkPlan10k(b *testing.B) {
	desired, live := bigOrgs(200, 10, 5)
	b.ReportAllocs()
	for b.Loop() {
		p, diags := New(desired, live, Options{AllowDataLoss: true})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if len(p.Steps) < 2000 {
			b.Fatalf("planned %d steps for 1,000 damaged databases", len(p.Steps))
		}
	}
}

// BenchmarkPlan plans the generated organization at 1,000, 10,000 and
// 100,000 databases, a tenth damaged, in-process (the planner alone):
//
//	go test ./planner -run XXX -bench 'Plan/' -benchtime 5x
func BenchmarkPlan(b *testing.B) {
	for _, size := range []struct {
		name    string
		servers int
	}{{"1k", 20}, {"10k", 200}, {"100k", 2000}} {
		b.Run(size.name, func(b *testing.B) {
			desired, live := bigOrgs(size.servers, 10, 5)
			b.ReportAllocs()
			for b.Loop() {
				if _, diags := New(desired, live, Options{AllowDataLoss: true}); diags.HasErrors() {
					b.Fatal(diags)
				}
			}
		})
	}
}

// BenchmarkWriteText renders the plan of BenchmarkPlan's organization at
// 10,000 databases as `exdr plan` prints it:
//
//	go test ./planner -run XXX -bench WriteText -benchtime 10x
func BenchmarkWriteText(b *testing.B) {
	desired, live := bigOrgs(200, 10, 5)
	p, diags := New(desired, live, Options{AllowDataLoss: true})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteText(io.Discard, p, TextOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
