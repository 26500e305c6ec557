package lang

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
)

// named is what a link can resolve to.
type named struct {
	addr org.Address
	name string
	id   org.Identity
	kind org.Kind // for databases: mailbox or public folder
}

// link resolves every reference by name (storage_group = "SG1") to the
// identity of the one resource it names. A name that two resources share
// is resolved by the block the expression refers to, or refused.
func (ev *evaluator) link() hcl.Diagnostics {
	targets := map[org.Kind][]named{}
	for _, s := range ev.org.Servers {
		targets[org.KindServer] = append(targets[org.KindServer], named{s.Addr, s.Name, s.Identity(), org.KindServer})
	}
	for _, sg := range ev.org.StorageGroups {
		targets[org.KindStorageGroup] = append(targets[org.KindStorageGroup], named{sg.Addr, sg.Name, sg.Identity(), org.KindStorageGroup})
	}
	var diags hcl.Diagnostics
	// Databases are linked after storage groups, since their identities
	// contain their storage group's.
	var later []*link
	for _, l := range ev.links {
		if l.target == org.KindMailboxDatabase {
			later = append(later, l)
			continue
		}
		diags = append(diags, l.resolve(targets[l.target])...)
	}
	for _, db := range ev.org.Databases {
		targets[org.KindMailboxDatabase] = append(targets[org.KindMailboxDatabase], named{db.Addr, db.Name, db.Identity(), db.Addr.Kind})
	}
	for _, l := range later {
		diags = append(diags, l.resolve(targets[l.target])...)
	}
	return diags
}

func (l *link) resolve(all []named) hcl.Diagnostics {
	noun := l.target.Noun()
	if l.target == org.KindMailboxDatabase {
		noun = "database"
	}
	byIdentity := strings.Contains(l.value, `\`)
	var found []named
	for _, n := range all {
		if byIdentity && n.id.Key() == org.Identity(l.value).Key() || !byIdentity && strings.EqualFold(n.name, l.value) {
			found = append(found, n)
		}
	}
	if len(found) > 1 && len(l.labels) > 0 {
		var viaRef []named
		for _, n := range found {
			if slices.Contains(l.labels, n.addr.Name) {
				viaRef = append(viaRef, n)
			}
		}
		if len(viaRef) == 1 {
			found = viaRef
		}
	}
	diag := func(summary, detail string) hcl.Diagnostics {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: l.attr.Expr.Range().Ptr()}}
	}
	switch len(found) {
	case 0:
		names := make([]string, 0, len(all))
		for _, n := range all {
			if byIdentity {
				names = append(names, string(n.id))
			} else {
				names = append(names, n.name)
			}
		}
		return diag("Reference to unknown "+noun,
			fmt.Sprintf("%s = %q: no %s of that %s is declared.%s Declare it, or refer to one that is with %s.LABEL.name.",
				l.attr.Name, l.value, noun, map[bool]string{true: "identity", false: "name"}[byIdentity], suggest(l.value, names), l.target))
	case 1:
		n := found[0]
		if l.target == org.KindMailboxDatabase && n.kind == org.KindPublicFolderDatabase {
			return diag("Not a mailbox database",
				fmt.Sprintf("%s = %q names public folder database %s; a %s needs a mailbox database.", l.attr.Name, l.value, n.id, l.from.Kind.Noun()))
		}
		l.set(n.id)
		return nil
	}
	ids := make([]string, len(found))
	for i, n := range found {
		ids[i] = string(n.id)
	}
	return diag("Ambiguous "+noun+" name",
		fmt.Sprintf("%q names %d %ss: %s. Refer to one block (%s.LABEL.name) or write its identity, such as %q.",
			l.value, len(found), noun, strings.Join(ids, ", "), l.target, ids[0]))
}
