package hclcodec

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/rogpeppe/go-internal/txtar"
	"github.com/zclconf/go-cty/cty"
)

// syntaxSamples hold every construct of the native syntax, so that the
// round trip covers each node the encoder knows.
var syntaxSamples = map[string]string{
	"literals": `a = null
b = true
c = false
d = 12
e = 1.5e300
f = -0.000000000000000000000000000001
g = 123456789012345678901234567890
h = "plain"
i = "O'Brien ’ $(whoami) .. spaces	tab"
j = ""
`,
	"templates": `a = "x${var.y}z"
b = "${var.only}"
c = "%{if var.on}yes%{else}no%{endif}"
d = "%{for k, v in var.m}${k}=${v},%{endfor}"
e = <<EOT
heredoc ${local.x}
  indented
EOT
f = <<-EOT
    flush ${upper("a")}
    EOT
g = "é" # composed by cty
h = "e\u0301"
`,
	"traversals": `a = server.MBX001.name
b = var.list[0]
c = var.map["key"]
d = func()[1].x
e = (var.x).y
f = var.list[var.i]
g = local.a.b[2]["c"].d
`,
	"expressions": `a = var.x ? "a" : "b"
b = !var.x
c = -var.n
d = 1 + 2 * 3 - 4 / 5 % 6
e = var.a == var.b || var.c != var.d && var.e < 1 && var.f <= 2 && var.g > 3 && var.h >= 4
f = [1, "two", [3], {}]
g = { a = 1, "b" = 2, (var.k) = 3, c: 4 }
h = concat([1], [2]...)
i = (1 + 2) * 3
j = []
k = ["x",]
`,
	"for and splat": `a = [for x in var.l : upper(x)]
b = {for k, v in var.m : k => v... if v != null}
c = [for i, x in var.l : x if i > 0]
d = var.l[*].name
e = var.l.*.name
f = var.l[*].a[*].b
g = var.l[*]
h = var.l[*][0]
i = {for k, v in var.m : k => [for x in v : x.y[*].z]}
`,
	"blocks": `block {}
block "one" {}
block "one" "two" {
  inner {
    deep {
      a = 1
    }
  }
  x = 2
}
empty {
}
single { a = 1 }
`,
	"empty":    ``,
	"comments": "# only a comment\n// and another\n/* and a block */\n",
	"crlf":     "a = 1\r\nb {\r\n  c = \"d\"\r\n}\r\n",
	"unicode":  "résumé = \"naïve\"\nblock \"日本\" { 値 = \"✓\" }\n",
}

// repoSources are every HCL file of the project: the examples, the error
// fixtures and the files of the CLI scripts.
func repoSources(t *testing.T) map[string][]byte {
	t.Helper()
	root := filepath.Join("..", "..")
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		switch {
		case strings.HasSuffix(path, ".hcl"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out[path] = b
		case strings.HasSuffix(path, ".txtar"):
			a, err := txtar.ParseFile(path)
			if err != nil {
				return err
			}
			for _, f := range a.Files {
				if strings.HasSuffix(f.Name, ".hcl") {
					out[path+"/"+f.Name] = f.Data
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found %d HCL files in the project; the walk is wrong", len(out))
	}
	return out
}

var treeOptions = cmp.Options{
	// Numbers by value: cty compares two numbers by writing both out in
	// full, which for the error fixtures' 1e99999999 took hours.
	cmp.Comparer(func(a, b cty.Value) bool {
		if a.Type() == cty.Number && b.Type() == cty.Number && a.IsKnown() && b.IsKnown() && !a.IsNull() && !b.IsNull() && !a.IsMarked() && !b.IsMarked() {
			return a.AsBigFloat().Cmp(b.AsBigFloat()) == 0
		}
		return a.RawEquals(b)
	}),
	cmp.Comparer(func(a, b *hclsyntax.Operation) bool { return a == b }),
	cmpopts.IgnoreUnexported(hclsyntax.Body{}, hclsyntax.AnonSymbolExpr{}, hcl.TraverseRoot{}, hcl.TraverseAttr{}, hcl.TraverseIndex{}),
}

// roundTrip checks that src decodes to the tree it parsed to, and reports
// whether it was encodable.
func roundTrip(t *testing.T, name string, src []byte) bool {
	t.Helper()
	if nesting(src) > 100 {
		// exdr refuses such a file before it parses (lang's
		// checkNesting), so the codec never sees one; and cmp takes
		// hours over a tree 600 levels deep.
		return false
	}
	f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return false
	}
	want := f.Body.(*hclsyntax.Body)
	enc, ok := Encode(want, name)
	if !ok {
		return false
	}
	got, err := Decode(string(enc), name)
	if err != nil {
		t.Fatalf("%s: decode of its own encoding: %v", name, err)
	}
	if diff := cmp.Diff(want, got, treeOptions); diff != "" {
		t.Fatalf("%s: decoded tree differs from the parse (-parsed +decoded):\n%s", name, diff)
	}
	checkSplatItems(t, name, got)
	return true
}

// nesting is how deep src's brackets nest, counted as lang counts them.
func nesting(src []byte) int {
	depth, deepest := 0, 0
	for _, c := range src {
		switch c {
		case '(', '[', '{':
			depth++
			deepest = max(deepest, depth)
		case ')', ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return deepest
}

// checkSplatItems checks that every splat symbol is the Item of a splat,
// the same pointer, and that each splat's Each holds one: evaluation
// finds the symbol's value by that pointer.
func checkSplatItems(t *testing.T, name string, body *hclsyntax.Body) {
	t.Helper()
	items := map[*hclsyntax.AnonSymbolExpr]bool{}
	var splats []*hclsyntax.SplatExpr
	var symbols []*hclsyntax.AnonSymbolExpr
	hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n := n.(type) {
		case *hclsyntax.SplatExpr:
			items[n.Item] = true
			splats = append(splats, n)
		case *hclsyntax.AnonSymbolExpr:
			symbols = append(symbols, n)
		}
		return nil
	})
	for _, sym := range symbols {
		if !items[sym] {
			t.Errorf("%s: the splat symbol at %s is no splat's item", name, sym.SrcRange)
		}
	}
	for _, s := range splats {
		found := false
		hclsyntax.VisitAll(s.Each, func(n hclsyntax.Node) hcl.Diagnostics {
			found = found || n == hclsyntax.Node(s.Item)
			return nil
		})
		if !found {
			t.Errorf("%s: the splat at %s does not use its item", name, s.SrcRange)
		}
	}
}

func TestRoundTripEveryConstruct(t *testing.T) {
	for name, src := range syntaxSamples {
		t.Run(name, func(t *testing.T) {
			if !roundTrip(t, name+".hcl", []byte(src)) {
				t.Fatalf("sample %q did not parse or was refused: every construct the parser makes without an error must encode", name)
			}
		})
	}
}

func TestRoundTripEveryProjectFile(t *testing.T) {
	srcs := repoSources(t)
	encoded := 0
	for name, src := range srcs {
		if roundTrip(t, name, src) {
			encoded++
		}
	}
	// The error fixtures include files that do not parse; everything
	// else must encode.
	if encoded < len(srcs)*3/4 {
		t.Errorf("only %d of %d project files parsed and encoded", encoded, len(srcs))
	}
}

func TestEncodeRefuses(t *testing.T) {
	parse := func(src string) *hclsyntax.Body {
		f, _ := hclsyntax.ParseConfig([]byte(src), "f.hcl", hcl.InitialPos)
		return f.Body.(*hclsyntax.Body)
	}
	tests := map[string]*hclsyntax.Body{
		"syntax error node": parse("a = \n"),
		"range in another file": {
			Attributes: hclsyntax.Attributes{"a": {Name: "a", Expr: &hclsyntax.LiteralValueExpr{
				Val: cty.True, SrcRange: hcl.Range{Filename: "other.hcl"},
			}}},
		},
		"nil expression": {Attributes: hclsyntax.Attributes{"a": {Name: "a"}}},
		"key is not the name": {
			Attributes: hclsyntax.Attributes{"a": {Name: "b", Expr: &hclsyntax.LiteralValueExpr{Val: cty.True}}},
		},
		"typed null": {
			Attributes: hclsyntax.Attributes{"a": {Name: "a", Expr: &hclsyntax.LiteralValueExpr{Val: cty.NullVal(cty.String)}}},
		},
		"unknown value": {
			Attributes: hclsyntax.Attributes{"a": {Name: "a", Expr: &hclsyntax.LiteralValueExpr{Val: cty.UnknownVal(cty.String)}}},
		},
		"marked value": {
			Attributes: hclsyntax.Attributes{"a": {Name: "a", Expr: &hclsyntax.LiteralValueExpr{Val: cty.StringVal("s").Mark("secret")}}},
		},
		"list value": {
			Attributes: hclsyntax.Attributes{"a": {Name: "a", Expr: &hclsyntax.LiteralValueExpr{Val: cty.ListValEmpty(cty.String)}}},
		},
		"symbol outside a splat": {
			Attributes: hclsyntax.Attributes{"a": {Name: "a", Expr: &hclsyntax.AnonSymbolExpr{}}},
		},
		"operation of its own": {
			Attributes: hclsyntax.Attributes{"a": {Name: "a", Expr: &hclsyntax.UnaryOpExpr{
				Op: &hclsyntax.Operation{}, Val: &hclsyntax.LiteralValueExpr{Val: cty.True},
			}}},
		},
		"labels without ranges": {Blocks: hclsyntax.Blocks{{Type: "b", Labels: []string{"x"}, Body: &hclsyntax.Body{}}}},
		"block without body":    {Blocks: hclsyntax.Blocks{{Type: "b"}}},
		"too deep":              parse("a = " + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1) + "\n"),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			if _, ok := Encode(body, "f.hcl"); ok {
				t.Fatal("encoded a tree the encoding cannot reproduce")
			}
		})
	}
}

func TestDecodeRefusesDamage(t *testing.T) {
	src := []byte("s {\n" + syntaxSamples["for and splat"] + "}\nb {\n" + syntaxSamples["blocks"] + "}\ne {\n" + syntaxSamples["expressions"] + "}\n")
	f, diags := hclsyntax.ParseConfig(src, "f.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	enc, ok := Encode(f.Body.(*hclsyntax.Body), "f.hcl")
	if !ok {
		t.Fatal("refused")
	}
	// Every truncation is an error: the encoding has no optional tail.
	for n := range len(enc) {
		if _, err := Decode(string(enc[:n]), "f.hcl"); err == nil {
			t.Fatalf("the first %d of %d bytes decoded without an error", n, len(enc))
		}
	}
	if _, err := Decode(string(enc)+"x", "f.hcl"); err == nil {
		t.Fatal("a trailing byte decoded without an error")
	}
	// A flipped byte either fails or decodes to a tree; never a panic.
	for i := range enc {
		for _, bit := range []byte{0x01, 0x80} {
			damaged := []byte(string(enc))
			damaged[i] ^= bit
			_, _ = Decode(string(damaged), "f.hcl")
		}
	}
}

func encodeSource(name, src string) ([]byte, bool) {
	f, diags := hclsyntax.ParseConfig([]byte(src), name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, false
	}
	return Encode(f.Body.(*hclsyntax.Body), name)
}

// Shapes the parser never makes and hcl's evaluation panics on (found by
// a review with a hand-made cache): refused by Encode, and by Decode when
// bytes hold them anyway.
func TestForgedShapesRefused(t *testing.T) {
	lit := &hclsyntax.LiteralValueExpr{Val: cty.True}
	root := hcl.TraverseRoot{Name: "var"}
	attr := hcl.TraverseAttr{Name: "x"}
	forged := map[string]hclsyntax.Expression{
		"expanded call without arguments":   &hclsyntax.FunctionCallExpr{Name: "f", ExpandFinal: true},
		"scope traversal without steps":     &hclsyntax.ScopeTraversalExpr{Traversal: hcl.Traversal{}},
		"scope traversal from an attribute": &hclsyntax.ScopeTraversalExpr{Traversal: hcl.Traversal{attr}},
		"scope traversal with two roots":    &hclsyntax.ScopeTraversalExpr{Traversal: hcl.Traversal{root, root}},
		"relative traversal with a root":    &hclsyntax.RelativeTraversalExpr{Source: lit, Traversal: hcl.Traversal{root}},
		"relative traversal without steps":  &hclsyntax.RelativeTraversalExpr{Source: lit, Traversal: hcl.Traversal{}},
	}
	for name, x := range forged {
		t.Run(name, func(t *testing.T) {
			body := &hclsyntax.Body{Attributes: hclsyntax.Attributes{"a": {Name: "a", Expr: x}}}
			if _, ok := Encode(body, "f.hcl"); ok {
				t.Error("Encode took it")
			}
			// The encoder writes the node before it refuses it: those
			// bytes are what a hand-made cache would hold.
			e := &encoder{filename: "f.hcl"}
			e.body(body)
			if _, err := Decode(string(e.buf), "f.hcl"); err == nil {
				t.Error("Decode took it")
			}
		})
	}
	for name, x := range map[string]hclsyntax.Expression{
		"expanded call":      &hclsyntax.FunctionCallExpr{Name: "f", Args: []hclsyntax.Expression{lit}, ExpandFinal: true},
		"root alone":         &hclsyntax.ScopeTraversalExpr{Traversal: hcl.Traversal{root}},
		"root and steps":     &hclsyntax.ScopeTraversalExpr{Traversal: hcl.Traversal{root, attr, hcl.TraverseIndex{Key: cty.Zero}}},
		"relative traversal": &hclsyntax.RelativeTraversalExpr{Source: lit, Traversal: hcl.Traversal{attr}},
	} {
		body := &hclsyntax.Body{Attributes: hclsyntax.Attributes{"a": {Name: "a", Expr: x}}}
		if _, ok := Encode(body, "f.hcl"); !ok {
			t.Errorf("%s: refused a shape the parser makes", name)
		}
	}
}
