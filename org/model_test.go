package org

import (
	"slices"
	"testing"
)

func TestAddressString(t *testing.T) {
	tests := []struct {
		a    Address
		want string
	}{
		{Address{Kind: KindMailboxDatabase, Name: "DB1"}, "mailbox_database.DB1"},
		{Address{Kind: KindMailbox, Name: "users", Key: "alice", Keyed: true}, `mailbox.users["alice"]`},
		{Address{Kind: KindMailbox, Name: "users", Key: "", Keyed: true}, `mailbox.users[""]`},
		{Address{Kind: KindMailbox, Name: "x", Key: `a"b`, Keyed: true}, `mailbox.x["a\"b"]`},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("%#v.String() = %s, want %s", tt.a, got, tt.want)
		}
	}
}

func TestAddressOrder(t *testing.T) {
	addrs := []Address{
		{Kind: KindMailboxDatabase, Name: "DB2"},
		{Kind: KindServer, Name: "MBX02"},
		{Kind: KindMailboxDatabase, Name: "DB1", Key: "b", Keyed: true},
		{Kind: KindMailboxDatabase, Name: "DB1"},
		{Kind: KindMailboxDatabase, Name: "DB1", Key: "a", Keyed: true},
		{Kind: KindServer, Name: "MBX01"},
	}
	slices.SortFunc(addrs, Address.Compare)
	var got []string
	for _, a := range addrs {
		got = append(got, a.String())
	}
	want := []string{"server.MBX01", "server.MBX02", "mailbox_database.DB1", `mailbox_database.DB1["a"]`, `mailbox_database.DB1["b"]`, "mailbox_database.DB2"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted = %v\nwant     %v", got, want)
	}
}

func TestKinds(t *testing.T) {
	for _, k := range Kinds {
		back, ok := ParseKind(k.String())
		if !ok || back != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), back, ok)
		}
	}
	if _, ok := ParseKind("invalid"); ok {
		t.Error(`ParseKind("invalid") succeeded`)
	}
}

func TestRoles(t *testing.T) {
	var rs Roles
	for _, name := range []string{"mailbox", "client_access", "hub_transport"} {
		r, ok := ParseRole(name)
		if !ok {
			t.Fatalf("ParseRole(%q) failed", name)
		}
		rs = rs.With(r)
	}
	// The bitmask is msExchCurrentServerRoles: MBX 2 + CAS 4 + Hub 32 = 38.
	if rs != 38 {
		t.Errorf("Roles = %d, want 38 as Setup records it", rs)
	}
	if rs.String() != "mailbox,client_access,hub_transport" || rs.Has(RoleEdgeTransport) {
		t.Errorf("Roles = %s", rs)
	}
	if _, ok := ParseRole("hub"); ok {
		t.Error(`ParseRole("hub") succeeded`)
	}
}

func TestEditionLimits(t *testing.T) {
	std, ent := EditionStandard.Limits(), EditionEnterprise.Limits()
	if std.StorageGroups != 5 || std.Databases != 5 || ent.StorageGroups != 50 || ent.Databases != 50 || ent.DatabasesPerSG != 5 || ent.RecoverySGs != 1 {
		t.Errorf("limits: standard %+v, enterprise %+v", std, ent)
	}
}

func TestIndexIgnoresCase(t *testing.T) {
	o := &Org{
		Servers:       []*Server{{Name: "MBX01"}},
		StorageGroups: []*StorageGroup{{Name: "SG1", Server: "MBX01"}},
		Databases:     []*Database{{Name: "DB1", StorageGroup: `MBX01\SG1`}},
	}
	ix := NewIndex(o)
	if ix.Server("mbx01") == nil || ix.StorageGroup(`mbx01\sg1`) == nil || ix.Database(`MBX01\SG1\db1`) == nil {
		t.Error("lookups that differ only in case failed")
	}
	if ix.Database(`MBX01\SG2\DB1`) != nil {
		t.Error("found a database in the wrong storage group")
	}
	if got := o.Databases[0].Server(); got != "MBX01" {
		t.Errorf("Database.Server() = %q", got)
	}
}
