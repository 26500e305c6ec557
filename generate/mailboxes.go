package generate

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/exdr/exdr/internal/english"
	"github.com/exdr/exdr/org"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// mailboxFiles are mailboxes.exdr.hcl and, with more mailboxes than
// Options.MailboxCSV, mailboxes.csv.
func (g *generator) mailboxFiles() ([]byte, []byte) {
	var plain, rows []*org.Mailbox
	skipped := len(g.n.skipped)
	for _, mb := range g.live.Mailboxes {
		lbl, ok := g.n.mailbox[mb]
		if !ok {
			continue
		}
		if !g.writes(lbl.addr) {
			continue
		}
		if lbl.csv && len(g.wanted) == 0 {
			rows = append(rows, mb)
		} else {
			plain = append(plain, mb)
		}
	}
	if len(plain) == 0 && len(rows) == 0 && (skipped == 0 || len(g.wanted) > 0) {
		return nil, nil
	}
	f := hclwrite.NewEmptyFile()
	w := f.Body()
	if len(g.wanted) == 0 {
		g.header(w, "Every user's mailbox and the database it must be connected in.")
	}
	if skipped > 0 && len(g.wanted) == 0 {
		lines := []string{fmt.Sprintf("Not written: %d %s the organization shows but a configuration should not simply declare;", skipped, english.Agree(skipped, "mailbox", "mailboxes")),
			"declare one to bring it back to a user:"}
		for i, sk := range g.n.skipped {
			if i == maxListed {
				lines = append(lines, fmt.Sprintf("  and %d more", skipped-maxListed))
				break
			}
			lines = append(lines, fmt.Sprintf("  %s in %s: %s", mailboxName(sk.mb), sk.mb.Database, sk.why))
		}
		comment(w, lines...)
		w.AppendNewline()
	}
	var csvData []byte
	if len(rows) > 0 {
		comment(w, fmt.Sprintf("%d %s, one a row of mailboxes.csv beside this file.", len(rows), english.Agree(len(rows), "mailbox", "mailboxes")))
		b := w.AppendNewBlock("mailbox", []string{"users"}).Body()
		b.SetAttributeRaw("for_each", rawExpr(`{ for row in csvdecode(file("mailboxes.csv")) : row.alias => row }`))
		b.AppendNewline()
		b.SetAttributeRaw("display_name", rawExpr("each.value.display_name"))
		b.SetAttributeRaw("owner", rawExpr("each.value.owner"))
		b.SetAttributeRaw("database", rawExpr("each.value.database"))
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		cw.Write([]string{"alias", "display_name", "owner", "database"})
		for _, mb := range rows {
			cw.Write([]string{mb.Name, mb.DisplayName, mb.Owner, g.databaseName(mb.Database)})
		}
		cw.Flush()
		csvData = buf.Bytes()
	}
	for _, mb := range plain {
		if len(rows) > 0 || mb != plain[0] {
			w.AppendNewline()
		}
		lbl := *g.n.mailbox[mb]
		if lbl.csv {
			lbl.label = lbl.alone // a row of mailboxes.csv, written alone
		}
		b := w.AppendNewBlock("mailbox", []string{lbl.label}).Body()
		if lbl.label != mb.Name {
			b.SetAttributeValue("name", cty.StringVal(mb.Name))
		}
		if mb.DisplayName != "" {
			b.SetAttributeValue("display_name", cty.StringVal(mb.DisplayName))
		}
		if mb.Owner != "" {
			b.SetAttributeValue("owner", cty.StringVal(mb.Owner))
		}
		// A database's reference object has its name, not its identity: a
		// name two databases share is written as the identity instead.
		if dbName := g.databaseName(mb.Database); strings.Contains(dbName, `\`) {
			b.SetAttributeValue("database", cty.StringVal(dbName))
		} else {
			g.ref(b, "database", g.n.dbByIdentity(mb.Database), "name", dbName)
		}
		switch v := mb.UseDatabaseRetentionDefaults; {
		case v != nil && !*v:
			b.SetAttributeValue("use_database_retention_defaults", cty.False)
		case g.opts.All:
			b.SetAttributeValue("use_database_retention_defaults", cty.True) // Exchange's default
		}
		if mb.UseDatabaseRetentionDefaults != nil && !*mb.UseDatabaseRetentionDefaults {
			if v := mb.RetainDeletedItemsFor; v != nil {
				b.SetAttributeValue("retain_deleted_items_for", cty.StringVal(v.Truncate().Short()))
			}
			if v := mb.RetainDeletedItemsUntilBackup; v != nil && (g.opts.All || *v) {
				b.SetAttributeValue("retain_deleted_items_until_backup", cty.BoolVal(*v))
			}
		}
	}
	return format(f), csvData
}

// databaseName is how a mailbox names its database: by name when no
// other database has it, else by identity.
func (g *generator) databaseName(id org.Identity) string {
	parts := id.Parts()
	name := parts[len(parts)-1]
	if g.n.dbNames[strings.ToLower(name)] == 1 {
		return name
	}
	return string(id)
}

// maxListed is how many skipped mailboxes a comment names.
const maxListed = 20

// mailboxName names a mailbox for a comment: its alias, else its display
// name and GUID (a disconnected mailbox has no alias).
func mailboxName(mb *org.Mailbox) string {
	switch {
	case mb.Name != "":
		return mb.Name
	case mb.GUID != "":
		return fmt.Sprintf("%q (%s)", mb.DisplayName, mb.GUID)
	}
	return fmt.Sprintf("%q", mb.DisplayName)
}
