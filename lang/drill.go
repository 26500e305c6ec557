package lang

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
)

var drillSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "allow_data_loss"}, {Name: "failback"}},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "before", LabelNames: []string{"kind"}},
		{Type: "disaster", LabelNames: []string{"kind"}},
		{Type: "expect"},
	},
}

var drillExpectSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "rto"}, {Name: "rpo"}, {Name: "items_back"}, {Name: "messages_delivered"}, {Name: "users_back"}},
}

// drills decodes the drill blocks. They may use variables and functions;
// the resources they damage are named by address or identity, checked
// against the configuration.
func (ev *evaluator) drills() ([]*org.Drill, hcl.Diagnostics) {
	var out []*org.Drill
	var diags hcl.Diagnostics
	ctx := ev.variablesContext()
	for _, b := range ev.m.drills {
		dr := &org.Drill{Name: b.Labels[0], Range: b.DefRange}
		diags = append(diags, checkIdentifier("drill", dr.Name, b.LabelRanges[0])...)
		content, ds := b.Body.Content(drillSchema)
		diags = append(diags, ds...)
		var decl org.Decl
		d := newDecoder(ctx, content.Attributes, &decl)
		dr.AllowDataLoss = d.boolean("allow_data_loss", false)
		dr.Failback = d.boolean("failback", false)
		expects := 0
		for _, nb := range content.Blocks {
			switch nb.Type {
			case "expect":
				if expects++; expects > 1 {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate expect block",
						Detail: "A drill has one expect block.", Subject: nb.DefRange.Ptr()})
					continue
				}
				nd := d.nested(nb, drillExpectSchema)
				dr.Expect.RTO, dr.Expect.RPO = nd.duration("rto"), nd.duration("rpo")
				dr.Expect.ItemsBack = nd.boolean("items_back", true)
				dr.Expect.MessagesDelivered = nd.boolean("messages_delivered", true)
				dr.Expect.UsersBack = nd.duration("users_back")
				d.merge(nd)
			case "before", "disaster":
				kinds := org.DrillBefore
				if nb.Type == "disaster" {
					kinds = org.DrillDisasters
				}
				if a, ok := ev.drillAction(d, nb, kinds); ok {
					if nb.Type == "before" {
						dr.Before = append(dr.Before, a)
					} else {
						dr.Disaster = append(dr.Disaster, a)
					}
				}
			}
		}
		if expects == 0 {
			dr.Expect.ItemsBack, dr.Expect.MessagesDelivered = true, true
		}
		if len(dr.Disaster) == 0 && !d.diags.HasErrors() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Drill without a disaster",
				Detail: fmt.Sprintf("drill %q inflicts nothing: add a disaster block, such as disaster \"lose_server\" { server = \"MBX01\" }.", dr.Name), Subject: b.DefRange.Ptr()})
		}
		diags = append(diags, d.diags...)
		out = append(out, dr)
	}
	return out, diags
}

// drillAction decodes one before or disaster block: its kind, its
// arguments, and that what it names exists.
func (ev *evaluator) drillAction(d *decoder, b *hcl.Block, kinds map[string]org.DrillKind) (org.DrillAction, bool) {
	kind := b.Labels[0]
	spec, ok := kinds[kind]
	if !ok {
		names := sortedKeys(kinds)
		d.diags = append(d.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown " + b.Type + " kind",
			Detail:  fmt.Sprintf("A %s block is one of %s.%s", b.Type, quoteList(names), suggest(kind, names)),
			Subject: b.LabelRanges[0].Ptr()})
		return org.DrillAction{}, false
	}
	schema := &hcl.BodySchema{}
	for i, name := range spec.Args {
		schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: name, Required: i < spec.Required})
	}
	nd := d.nested(b, schema)
	defer d.merge(nd)
	a := org.DrillAction{Kind: kind, Range: b.DefRange, Args: map[string]string{}, ArgRanges: map[string]hcl.Range{}}
	for _, name := range spec.Args {
		attr, present := nd.attrs[name]
		if !present {
			continue
		}
		v, _, ok := nd.raw(name, tString)
		if !ok {
			continue
		}
		s := v.AsString()
		a.Args[name], a.ArgRanges[name] = s, attr.Expr.Range()
		if msg := ev.drillTarget(name, s); msg != "" {
			summary := "Invalid drill value"
			if name == "server" || name == "database" || name == "storage_group" {
				summary = "Drill target not found"
			}
			nd.errorf(attr, summary, "%s", msg)
		}
	}
	return a, !nd.diags.HasErrors()
}

// drillTarget checks that an argument names what it must; it returns why
// not, or "".
func (ev *evaluator) drillTarget(name, value string) string {
	o := ev.org
	switch name {
	case "server":
		// A clustered mailbox server's node is a machine a drill may
		// lose or fail too.
		if !slices.ContainsFunc(o.Servers, func(s *org.Server) bool {
			return strings.EqualFold(s.Name, value) || s.Cluster != nil && slices.ContainsFunc(s.Cluster.Nodes, func(n string) bool { return strings.EqualFold(n, value) })
		}) {
			return fmt.Sprintf("no server %q in the configuration (nor a node of a clustered mailbox server).", value)
		}
	case "database":
		if !slices.ContainsFunc(o.Databases, func(db *org.Database) bool {
			return db.Addr.String() == value || db.Identity().Key() == org.Identity(value).Key()
		}) {
			return fmt.Sprintf("no database %q in the configuration: give its address (mailbox_database.DB1) or identity (MBX01\\SG1\\DB1).", value)
		}
	case "storage_group":
		if !slices.ContainsFunc(o.StorageGroups, func(sg *org.StorageGroup) bool {
			return sg.Addr.String() == value || sg.Identity().Key() == org.Identity(value).Key()
		}) {
			return fmt.Sprintf("no storage group %q in the configuration: give its address or identity (MBX01\\SG1).", value)
		}
	case "mailboxes", "items", "external", "seed", "page", "from", "count":
		zeroOK := name == "seed" || name == "page" || name == "external"
		if n, err := strconv.ParseUint(value, 10, 32); err != nil || (n == 0 && !zeroOK) {
			return fmt.Sprintf("%s must be a whole number%s, not %q.", name, map[bool]string{true: "", false: " above zero"}[zeroOK], value)
		}
	case "method":
		if value != "streaming" && value != "vss" {
			return fmt.Sprintf("method is \"streaming\" or \"vss\" (a Volume Shadow Copy backup), not %q.", value)
		}
	case "type":
		if _, ok := org.ParseBackupType(value); !ok {
			return fmt.Sprintf("type is one of \"full\", \"incremental\", \"differential\", \"copy\", not %q.", value)
		}
	case "advance":
		if d, err := org.ParseDuration(value); err != nil || d <= 0 {
			return fmt.Sprintf("advance is how far the lab's clock moves, such as \"14d\" or \"6h\", not %q.", value)
		}
	}
	return ""
}
