package generate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/exdr/exdr/org"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// label is the block a resource is written as: its kind, its label (an
// HCL identifier, so that a reference can name it) and its address.
type label struct {
	kind, label, addr string
	// csv is set for a mailbox written as a row of mailboxes.csv; alias
	// is its alias, and alone the label it has when written as a block
	// of its own (under -target).
	csv          bool
	alias, alone string
}

// names gives every resource of the organization its block, each label
// unique within its kind.
type names struct {
	order  []*label
	byAddr map[string]*label

	server  map[*org.Server]*label
	sg      map[*org.StorageGroup]*label
	db      map[*org.Database]*label
	queue   map[*org.QueueDatabase]*label
	mailbox map[*org.Mailbox]*label
	// csv is set when the mailboxes go to mailboxes.csv.
	csv bool
	// skipped are the live mailboxes not declared, each with why.
	skipped []skippedMailbox
	// dbNames counts the databases, of both kinds, by lower-cased name:
	// a mailbox's database = "NAME" must name one of them.
	dbNames map[string]int

	serverKey, sgKey, dbKey map[string]*label
	taken                   map[string]bool // kind + "." + lower-cased label

	// What each server holds and each storage group holds, in the
	// organization's order, by folded identity: found once, not by a
	// scan per server (quadratic at 10,000 databases).
	groupsOf    map[string][]*org.StorageGroup
	databasesOf map[string][]*org.Database
	queuesOf    map[string][]*org.QueueDatabase
	recoveryOf  map[string][]*org.RecoveryStorageGroup
	// served are the databases SCR copies became on their standbys, by
	// the standby's server key: not declared, said in a comment.
	served map[string][]servedCopy
}

func (n *names) index(live *org.Org) {
	n.groupsOf, n.databasesOf = map[string][]*org.StorageGroup{}, map[string][]*org.Database{}
	n.queuesOf, n.recoveryOf = map[string][]*org.QueueDatabase{}, map[string][]*org.RecoveryStorageGroup{}
	for _, sg := range live.StorageGroups {
		if !sg.Recovery {
			k := org.Identity(sg.Server).Key()
			n.groupsOf[k] = append(n.groupsOf[k], sg)
		}
	}
	for _, db := range live.Databases {
		n.databasesOf[db.StorageGroup.Key()] = append(n.databasesOf[db.StorageGroup.Key()], db)
	}
	for _, q := range live.QueueDatabases {
		k := org.Identity(q.Server).Key()
		n.queuesOf[k] = append(n.queuesOf[k], q)
	}
	for _, r := range live.RecoveryStorageGroups {
		k := org.Identity(r.Server).Key()
		n.recoveryOf[k] = append(n.recoveryOf[k], r)
	}
}

func (n *names) serverByName(name string) *label     { return n.serverKey[org.Identity(name).Key()] }
func (n *names) sgByIdentity(id org.Identity) *label { return n.sgKey[id.Key()] }
func (n *names) dbByIdentity(id org.Identity) *label { return n.dbKey[id.Key()] }

// csvLabel is the mailbox block whose for_each reads mailboxes.csv.
const csvLabel = "users"

func name(live *org.Org, opts Options) *names {
	n := &names{byAddr: map[string]*label{},
		server: map[*org.Server]*label{}, sg: map[*org.StorageGroup]*label{}, db: map[*org.Database]*label{},
		queue: map[*org.QueueDatabase]*label{}, mailbox: map[*org.Mailbox]*label{}, dbNames: map[string]int{},
		serverKey: map[string]*label{}, sgKey: map[string]*label{}, dbKey: map[string]*label{}, taken: map[string]bool{}}
	dbNames := map[string]int{}
	for _, db := range live.Databases {
		dbNames[fmt.Sprint(db.Kind)+"\x00"+strings.ToLower(ident(db.Name, ""))]++
		n.dbNames[strings.ToLower(db.Name)]++
	}
	n.index(live)
	for _, s := range live.Servers {
		l := n.add("server", ident(s.Name, "server_"))
		n.server[s], n.serverKey[s.Identity().Key()] = l, l
		for _, sg := range n.groupsOf[s.Identity().Key()] {
			l := n.add("storage_group", ident(s.Name+"_"+sg.Name, "sg_"))
			n.sg[sg], n.sgKey[sg.Identity().Key()] = l, l
			for _, db := range n.databasesOf[sg.Identity().Key()] {
				kind := "mailbox_database"
				if db.Kind == org.PublicFolderDB {
					kind = "public_folder_database"
				}
				want := ident(db.Name, "db_")
				if dbNames[fmt.Sprint(db.Kind)+"\x00"+strings.ToLower(ident(db.Name, ""))] > 1 {
					want = ident(s.Name+"_"+db.Name, "db_")
				}
				l := n.add(kind, want)
				n.db[db], n.dbKey[db.Identity().Key()] = l, l
			}
		}
		for _, q := range n.queuesOf[s.Identity().Key()] {
			n.queue[q] = n.add("queue_database", n.server[s].label)
		}
	}
	max := opts.MailboxCSV
	if max <= 0 {
		max = 5
	}
	var declared []*org.Mailbox
	for _, mb := range live.Mailboxes {
		if why := notDeclared(mb, n.dbKey); why != "" {
			n.skipped = append(n.skipped, skippedMailbox{mb, why})
			continue
		}
		declared = append(declared, mb)
	}
	n.csv = len(declared) > max
	if n.csv {
		n.taken["mailbox."+csvLabel] = true
	}
	aliases := map[string]bool{}
	var rows []*label
	for _, mb := range declared {
		key := strings.ToLower(mb.Name)
		overrides := mb.UseDatabaseRetentionDefaults != nil && !*mb.UseDatabaseRetentionDefaults
		if n.csv && !overrides && !aliases[key] && !strings.ContainsAny(mb.Name, "\"\\") {
			aliases[key] = true
			l := &label{kind: "mailbox", label: csvLabel, addr: fmt.Sprintf("mailbox.%s[%q]", csvLabel, mb.Name), csv: true, alias: mb.Name}
			n.order = append(n.order, l)
			n.byAddr[l.addr] = l
			n.mailbox[mb] = l
			rows = append(rows, l)
			continue
		}
		n.mailbox[mb] = n.add("mailbox", ident(mb.Name, "mailbox_"))
	}
	// A row written alone (under -target) is a block of its own: its
	// label is taken now, so that no two blocks share one.
	for _, l := range rows {
		l.alone = n.take("mailbox", ident(l.alias, "mailbox_"))
	}
	return n
}

// add takes a label of kind, want or want_2, want_3..., for a block.
func (n *names) add(kind, want string) *label {
	lbl := n.take(kind, want)
	l := &label{kind: kind, label: lbl, addr: kind + "." + lbl}
	n.order = append(n.order, l)
	n.byAddr[l.addr] = l
	return l
}

// take reserves a label of kind: want, or want_2, want_3... when taken.
func (n *names) take(kind, want string) string {
	lbl := want
	for i := 2; n.taken[kind+"."+strings.ToLower(lbl)]; i++ {
		lbl = fmt.Sprintf("%s_%d", want, i)
	}
	n.taken[kind+"."+strings.ToLower(lbl)] = true
	return lbl
}

// skippedMailbox is a mailbox the store or directory shows that is not
// declared, and why.
type skippedMailbox struct {
	mb  *org.Mailbox
	why string
}

// notDeclared says why a live mailbox is not written as a block, or "".
func notDeclared(mb *org.Mailbox, dbs map[string]*label) string {
	switch {
	case mb.Name == "" || (mb.Health != nil && !mb.Health.Disconnected.IsZero()):
		return "disconnected: the store keeps it for the mailbox retention, no user has it"
	case mb.Health != nil && !mb.Health.InDirectory:
		return "its account is gone from Active Directory; the store still holds it"
	case dbs[mb.Database.Key()] == nil:
		return fmt.Sprintf("its database %s is not in the organization as read", mb.Database)
	}
	return ""
}

// ident is s as an HCL identifier: ASCII letters, digits, underscores and
// dashes, starting with a letter (prefix added when it does not).
func ident(s, prefix string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
			b.WriteRune(c)
		case c > unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)):
			b.WriteRune(c) // HCL identifiers take letters of every script
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if r, _ := utf8.DecodeRuneInString(out); out == "" || !unicode.IsLetter(r) {
		out = prefix + out
	}
	if !hclsyntax.ValidIdentifier(out) {
		return ident(asciiOnly(s), prefix)
	}
	return out
}

// asciiOnly is s with every non-ASCII character an underscore.
func asciiOnly(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c > unicode.MaxASCII {
			c = '_'
		}
		b.WriteRune(c)
	}
	return b.String()
}
