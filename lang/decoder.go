package lang

import (
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/exdr/exdr/org"
)

// decoder reads the attributes of one block (or one for_each instance of
// it) into Go values, collecting diagnostics and the block's reference
// object as it goes.
type decoder struct {
	ctx   *hcl.EvalContext
	attrs hcl.Attributes
	decl  *org.Decl
	// prefix names a nested block's attributes in decl.Attrs, such as
	// "recovery." for recovery.allow_data_loss.
	prefix string
	obj    map[string]cty.Value
	vars   map[string][]hcl.Traversal // each attribute's references, from buildGraph
	diags  hcl.Diagnostics
	// incomplete is set when a value is unknown because of an error
	// reported elsewhere; checks that would only repeat it are skipped.
	incomplete bool
	// required are the attributes the block's schema requires: one set
	// to null is as missing as one left out.
	required map[string]bool
}

// requires takes the required attributes from the block's schema.
func (d *decoder) requires(schema *hcl.BodySchema) *decoder {
	if schema == nil {
		return d
	}
	for _, a := range schema.Attributes {
		if a.Required {
			if d.required == nil {
				d.required = map[string]bool{}
			}
			d.required[a.Name] = true
		}
	}
	return d
}

func newDecoder(ctx *hcl.EvalContext, attrs hcl.Attributes, decl *org.Decl) *decoder {
	return &decoder{ctx: ctx, attrs: attrs, decl: decl, obj: map[string]cty.Value{}}
}

// nested returns a decoder for a nested block's attributes, whose
// diagnostics and Decl entries join this one's.
func (d *decoder) nested(b *hcl.Block, schema *hcl.BodySchema) *decoder {
	content, diags := b.Body.Content(schema)
	d.diags = append(d.diags, diags...)
	return (&decoder{ctx: d.ctx, attrs: content.Attributes, decl: d.decl, prefix: b.Type + ".", obj: map[string]cty.Value{}}).requires(schema)
}

// merge takes back a nested decoder's diagnostics.
func (d *decoder) merge(n *decoder) {
	d.diags = append(d.diags, n.diags...)
	d.incomplete = d.incomplete || n.incomplete
}

func ctyType(t attrType) cty.Type {
	switch t {
	case tBool:
		return cty.Bool
	case tStringList:
		return cty.List(cty.String)
	case tCount:
		return cty.Number
	}
	return cty.String
}

func typeDetail(t attrType) string {
	switch t {
	case tBool:
		return "true or false"
	case tStringList:
		return `a list of strings, such as ["mailbox", "client_access"]`
	case tDuration:
		return `a duration such as "14d", "12h" or "14.00:00:00"`
	case tSize:
		return `a size such as "512MB" or "4GB"`
	case tPercent:
		return `a percentage such as "30%"`
	case tCount:
		return "a whole number, 0 or more, such as 10"
	case tTime:
		return `"latest" or a time such as "2026-11-20T22:00:00Z"`
	case tPath:
		return `an absolute Windows path such as "E:\\Exchange\\SG1"`
	}
	return "a string"
}

// raw evaluates an attribute and converts it to its type's cty type. It
// returns false when the attribute is unset or null.
func (d *decoder) raw(name string, t attrType) (cty.Value, *hcl.Attribute, bool) {
	a, ok := d.attrs[name]
	if !ok {
		d.obj[name] = cty.NullVal(ctyType(t))
		return cty.NilVal, nil, false
	}
	val, diags := a.Expr.Value(d.ctx)
	d.diags = append(d.diags, diags...)
	if diags.HasErrors() || !val.IsWhollyKnown() {
		d.incomplete = true
		d.obj[name] = cty.UnknownVal(ctyType(t))
		return cty.NilVal, nil, false
	}
	sensitive := val.ContainsMarked()
	if sensitive {
		if d.decl.Sensitive == nil {
			d.decl.Sensitive = map[string]bool{}
		}
		d.decl.Sensitive[d.prefix+name] = true
		val, _ = val.UnmarkDeep()
	}
	conv, err := convert.Convert(val, ctyType(t))
	if sensitive && err == nil {
		d.decl.Secrets = append(d.decl.Secrets, secretForms(conv)...)
	}
	if err != nil {
		d.errorf(a, "Incorrect attribute value type", "%s must be %s: %s.", name, typeDetail(t), err)
		d.obj[name] = cty.UnknownVal(ctyType(t))
		return cty.NilVal, nil, false
	}
	if conv.IsNull() {
		d.obj[name] = conv
		if d.required[name] {
			// A required reference set to null passed as given and
			// crashed the validation; a required value set to null made
			// commands with empty arguments (adversarial review).
			d.diags = append(d.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing required argument",
				Detail:   fmt.Sprintf("%s is null, and the block needs it: give it a value (a variable left at a null default, or a lookup that found nothing?).", name),
				Subject:  a.Expr.Range().Ptr(),
			})
			d.incomplete = true
		}
		return cty.NilVal, nil, false
	}
	if t == tStringList {
		for it := conv.ElementIterator(); it.Next(); {
			if _, v := it.Element(); v.IsNull() {
				d.errorf(a, "Incorrect attribute value type", "%s must be %s, without nulls.", name, typeDetail(t))
				return cty.NilVal, nil, false
			}
		}
	}
	d.obj[name] = conv
	d.decl.Attrs.Put(d.prefix+name, a.Expr.Range())
	return conv, a, true
}

// secretForms are the texts a value from a sensitive variable can take
// in what exdr prints: as given, and, where it reads as a duration or a
// size, as exdr writes those (20d is 20.00:00:00).
func secretForms(v cty.Value) []string {
	var out []string
	switch {
	case v.IsNull() || !v.IsKnown():
	case v.Type() == cty.String:
		s := v.AsString()
		out = append(out, s)
		if dur, err := org.ParseDuration(s); err == nil {
			out = append(out, dur.String())
		}
		if size, err := org.ParseSize(s); err == nil {
			out = append(out, size.String())
		}
	case v.Type() == cty.Number:
		out = append(out, v.AsBigFloat().Text('f', -1))
	case v.Type().IsListType() || v.Type().IsSetType() || v.Type().IsTupleType():
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, secretForms(e)...)
		}
	}
	return out
}

func (d *decoder) errorf(a *hcl.Attribute, summary, format string, args ...any) {
	detail := fmt.Sprintf(format, args...)
	if d.decl.Sensitive[d.prefix+a.Name] {
		// The detail quotes the value; a secret must not reach the screen.
		detail = fmt.Sprintf("The value of %s comes from a sensitive variable, so it is not shown here. "+
			"Check the variable's value: %s is not valid.", a.Name, a.Name)
	}
	d.diags = append(d.diags, &hcl.Diagnostic{
		Severity:    hcl.DiagError,
		Summary:     summary,
		Detail:      detail,
		Subject:     a.Expr.Range().Ptr(),
		Expression:  a.Expr,
		EvalContext: d.ctx,
	})
}

func (d *decoder) str(name string) (string, bool) {
	v, a, ok := d.raw(name, tString)
	if !ok {
		return "", false
	}
	d.printable(a, name, v.AsString())
	return v.AsString(), true
}

// printable refuses a value with a control character: no Exchange name,
// address or folder holds one, and in a shell script a newline would end
// the command.
func (d *decoder) printable(a *hcl.Attribute, name, s string) {
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			d.errorf(a, "Control character in a value", "%s %q holds the control character U+%04X; Exchange accepts none. Remove it (a newline or tab from a file read with file() often ends up here: wrap it in trimspace()).", name, s, r)
			return
		}
	}
}

func (d *decoder) boolean(name string, def bool) bool {
	v, _, ok := d.raw(name, tBool)
	if !ok {
		return def
	}
	return v.True()
}

// count reads a whole number of 0 or more; ok is false when unset or
// not one (then an error is reported at the attribute).
func (d *decoder) count(name string) (n int, ok bool) {
	v, a, set := d.raw(name, tCount)
	if !set {
		return 0, false
	}
	bf := v.AsBigFloat()
	i, acc := bf.Int64()
	if bf.Sign() < 0 || !bf.IsInt() || acc != big.Exact || i > 1<<31-1 {
		d.errorf(a, "Incorrect attribute value type", "%s must be %s, not %s.", name, typeDetail(tCount), bf.Text('g', 10))
		return 0, false
	}
	return int(i), true
}

// optBool is a setting the configuration may leave to Exchange.
func (d *decoder) optBool(name string) *bool {
	v, _, ok := d.raw(name, tBool)
	if !ok {
		return nil
	}
	b := v.True()
	return &b
}

func (d *decoder) strList(name string) ([]string, *hcl.Attribute) {
	v, a, ok := d.raw(name, tStringList)
	if !ok {
		return nil, nil
	}
	out := make([]string, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		d.printable(a, name, e.AsString())
		out = append(out, e.AsString())
	}
	return out, a
}

func (d *decoder) duration(name string) *org.Duration {
	v, a, ok := d.raw(name, tDuration)
	if !ok {
		return nil
	}
	dur, err := org.ParseDuration(v.AsString())
	if err != nil {
		d.errorf(a, "Invalid duration", "%s: %s. Write %s.", name, err, typeDetail(tDuration))
		return nil
	}
	return &dur
}

func (d *decoder) size(name string) org.Size {
	v, a, ok := d.raw(name, tSize)
	if !ok {
		return 0
	}
	s, err := org.ParseSize(v.AsString())
	if err != nil {
		d.errorf(a, "Invalid size", "%s: %s.", name, err)
	}
	return s
}

func (d *decoder) percent(name string) org.Percent {
	v, a, ok := d.raw(name, tPercent)
	if !ok {
		return 0
	}
	p, err := org.ParsePercent(v.AsString())
	if err != nil {
		d.errorf(a, "Invalid percentage", "%s: %s.", name, err)
	}
	return p
}

// timestamp reads "latest" (the zero time) or an RFC 3339 time.
func (d *decoder) timestamp(name string) time.Time {
	v, a, ok := d.raw(name, tTime)
	if !ok || v.AsString() == "latest" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v.AsString())
	if err != nil {
		d.errorf(a, "Invalid time", "%s must be %s, with its time zone; %q is neither.", name, typeDetail(tTime), v.AsString())
	}
	return t
}

// exchangeName reads an Exchange object name and checks that Exchange
// would accept it: check says why not, summary heads the error.
func (d *decoder) exchangeName(def string, summary string, check func(string) error) string {
	v, a, ok := d.raw("name", tName)
	if !ok {
		if err := check(def); err != nil {
			d.diags = append(d.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  summary,
				Detail:   fmt.Sprintf("%q %s. Set name = \"...\" in the block to give it a name Exchange accepts.", def, err),
				Subject:  d.decl.Range.Ptr(),
			})
		}
		d.obj["name"] = cty.StringVal(def)
		return def
	}
	name := v.AsString()
	if err := check(name); err != nil {
		d.errorf(a, summary, "%q %s.", name, err)
	}
	return name
}

// invalidNameChars are the characters Exchange refuses in the names of
// storage groups and databases; the backslash also separates identities.
const invalidNameChars = `\/"*?<>|:;,=[]`

// checkExchangeName applies the rules of the Management Shell's name
// validation for storage groups and databases: 1 to 64 characters, none
// of invalidNameChars, no control characters, no leading or trailing
// space; and, because the names become folder names, neither only dots
// nor a trailing dot.
func checkExchangeName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("is empty")
	case len([]rune(name)) > 64:
		return fmt.Errorf("is longer than the 64 characters Exchange allows")
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("starts or ends with a space, which Exchange trims away")
	case strings.ContainsAny(name, invalidNameChars):
		return fmt.Errorf("contains one of %s, which Exchange does not accept in a name", invalidNameChars)
	case strings.Trim(name, ".") == "":
		// "." and ".." name a folder and its parent in every path built
		// from the name (the restore folder beside the database file).
		return fmt.Errorf("is only dots, which name a folder or its parent in a path")
	case strings.HasSuffix(name, "."):
		return fmt.Errorf("ends with a dot, which Windows drops from file and folder names")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("contains a control character")
		}
	}
	return nil
}

// aliasSymbols are the characters besides letters and digits that an
// alias may hold: those of an e-mail address's local part.
const aliasSymbols = "!#$%&'*+-/=?^_`{|}~"

// maxAliasLength is the longest alias the directory keeps (mailNickname).
const maxAliasLength = 64

// checkMailboxAlias applies Exchange 2007's rule for an alias, which the
// Management Shell states when it refuses one: "Valid values are: Strings
// formed with characters from a to z (uppercase or lowercase), digits from
// 0 to 9, !, #, $, %, &, ', *, +, -, /, =, ?, ^, _, `, {, |, } or ~. One or
// more periods may be embedded in an alias, but each one of them should be
// preceded and followed by at least one of the other characters. Unicode
// characters from U+00A1 to U+00FF are also valid in an alias" (quoted in
// https://techcommunity.microsoft.com/blog/exchange/exchange-2007-scripting-corner-fix-alias/593132).
// A mailbox exdr cannot create is better refused by validate than by
// New-Mailbox in the middle of a recovery.
func checkMailboxAlias(alias string) error {
	switch {
	case alias == "":
		return fmt.Errorf("is empty")
	case len([]rune(alias)) > maxAliasLength:
		return fmt.Errorf("is longer than the %d characters an alias may have", maxAliasLength)
	case strings.HasPrefix(alias, ".") || strings.HasSuffix(alias, ".") || strings.Contains(alias, ".."):
		return fmt.Errorf("has a period at its start, at its end or beside another; Exchange accepts a period only between other characters (help.desk)")
	}
	for _, r := range alias {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.':
		case r < 0x80 && strings.ContainsRune(aliasSymbols, r):
		case r >= 0xA1 && r <= 0xFF:
		default:
			return fmt.Errorf("contains %q, which Exchange does not accept in an alias: use letters a to z, digits, periods between other characters, the characters %s, or the letters U+00A1 to U+00FF (ä, é, ß)", r, aliasSymbols)
		}
	}
	return nil
}

// path reads an absolute Windows path, where Exchange keeps its files.
func (d *decoder) path(name string) string {
	v, a, ok := d.raw(name, tPath)
	if !ok {
		return ""
	}
	p := v.AsString()
	if err := checkWindowsPath(p); err != nil {
		d.errorf(a, "Invalid Windows path", "%s %q %s. Exchange keeps its files on a local drive: write %s.", name, p, err, typeDetail(tPath))
	}
	return p
}

// checkWindowsPath accepts a local absolute path: a drive letter, a colon,
// a backslash and path components Windows allows.
func checkWindowsPath(p string) error {
	if len(p) < 3 || !isLetter(p[0]) || p[1] != ':' || p[2] != '\\' {
		if strings.HasPrefix(p, `\\`) {
			return fmt.Errorf("is a network path; Exchange databases and logs must be on a local drive")
		}
		return fmt.Errorf("is not absolute (it must start with a drive, such as E:\\)")
	}
	parts := strings.Split(p[3:], `\`)
	for i, part := range parts {
		// Windows reads E:\Data\\DB1.edb, E:\Data.\DB1.edb and
		// E:\Data \DB1.edb as E:\Data\DB1.edb: refused, so that the checks
		// for a file or log folder used twice, which compare paths as
		// written, see one spelling (two databases validated on one file).
		if part == "" {
			if i == len(parts)-1 {
				continue // a trailing backslash names the same folder
			}
			return fmt.Errorf("contains a doubled backslash, which Windows reads as one; write one")
		}
		if strings.HasSuffix(part, ".") || strings.HasSuffix(part, " ") {
			return fmt.Errorf("has a name ending in a dot or a space (%q), which Windows removes; write the name without it", part)
		}
		if reservedDevice(part) {
			return fmt.Errorf("uses %q, a device name Windows reserves (CON, PRN, AUX, NUL, COM1-9, LPT1-9); choose another name", part)
		}
		if strings.ContainsAny(part, `<>:"/|?*`) {
			return fmt.Errorf(`contains one of < > : " / | ? *, which Windows does not allow in a path`)
		}
		if part == "." || part == ".." {
			return fmt.Errorf("contains %q; write the path without it", part)
		}
		for _, r := range part {
			if r < 0x20 {
				return fmt.Errorf("contains a control character")
			}
		}
	}
	return nil
}

// reservedDevice reports whether a file or folder name is one of the DOS
// device names Windows keeps in every folder, with or without an
// extension ("NUL.edb" is NUL).
func reservedDevice(name string) bool {
	base, _, _ := strings.Cut(name, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '1' && base[3] <= '9'
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
