package lang

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// sensitiveMark marks a value that came from a sensitive variable. hcl's
// diagnostic writer already declines to print marked values; renderings
// redact whatever carries the mark.
const sensitiveMark = "sensitive"

// EnvPrefix prefixes environment variables that set input variables:
// EXDR_VAR_item_retention=7d sets var.item_retention.
const EnvPrefix = "EXDR_VAR_"

// EnvVar reads one environment entry, NAME=VALUE: the input variable it
// sets and its value, or ok false for an entry that sets none.
func EnvVar(kv string) (name, value string, ok bool) {
	k, value, set := strings.Cut(kv, "=")
	name, ok = strings.CutPrefix(k, EnvPrefix)
	return name, value, ok && set
}

// VarArg is one -var NAME=VALUE or -var-file FILE argument. Arguments are
// applied in command-line order, so a later one wins.
type VarArg struct {
	File  string // set for -var-file
	Name  string // set for -var
	Value string
}

// ParseVarArg reads the NAME=VALUE of a -var flag.
func ParseVarArg(s string) (VarArg, error) {
	name, value, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return VarArg{}, fmt.Errorf("-var %q: write -var 'NAME=VALUE'", s)
	}
	return VarArg{Name: strings.TrimSpace(name), Value: value}, nil
}

type variable struct {
	name        string
	block       *hcl.Block
	typ         cty.Type // cty.DynamicPseudoType when no type is given
	defaults    *typeexpr.Defaults
	def         *hcl.Attribute // nil: the variable is required
	description string
	sensitive   bool
	validations []*hcl.Block

	value      cty.Value
	valueRange hcl.Range // where the value came from
}

func (m *module) addVariable(b *hcl.Block) hcl.Diagnostics {
	name := b.Labels[0]
	diags := checkIdentifier("variable", name, b.LabelRanges[0])
	if prev, ok := m.variables[name]; ok {
		return append(diags, duplicateBlock("var."+name, b, prev.block, "Give each variable a name of its own.")...)
	}
	content, ds := b.Body.Content(variableSchema)
	diags = append(diags, ds...)
	v := &variable{name: name, block: b, typ: cty.DynamicPseudoType}
	if a, ok := content.Attributes["type"]; ok {
		ty, defaults, ds := typeexpr.TypeConstraintWithDefaults(a.Expr)
		diags = append(diags, ds...)
		if !ds.HasErrors() {
			v.typ, v.defaults = ty, defaults
		}
	}
	if a, ok := content.Attributes["description"]; ok {
		diags = append(diags, decodeLiteral(a, cty.String, func(val cty.Value) { v.description = val.AsString() })...)
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, decodeLiteral(a, cty.Bool, func(val cty.Value) { v.sensitive = val.True() })...)
	}
	v.def = content.Attributes["default"]
	for _, vb := range content.Blocks {
		_, ds := vb.Body.Content(validationSchema)
		diags = append(diags, ds...)
		if !ds.HasErrors() {
			v.validations = append(v.validations, vb)
		}
	}
	m.variables[name] = v
	m.varOrder = append(m.varOrder, name)
	return diags
}

// decodeLiteral evaluates an attribute that may not refer to anything.
func decodeLiteral(a *hcl.Attribute, ty cty.Type, set func(cty.Value)) hcl.Diagnostics {
	val, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	val, err := convert.Convert(val, ty)
	if err != nil || val.IsNull() {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Incorrect attribute value type",
			Detail:   fmt.Sprintf("%s must be a %s.", a.Name, ty.FriendlyName()),
			Subject:  a.Expr.Range().Ptr(),
		}}
	}
	set(val)
	return nil
}

// resolveVariables gives every variable its value: its default, then the
// environment, then the -var and -var-file arguments in order.
func (m *module) resolveVariables(args []VarArg, env []string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	type raw struct {
		expr hcl.Expression
		rng  hcl.Range
	}
	given := map[string]raw{}
	for _, kv := range env {
		name, v, ok := EnvVar(kv)
		if !ok {
			continue
		}
		if vr, ok := m.variables[name]; ok {
			expr, rng, ds := m.rawValue(vr, v, EnvPrefix+name)
			diags = append(diags, ds...)
			given[name] = raw{expr, rng}
		}
	}
	for _, arg := range args {
		if arg.File != "" {
			attrs, ds := m.varFile(arg.File)
			diags = append(diags, ds...)
			m.maskSensitive(arg.File, attrs)
			for _, name := range sortedKeys(attrs) {
				a := attrs[name]
				if _, ok := m.variables[name]; !ok {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagWarning,
						Summary:  "Value for undeclared variable",
						Detail:   fmt.Sprintf("The configuration declares no variable %q; this value is ignored. Declare it with a variable block, or remove it from %s.", name, arg.File),
						Subject:  a.NameRange.Ptr(),
					})
					continue
				}
				given[name] = raw{a.Expr, a.Expr.Range()}
			}
			continue
		}
		vr, ok := m.variables[arg.Name]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("-var %s=...: the configuration declares no variable %q.%s", arg.Name, arg.Name, suggest(arg.Name, m.varOrder)),
			})
			continue
		}
		expr, rng, ds := m.rawValue(vr, arg.Value, "-var")
		diags = append(diags, ds...)
		given[arg.Name] = raw{expr, rng}
	}

	for _, name := range m.varOrder {
		v := m.variables[name]
		src, ok := given[name]
		switch {
		case ok:
			if v.sensitive {
				// Kept out of the cache, where it would lie in plain
				// text in the user's cache folder.
				m.reads.refuse()
			}
		case v.def != nil:
			src = raw{v.def.Expr, v.def.Expr.Range()}
		default:
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "No value for required variable",
				Detail: fmt.Sprintf("var.%s has no default and no value was given. Set it with -var '%s=...', in a -var-file, "+
					"with the environment variable %s%s, or give the variable a default.", name, name, EnvPrefix, name),
				Subject: v.block.DefRange.Ptr(),
			})
			v.value = cty.UnknownVal(v.typ)
			continue
		}
		diags = append(diags, v.assign(src.expr, src.rng)...)
	}
	return diags
}

// rawValue turns a value given as text into an expression: taken as it is
// for a string variable, parsed as HCL for any other type. The text gets a
// file of its own so that diagnostics can show it.
func (m *module) rawValue(v *variable, text, from string) (hcl.Expression, hcl.Range, hcl.Diagnostics) {
	filename := fmt.Sprintf("<value for var.%s from %s>", v.name, from)
	shown := []byte(text)
	if v.sensitive {
		// A diagnostic's snippet of the value shows stars: it printed
		// "1: 9999" for a -var that failed its validation rule
		// (adversarial review).
		shown = []byte(strings.Repeat("*", len(text)))
	}
	m.files[filename] = &hcl.File{Bytes: shown}
	rng := hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.Pos{Line: 1, Column: len(text) + 1, Byte: len(text)}}
	if v.typ == cty.String || v.typ == cty.DynamicPseudoType {
		return hcl.StaticExpr(cty.StringVal(text), rng), rng, nil
	}
	if diags := checkNesting(filename, []byte(text)); diags != nil {
		return hcl.StaticExpr(cty.UnknownVal(v.typ), rng), rng, diags
	}
	expr, diags := hclsyntax.ParseExpression([]byte(text), filename, hcl.InitialPos)
	if !diags.HasErrors() && len(expr.Variables()) > 0 {
		// "abc" for a number parses as a reference: hcl then said
		// "Variables not allowed", which is not what went wrong
		// (adversarial review).
		return hcl.StaticExpr(cty.UnknownVal(v.typ), rng), rng, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail: fmt.Sprintf("var.%s must be %s, given from %s as HCL: %s is not one. A string is written in quotes there (%s='\"...\"').",
				v.name, v.typ.FriendlyName(), from, quoteUnlessSensitive(v, text), v.name),
			Subject: rng.Ptr(),
		}}
	}
	return expr, rng, diags
}

// quoteUnlessSensitive quotes a value given as text, or says it is not
// shown.
func quoteUnlessSensitive(v *variable, text string) string {
	if v.sensitive {
		return "the value (sensitive, not shown)"
	}
	return fmt.Sprintf("%q", text)
}

func (m *module) varFile(path string) (hcl.Attributes, hcl.Diagnostics) {
	b, err := m.reads.readFile(path)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read variables file",
			Detail:   fmt.Sprintf("-var-file %s: %s.", path, err),
		}}
	}
	if diags := checkNesting(path, b); diags != nil {
		m.files[path] = &hcl.File{Bytes: b}
		return nil, diags
	}
	f, diags := hclsyntax.ParseConfig(b, path, hcl.InitialPos)
	if f == nil {
		return nil, diags
	}
	m.files[path] = f
	if diags.HasErrors() {
		return nil, diags
	}
	attrs, ds := f.Body.JustAttributes()
	return attrs, append(diags, ds...)
}

// maskSensitive shows stars in place of a sensitive variable's value in
// a -var-file, wherever a diagnostic quotes the file: a value failing its
// validation rule was printed in the snippet, while -var and EXDR_VAR_
// showed stars (review). The bytes keep their length and line breaks, so
// every position in the file still points where it did.
func (m *module) maskSensitive(path string, attrs hcl.Attributes) {
	f := m.files[path]
	if f == nil {
		return
	}
	var shown []byte
	for name, a := range attrs {
		v, ok := m.variables[name]
		if !ok || !v.sensitive {
			continue
		}
		if shown == nil {
			shown = slices.Clone(f.Bytes)
		}
		r := a.Expr.Range()
		for i := r.Start.Byte; i < r.End.Byte && i < len(shown); i++ {
			if shown[i] != '\n' && shown[i] != '\r' {
				shown[i] = '*'
			}
		}
	}
	if shown != nil {
		m.files[path] = &hcl.File{Body: f.Body, Bytes: shown, Nav: f.Nav}
	}
}

func (v *variable) assign(expr hcl.Expression, rng hcl.Range) hcl.Diagnostics {
	v.valueRange = rng
	val, diags := expr.Value(&hcl.EvalContext{Functions: literalFunctions})
	if diags.HasErrors() {
		v.value = cty.UnknownVal(v.typ)
		return diags
	}
	if v.defaults != nil {
		val = v.defaults.Apply(val)
	}
	conv, err := convert.Convert(val, v.typ)
	if err != nil {
		v.value = cty.UnknownVal(v.typ)
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   fmt.Sprintf("var.%s must be %s: %s.", v.name, typeexpr.TypeString(v.typ), err),
			Subject:  rng.Ptr(),
		})
	}
	if n, bad := outOfRange(conv); bad {
		v.value = cty.UnknownVal(v.typ)
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   fmt.Sprintf("var.%s: %s.", v.name, rangeError(n)),
			Subject:  rng.Ptr(),
		})
	}
	if v.sensitive {
		conv = conv.Mark(sensitiveMark)
	}
	v.value = conv
	return append(diags, v.validate()...)
}

// validate runs the variable's validation rules. A rule sees only the
// variable it belongs to, as in Terraform.
func (v *variable) validate() hcl.Diagnostics {
	var diags hcl.Diagnostics
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{v.name: v.value})},
		Functions: literalFunctions,
	}
	for _, vb := range v.validations {
		content, _ := vb.Body.Content(validationSchema)
		cond, msg := content.Attributes["condition"], content.Attributes["error_message"]
		if ds := onlySelf(v.name, cond.Expr); ds.HasErrors() {
			diags = append(diags, ds...)
			continue
		}
		result, ds := cond.Expr.Value(ctx)
		diags = append(diags, ds...)
		if ds.HasErrors() {
			continue
		}
		result, _ = result.Unmark()
		if result, err := convert.Convert(result, cty.Bool); err != nil || result.IsNull() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid validation condition",
				Detail:   "The condition must be true or false.",
				Subject:  cond.Expr.Range().Ptr(),
			})
			continue
		} else if result.True() {
			continue
		}
		text := "The value is not allowed."
		if mv, ds := msg.Expr.Value(ctx); !ds.HasErrors() && mv.Type() == cty.String && !mv.IsNull() && !mv.IsMarked() {
			text = mv.AsString()
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   fmt.Sprintf("%s\n\nThis was checked by the validation rule at %s.", text, cond.Expr.Range()),
			Subject:  v.valueRange.Ptr(),
		})
	}
	return diags
}

func onlySelf(name string, expr hcl.Expression) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range expr.Variables() {
		if t.RootName() == "var" && len(t) > 1 {
			if a, ok := t[1].(hcl.TraverseAttr); ok && a.Name == name {
				continue
			}
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference in variable validation",
			Detail:   fmt.Sprintf("A validation rule of var.%s may refer only to var.%s.", name, name),
			Subject:  t.SourceRange().Ptr(),
		})
	}
	return diags
}
