package providers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// Every Verb constant is in Verbs, once, with an effect, an estimate and
// what it does. Before the table, swap_databases had no estimate and the
// plan said a dial-tone swap takes 0s.
func TestVerbsListEveryVerb(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "step.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[Verb]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil || len(vs.Values) != 1 {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Verb" {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
				v, _ := strconv.Unquote(lit.Value)
				declared[Verb(v)] = true
			}
		}
		return true
	})
	if len(declared) == 0 {
		t.Fatal("found no Verb constant in step.go")
	}
	listed := map[Verb]bool{}
	for _, s := range Verbs {
		if listed[s.Verb] {
			t.Errorf("%s is listed twice", s.Verb)
		}
		listed[s.Verb] = true
		if !declared[s.Verb] {
			t.Errorf("%s is listed but not declared", s.Verb)
		}
		if s.Effect == 0 || s.Estimate <= 0 || s.Says == "" {
			t.Errorf("%s: effect %v, estimate %v, says %q", s.Verb, s.Effect, s.Estimate, s.Says)
		}
		if got, ok := Spec(s.Verb); !ok || got.Verb != s.Verb {
			t.Errorf("Spec(%s) = %v, %v", s.Verb, got, ok)
		}
	}
	for v := range declared {
		if !listed[v] {
			t.Errorf("%s is declared but not in Verbs", v)
		}
	}
}
