package lang

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/exdr/exdr/org"
)

// node is one thing whose value can be referred to: a local value or a
// resource block. Variables are not nodes: they refer to nothing, so they
// are resolved before the graph is walked.
type node struct {
	key      string // "local.name" or the block's address
	local    *hcl.Attribute
	resource *resourceBlock
	deps     []edge
	refVars  []string // var.* names this node refers to
	value    cty.Value
}

// edge is a reference from one node to another, with where it is written.
type edge struct {
	to  *node
	rng hcl.Range
}

func (n *node) declRange() hcl.Range {
	if n.local != nil {
		return n.local.NameRange
	}
	return n.resource.block.DefRange
}

type graph struct {
	nodes map[string]*node
	order []*node // declaration order, for deterministic walks
}

func (m *module) buildGraph() (*graph, hcl.Diagnostics) {
	g := &graph{nodes: map[string]*node{}}
	for _, name := range sortedKeys(m.locals) {
		n := &node{key: "local." + name, local: m.locals[name]}
		g.nodes[n.key] = n
		g.order = append(g.order, n)
	}
	for _, rb := range m.resources {
		n := &node{key: rb.addr.String(), resource: rb}
		g.nodes[n.key] = n
		g.order = append(g.order, n)
	}
	var diags hcl.Diagnostics
	for _, n := range g.order {
		if n.local != nil {
			diags = append(diags, m.addRefs(g, n, n.local.Expr.Variables(), false)...)
			continue
		}
		rb := n.resource
		rb.vars = make(map[string][]hcl.Traversal, len(rb.content.Attributes))
		for _, name := range sortedKeys(rb.content.Attributes) {
			a := rb.content.Attributes[name]
			switch name {
			case "depends_on":
				diags = append(diags, m.addDependsOn(g, n, a)...)
			case "for_each":
				rb.vars[name] = a.Expr.Variables()
				diags = append(diags, m.addRefs(g, n, rb.vars[name], false)...)
			default:
				rb.vars[name] = a.Expr.Variables()
				diags = append(diags, m.addRefs(g, n, rb.vars[name], rb.forEach != nil)...)
			}
		}
		for _, nb := range rb.content.Blocks {
			for _, a := range nestedAttrs(nb) {
				diags = append(diags, m.addRefs(g, n, a.Expr.Variables(), rb.forEach != nil)...)
			}
		}
	}
	return g, diags
}

// nestedAttrs lists a nested block's attributes in source order; the
// block's own schema is checked when it is decoded.
func nestedAttrs(b *hcl.Block) []*hclsyntax.Attribute {
	body, ok := b.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	attrs := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		attrs = append(attrs, a)
	}
	slices.SortFunc(attrs, func(a, b *hclsyntax.Attribute) int { return a.SrcRange.Start.Byte - b.SrcRange.Start.Byte })
	return attrs
}

// refRoots are the names an expression may start with, for suggestions:
// var, local and each (the first three), then the block types.
func refRoots() []string {
	roots := []string{"var", "local", "each"}
	for _, k := range org.Kinds {
		roots = append(roots, k.String())
	}
	return roots
}

func (m *module) addRefs(g *graph, n *node, vars []hcl.Traversal, eachAllowed bool) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range vars {
		to, ds := m.resolveRef(g, t, eachAllowed)
		diags = append(diags, ds...)
		if ds.HasErrors() {
			continue
		}
		switch {
		case to != nil:
			n.deps = append(n.deps, edge{to: to, rng: t.SourceRange()})
			if to.resource != nil && n.resource != nil {
				n.resource.referenced = appendUnique(n.resource.referenced, to.resource.addr)
			}
		case t.RootName() == "var":
			n.refVars = append(n.refVars, t[1].(hcl.TraverseAttr).Name)
		}
	}
	return diags
}

// resolveRef checks one traversal and returns the node it refers to, or
// nil for a variable or each.
func (m *module) resolveRef(g *graph, t hcl.Traversal, eachAllowed bool) (*node, hcl.Diagnostics) {
	root := t.RootName()
	rng := t.SourceRange()
	var attr string
	if len(t) > 1 {
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			attr = a.Name
		}
	}
	bad := func(summary, detail string) (*node, hcl.Diagnostics) {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: rng.Ptr()}}
	}
	switch root {
	case "var":
		if attr == "" {
			return bad("Invalid reference", "The var object cannot be used whole: refer to one variable, as var.NAME.")
		}
		if _, ok := m.variables[attr]; !ok {
			return bad("Reference to undeclared input variable",
				fmt.Sprintf("No variable named %q is declared. Declare it with a variable %q block.%s", attr, attr, suggest(attr, m.varOrder)))
		}
		return nil, nil
	case "local":
		if attr == "" {
			return bad("Invalid reference", "The local object cannot be used whole: refer to one local value, as local.NAME.")
		}
		n, ok := g.nodes["local."+attr]
		if !ok {
			return bad("Reference to undeclared local value",
				fmt.Sprintf("No local value named %q is declared in a locals block.%s", attr, suggest(attr, sortedKeys(m.locals))))
		}
		return n, nil
	case "each":
		if !eachAllowed {
			return bad("Reference to \"each\" in a block without for_each",
				"each.key and each.value exist only inside a resource block that has a for_each argument, and not in for_each itself.")
		}
		if attr != "key" && attr != "value" {
			return bad("Invalid reference", "each has two attributes: each.key and each.value.")
		}
		return nil, nil
	}
	kind, ok := org.ParseKind(root)
	if !ok {
		return bad("Reference to unknown name",
			fmt.Sprintf("%q is not something an expression can refer to: references start with var., local., each. or a block type such as server. or mailbox_database.%s", root, suggest(root, refRoots())))
	}
	if attr == "" {
		return bad("Invalid reference", fmt.Sprintf("A reference to a %s names one block: %s.LABEL.name.", kind.Noun(), kind))
	}
	n, ok := g.nodes[org.Address{Kind: kind, Name: attr}.String()]
	if !ok {
		var labels []string
		for _, rb := range m.resources {
			if rb.addr.Kind == kind {
				labels = append(labels, rb.addr.Name)
			}
		}
		return bad("Reference to undeclared resource",
			fmt.Sprintf("No %s block labelled %q is declared.%s", kind, attr, suggest(attr, labels)))
	}
	return n, nil
}

// addDependsOn reads depends_on = [server.MBX01, ...]: a list of blocks,
// not values.
func (m *module) addDependsOn(g *graph, n *node, a *hcl.Attribute) hcl.Diagnostics {
	exprs, diags := hcl.ExprList(a.Expr)
	for _, e := range exprs {
		t, ds := hcl.AbsTraversalForExpr(e)
		if ds.HasErrors() || len(t) != 2 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid depends_on reference",
				Detail:   "depends_on lists whole blocks, such as [storage_group.SG1, server.MBX01], without attributes or index.",
				Subject:  e.Range().Ptr(),
			})
			continue
		}
		if _, ok := org.ParseKind(t.RootName()); !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid depends_on reference",
				Detail:   fmt.Sprintf("depends_on lists resource blocks; %q is not a block type.%s", t.RootName(), suggest(t.RootName(), refRoots()[3:])),
				Subject:  e.Range().Ptr(),
			})
			continue
		}
		to, ds := m.resolveRef(g, t, false)
		diags = append(diags, ds...)
		if to != nil {
			n.deps = append(n.deps, edge{to: to, rng: e.Range()})
		}
	}
	return diags
}

// sort returns the nodes so that each comes after every node it refers to.
// A cycle is reported once, naming every node on it.
func (g *graph) sort() ([]*node, hcl.Diagnostics) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[*node]int, len(g.order))
	out := make([]*node, 0, len(g.order))
	var diags hcl.Diagnostics
	var stack []edge
	var visit func(n *node, via edge)
	visit = func(n *node, via edge) {
		switch state[n] {
		case done:
			return
		case visiting:
			// The cycle is the part of the stack from n's first entry.
			i := len(stack) - 1
			for i >= 0 && stack[i].to != n {
				i--
			}
			cycle := append(slices.Clone(stack[i:]), via)
			names := make([]string, len(cycle))
			for j, e := range cycle {
				names[j] = e.to.key
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Dependency cycle",
				Detail: fmt.Sprintf("%s: each of these needs the next one's value first, so none can be evaluated. "+
					"Remove one of the references or depends_on entries on this cycle.", strings.Join(names, " → ")),
				Subject: via.rng.Ptr(),
			})
			return
		}
		state[n] = visiting
		stack = append(stack, edge{to: n, rng: via.rng})
		for _, e := range n.deps {
			visit(e.to, e)
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		out = append(out, n)
	}
	for _, n := range g.order {
		if state[n] == unvisited {
			visit(n, edge{to: n, rng: n.declRange()})
		}
	}
	return out, diags
}
