package org

import (
	"math/rand/v2"
	"slices"
	"strings"
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

// The index folds a looked-up name on the stack; it must find exactly
// what a map keyed by Identity.Key finds, for every name, ASCII or not
// (İ, ẞ and K are the letters whose lower case changes their length or
// meets ASCII).
func TestIndexFoldsAsKey(t *testing.T) {
	names := []string{"MBX01", "mbx01", "Mbx01", "O'Brien", "İstanbul", "i̇stanbul", "STRAẞE", "straße", "\u212aelvin", "kelvin",
		"", `MBX01\SG1\DB1`, strings.Repeat("LongServerName", 20), "\xff\xfe", "Ω", "ω", "σ", "Σ", "ς"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		b := make([]byte, rng.IntN(140))
		for i := range b {
			b[i] = byte(rng.IntN(0x60) + 0x20)
			if rng.IntN(20) == 0 {
				b[i] = byte(rng.IntN(256))
			}
		}
		names = append(names, string(b))
	}
	for _, stored := range names {
		m := map[string]int{Identity(stored).Key(): 1}
		for _, asked := range names {
			want := m[Identity(asked).Key()]
			if got := byKey(m, asked); got != want {
				t.Fatalf("stored %q, asked %q: byKey %d, Key %d", stored, asked, got, want)
			}
		}
	}
}
