package planner

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// Addresses lists every address the configuration declares, instances
// and their blocks (mailbox.users and mailbox.users["alice"]): what
// -target may name.
func Addresses(o *org.Org) []string {
	var out []string
	add := func(a org.Address) {
		out = append(out, a.String())
		if a.Keyed {
			out = append(out, a.Block().String())
		}
	}
	for _, s := range o.Servers {
		add(s.Addr)
	}
	for _, sg := range o.StorageGroups {
		add(sg.Addr)
	}
	for _, db := range o.Databases {
		add(db.Addr)
	}
	for _, r := range o.RecoveryStorageGroups {
		add(r.Addr)
	}
	for _, m := range o.Mailboxes {
		add(m.Addr)
	}
	for _, q := range o.QueueDatabases {
		add(q.Addr)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// targeted reports whether addr is one of the targets or an instance of
// one (mailbox.users names mailbox.users["alice"]), or a group of its
// steps (mailbox_database.DB1.standby).
func targeted(addr string, targets []string) bool {
	for _, t := range targets {
		if addr == t || strings.HasPrefix(addr, t+"[") || strings.HasPrefix(addr, t+".") {
			return true
		}
	}
	return false
}

// target narrows the plan to the targeted addresses: their steps and
// every step those depend on, transitively; and the refusals, notes and
// losses of those addresses and of the resources they are in (a
// database's storage group and server). What is about other resources is
// left out, so a refusal elsewhere does not block a targeted recovery.
func (b *builder) target(targets []string) {
	keep := map[string]bool{}
	scope := map[string]bool{}
	var visit func(s *providers.Step)
	visit = func(s *providers.Step) {
		if keep[s.ID] {
			return
		}
		keep[s.ID] = true
		scope[s.Address] = true
		for _, d := range s.DependsOn {
			visit(b.byID[d])
		}
	}
	// What the targets live in is what they depend on (as Terraform's
	// -target takes a resource's dependencies): a mailbox's database, a
	// database's storage group and server.
	for _, a := range b.containers(targets) {
		scope[a] = true
	}
	for _, s := range b.steps {
		if targeted(s.Address, targets) || scope[s.Address] {
			visit(s)
		}
	}
	kept := b.steps[:0]
	for _, s := range b.steps {
		if keep[s.ID] {
			kept = append(kept, s)
		}
	}
	b.steps = kept
	b.scope = scope

	var diags hcl.Diagnostics
	for i, d := range b.diags {
		if i >= len(b.diagAddr) || scope[b.diagAddr[i]] {
			diags = append(diags, d) // one about no resource in particular stays
		}
	}
	b.diags = diags
	var notes []string
	for i, n := range b.plan.Notes {
		if b.noteAddr[i] == "" || scope[b.noteAddr[i]] {
			notes = append(notes, n)
		}
	}
	b.plan.Notes = notes
	b.plan.Losses = slices.DeleteFunc(b.plan.Losses, func(l Loss) bool { return !scope[l.Address] })
	// What waits elsewhere is not the targeted resources' either: it
	// would keep a targeted run from saying they match.
	b.plan.Waiting = slices.DeleteFunc(b.plan.Waiting, func(w Waiting) bool { return !scope[w.Address] && !targeted(w.Address, targets) })
	// Resources outside the configuration are not what a targeted run is
	// about.
	b.plan.Unmanaged = nil
}

// containers lists the targeted resources' addresses and those of the
// resources they live in: a storage group's server, a database's storage
// group and server, a mailbox's database (and so on up), a queue
// database's server, a recovery storage group's server and database.
func (b *builder) containers(targets []string) []string {
	var out []string
	ix := b.wantIx
	var server func(name string)
	server = func(name string) {
		if s := ix.Server(name); s != nil {
			out = append(out, s.Addr.String())
		}
	}
	storageGroup := func(id org.Identity) {
		if sg := ix.StorageGroup(id); sg != nil {
			out = append(out, sg.Addr.String())
			server(sg.Server)
		}
	}
	database := func(id org.Identity) {
		if db := ix.Database(id); db != nil {
			out = append(out, db.Addr.String())
			storageGroup(db.StorageGroup)
		}
	}
	o := b.desired
	for _, s := range o.Servers {
		if targeted(s.Addr.String(), targets) {
			server(s.Name)
		}
	}
	for _, sg := range o.StorageGroups {
		if targeted(sg.Addr.String(), targets) {
			storageGroup(sg.Identity())
		}
	}
	for _, db := range o.Databases {
		if targeted(db.Addr.String(), targets) {
			database(db.Identity())
		}
	}
	for _, m := range o.Mailboxes {
		if targeted(m.Addr.String(), targets) {
			out = append(out, m.Addr.String())
			database(m.Database)
		}
	}
	for _, q := range o.QueueDatabases {
		if targeted(q.Addr.String(), targets) {
			out = append(out, q.Addr.String())
			server(q.Server)
		}
	}
	for _, r := range o.RecoveryStorageGroups {
		if targeted(r.Addr.String(), targets) {
			out = append(out, r.Addr.String())
			server(r.Server)
			database(r.Database)
		}
	}
	return out
}
