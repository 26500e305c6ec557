package lang

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/exdr/exdr/internal/connstr"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/exdr/exdr/org"
)

// DefaultLabPath is where the lab provider keeps its organization when the
// configuration does not say, relative to the configuration directory.
const DefaultLabPath = ".exdr/lab"

// settings decodes the exdr and provider blocks. They may use variables
// and functions, but not resources.
// Long on purpose: one attribute after another of two small blocks.
func (ev *evaluator) settings() hcl.Diagnostics {
	var diags hcl.Diagnostics
	ctx := ev.variablesContext()
	o := ev.org
	if b := ev.m.exdr; b != nil {
		o.DeclRange = b.DefRange
		content, ds := b.Body.Content(exdrSchema)
		diags = append(diags, ds...)
		var decl org.Decl
		d := newDecoder(ctx, content.Attributes, &decl)
		o.Name, _ = d.str("organization")
		if a := content.Attributes["organization"]; a != nil {
			checkOrganizationName(d, a, o.Name)
		}
		var objectives, backendBlock *hcl.Block
		for _, ob := range content.Blocks {
			switch {
			case ob.Type == "backend" && backendBlock != nil:
				diags = append(diags, duplicateBlock("backend block", ob, backendBlock, "An organization keeps its lock and journal in one backend.")...)
			case ob.Type == "backend":
				backendBlock = ob
				diags = append(diags, ev.backend(ctx, ob)...)
			case objectives != nil:
				diags = append(diags, duplicateBlock("objectives block", ob, objectives, "Keep one objectives block.")...)
			default:
				objectives = ob
				o.ObjectRange = ob.DefRange
				nd := d.nested(ob, objectivesSchema)
				if v := nd.duration("rto"); v != nil {
					o.Objectives.RTO = *v
				}
				if v := nd.duration("rpo"); v != nil {
					o.Objectives.RPO = *v
				}
				d.merge(nd)
			}
		}
		o.SettingsSecrets = append(o.SettingsSecrets, decl.Secrets...)
		diags = append(diags, d.diags...)
	}

	o.Provider = org.ProviderConfig{Type: "lab", Path: DefaultLabPath}
	for _, b := range ev.m.providers {
		typ := b.Labels[0]
		schema, ok := providerSchemas[typ]
		if !ok {
			types := sortedKeys(providerSchemas)
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown provider type",
				Detail:   fmt.Sprintf("exdr has no provider %q. The providers are %s.%s", typ, quoteList(types), suggest(typ, types)),
				Subject:  b.LabelRanges[0].Ptr(),
			})
			continue
		}
		if len(ev.m.providers) > 1 && b != ev.m.providers[0] {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "More than one provider",
				Detail:   fmt.Sprintf("A configuration is applied through one provider; provider %q is already declared at %s.", ev.m.providers[0].Labels[0], ev.m.providers[0].DefRange),
				Subject:  b.DefRange.Ptr(),
			})
			continue
		}
		content, ds := b.Body.Content(schema)
		diags = append(diags, ds...)
		var decl org.Decl
		d := newDecoder(ctx, content.Attributes, &decl)
		o.Provider = org.ProviderConfig{Range: b.DefRange, Type: typ, Path: DefaultLabPath}
		if p, ok := d.str("path"); ok {
			if strings.TrimSpace(p) == "" {
				d.errorf(content.Attributes["path"], "Empty lab path", "path names the directory of the lab, such as %q.", DefaultLabPath)
			}
			full := p
			if !filepath.IsAbs(full) {
				full = filepath.Join(ev.dir, p)
			}
			if st, err := os.Stat(full); err == nil && !st.IsDir() {
				// plan said only "take the lock: mkdir ...: not a
				// directory" (adversarial review).
				d.errorf(content.Attributes["path"], "Lab path is a file",
					"path is %s, a file: the lab is a folder (%s by default). Give the folder the lab is kept in, or remove path.", p, DefaultLabPath)
			}
			o.Provider.Path = p
		}
		if typ == "ems" {
			o.Provider.Path = ""
			o.Provider.PowerShell, _ = d.str("powershell")
			if o.Provider.PowerShell == "" {
				o.Provider.PowerShell = "powershell.exe"
			}
			o.Provider.DomainController, _ = d.str("domain_controller")
			o.Provider.BackupRestore = "manual"
			if v, ok := d.str("backup_restore"); ok && v != "manual" {
				d.errorf(content.Attributes["backup_restore"], "Unknown backup_restore",
					"backup_restore is \"manual\": exdr stops at each restore for a person to run the site's backup software, then checks the restored files. It has no backup software integration to name here, not %q.", v)
			}
			o.Provider.BackupMethod = "streaming"
			if v, ok := d.str("backup_method"); ok {
				if v != "streaming" && v != "vss" {
					d.errorf(content.Attributes["backup_method"], "Unknown backup_method",
						"backup_method is \"streaming\" (the legacy streaming API, NTBackup: a restore writes restore.env and hard recovery follows) or \"vss\" (a Volume Shadow Copy backup: no restore.env, soft recovery follows), not %q.", v)
				}
				o.Provider.BackupMethod = v
			}
		}
		diags = append(diags, d.diags...)
	}
	return diags
}

// checkOrganizationName refuses a name no organization has: empty,
// blank at either end, longer than Exchange's 64 characters, or with an
// invisible formatting character (U+202E would show the name reversed).
// The name also keys the organization's lock in a shared backend, so two
// configurations must not differ by what nobody can see.
func checkOrganizationName(d *decoder, a *hcl.Attribute, name string) {
	switch {
	case strings.TrimSpace(name) == "":
		d.errorf(a, "Empty organization name", "organization is the Exchange organization's name, as Setup /OrganizationName gave it, such as \"Contoso\".")
	case strings.TrimSpace(name) != name:
		d.errorf(a, "Organization name with spaces at its ends", "The organization's name %q begins or ends with a space: write it as Exchange shows it, without them.", name)
	case utf8.RuneCountInString(name) > 64:
		d.errorf(a, "Organization name too long", "An Exchange organization's name has at most 64 characters; this one has %d.", utf8.RuneCountInString(name))
	default:
		for _, r := range name {
			if unicode.Is(unicode.Cf, r) {
				d.errorf(a, "Invisible character in the organization name", "The organization's name holds U+%04X, a formatting character nobody sees: write the name without it.", r)
				return
			}
		}
	}
}

// backend decodes the exdr block's backend block. A password in the
// connection string is refused: the configuration is kept in git.
func (ev *evaluator) backend(ctx *hcl.EvalContext, b *hcl.Block) hcl.Diagnostics {
	typ := b.Labels[0]
	schema, ok := backendSchemas[typ]
	if !ok {
		types := sortedKeys(backendSchemas)
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unknown backend type",
			Detail:   fmt.Sprintf("exdr has no backend %q. The backends are %s; without a backend block the lock and the journal are files beside the provider's data.%s", typ, quoteList(types), suggest(typ, types)),
			Subject:  b.LabelRanges[0].Ptr(),
		}}
	}
	content, diags := b.Body.Content(schema)
	var decl org.Decl
	d := newDecoder(ctx, content.Attributes, &decl)
	ev.org.Backend = org.BackendConfig{Range: b.DefRange, Type: typ}
	if cs, ok := d.str("conn_str"); ok {
		switch {
		case strings.TrimSpace(cs) == "":
			d.errorf(content.Attributes["conn_str"], "Empty connection string",
				"conn_str names the PostgreSQL database, such as \"postgres://exdr@db01.contoso.com/exdr\"; or leave it out and set EXDR_PG_CONN_STR.")
		case connstr.HasPassword(cs):
			// Shown at the block, not the attribute: the line holding
			// the password must not be quoted into a terminal or a log.
			at := content.Attributes["conn_str"].Range
			diag := &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "A password in the configuration",
				Detail: fmt.Sprintf("conn_str (line %d) holds a password, and the configuration is kept in git. Remove it, and give the password to the machines that run exdr: in EXDR_PG_CONN_STR (which then replaces conn_str), PGPASSWORD, or a ~/.pgpass file.",
					at.Start.Line),
				Subject: b.DefRange.Ptr(),
			}
			if !connstr.Readable(cs) {
				// It may hold a password, so it is not quoted either; but
				// what is wrong is its form (\"db01/exdr\" was said to
				// hold a password; adversarial review).
				diag.Summary = "Unreadable connection string"
				diag.Detail = fmt.Sprintf("conn_str (line %d) is neither a postgres:// URL nor key=value words, so exdr cannot tell what it holds. Write it as postgres://exdr@db01.contoso.com/exdr (no password: give that in EXDR_PG_CONN_STR, PGPASSWORD or ~/.pgpass).",
					at.Start.Line)
			}
			if at.Start.Line <= b.DefRange.End.Line {
				// The block on the password's line: no line is quoted,
				// the place is said in words.
				diag.Subject = nil
				diag.Detail = fmt.Sprintf("%s:%d,%d: %s", at.Filename, at.Start.Line, at.Start.Column, diag.Detail)
			}
			d.diags = append(d.diags, diag)
		default:
			ev.org.Backend.ConnStr = cs
		}
	}
	return append(diags, d.diags...)
}

// variablesContext gives the exdr and provider blocks every variable.
func (ev *evaluator) variablesContext() *hcl.EvalContext {
	vars := make(map[string]cty.Value, len(ev.m.variables))
	for name, v := range ev.m.variables {
		vars[name] = v.value
	}
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)},
		Functions: ev.funcs,
	}
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
