package planner

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// String renders the plan's graph one step a line, with what it waits
// for: the form graph tests compare.
//
//	storage_group.SG1:create_storage_group (reversible) <- server.MBX01:create_server
func (p *Plan) String() string {
	var b strings.Builder
	for _, s := range p.Steps {
		fmt.Fprintf(&b, "%s (%s)", s.ID, s.Effect)
		if len(s.DependsOn) > 0 {
			deps := slices.Clone(s.DependsOn)
			slices.Sort(deps)
			fmt.Fprintf(&b, " <- %s", strings.Join(deps, ", "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// WriteDOT renders the plan's graph in Graphviz's language; an edge runs
// from a step to the step that waits for it.
func WriteDOT(w io.Writer, p *Plan) error {
	p = p.Redacted()
	var b strings.Builder
	b.WriteString("digraph exdr {\n  rankdir = LR;\n  node [shape = box, fontname = \"Helvetica\"];\n")
	for _, s := range p.Steps {
		style := ""
		switch s.Effect.String() {
		case "data_loss":
			style = ", color = red, penwidth = 2"
		case "downtime", "irreversible":
			style = ", color = orange"
		}
		fmt.Fprintf(&b, "  %q [label = %q%s];\n", s.ID, fmt.Sprintf("%s\n%s\n(%s)", s.Address, s.Verb, s.Effect), style)
	}
	for _, s := range p.Steps {
		for _, d := range s.DependsOn {
			fmt.Fprintf(&b, "  %q -> %q;\n", d, s.ID)
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}
