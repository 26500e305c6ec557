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
	var diags hcl.Diagnostics
	// In stages: a storage group's identity contains its server's name as
	// resolved, and a database's contains its storage group's.
	for _, target := range []org.Kind{org.KindServer, org.KindStorageGroup, org.KindMailboxDatabase} {
		ix := newTargetIndex(ev.targets(target))
		for _, l := range ev.links {
			if l.target == target {
				diags = append(diags, l.resolve(ix)...)
			}
		}
	}
	return diags
}

// targetIndex finds link targets by folded name and by folded identity.
type targetIndex struct {
	all     []named
	byName  map[string][]named
	byID    map[string][]named
	byLabel map[string][]named // by the block's label
}

func newTargetIndex(all []named) *targetIndex {
	ix := &targetIndex{all: all, byName: make(map[string][]named, len(all)), byID: make(map[string][]named, len(all))}
	for _, n := range all {
		k := strings.ToLower(n.name)
		ix.byName[k] = append(ix.byName[k], n)
		ix.byID[n.id.Key()] = append(ix.byID[n.id.Key()], n)
	}
	return ix
}

// labelled are the targets written in a block of this kind and label,
// indexed on first use (only a name that blocks share needs it): a
// mailbox_database and a public_folder_database may share a label.
func (ix *targetIndex) labelled(kind org.Kind, label string) []named {
	if ix.byLabel == nil {
		ix.byLabel = make(map[string][]named, len(ix.all))
		for _, n := range ix.all {
			k := n.addr.Kind.String() + "." + n.addr.Name
			ix.byLabel[k] = append(ix.byLabel[k], n)
		}
	}
	return ix.byLabel[kind.String()+"."+label]
}

func (ev *evaluator) targets(kind org.Kind) []named {
	var all []named
	switch kind {
	case org.KindServer:
		for _, s := range ev.org.Servers {
			all = append(all, named{s.Addr, s.Name, s.Identity(), org.KindServer})
		}
	case org.KindStorageGroup:
		for _, sg := range ev.org.StorageGroups {
			all = append(all, named{sg.Addr, sg.Name, sg.Identity(), org.KindStorageGroup})
		}
	case org.KindMailboxDatabase:
		for _, db := range ev.org.Databases {
			all = append(all, named{db.Addr, db.Name, db.Identity(), db.Addr.Kind})
		}
	}
	return all
}

func (l *link) resolve(ix *targetIndex) hcl.Diagnostics {
	noun := l.target.Noun()
	if l.target == org.KindMailboxDatabase {
		noun = "database"
	}
	byIdentity := strings.Contains(l.value, `\`)
	var found []named
	if byIdentity {
		found = ix.byID[org.Identity(l.value).Key()]
	} else {
		found = ix.byName[strings.ToLower(l.value)]
	}
	if len(found) > 1 && len(l.labels) > 0 {
		// The blocks the expression refers to, among those of this name:
		// looked up by label, as a name can be shared by thousands (SG01
		// on every server), and a scan per reference was quadratic.
		var viaRef []named
		for _, label := range l.labels {
			for _, n := range ix.labelled(l.target, label) {
				same := strings.ToLower(n.name) == strings.ToLower(l.value) // as byName folds
				if byIdentity {
					same = n.id.Key() == org.Identity(l.value).Key()
				}
				if same && !slices.ContainsFunc(viaRef, func(v named) bool { return v.addr == n.addr }) {
					viaRef = append(viaRef, n)
				}
			}
		}
		if len(viaRef) == 1 {
			found = viaRef
		}
	}
	diag := func(summary, detail string) hcl.Diagnostics {
		if l.sensitive {
			detail = fmt.Sprintf("%s comes from a sensitive variable, so its value is not shown here; it does not name exactly one %s. "+
				"Check the variable's value.", l.attr.Name, noun)
		}
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: l.attr.Expr.Range().Ptr()}}
	}
	switch len(found) {
	case 0:
		names := make([]string, 0, len(ix.all))
		for _, n := range ix.all {
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
