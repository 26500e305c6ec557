package hclcodec

import (
	"encoding/binary"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Format names the encoding; it changes whenever the bytes' meaning does,
// so a cache can keep it beside what it encoded.
const Format = "hclcodec 1"

// maxDepth bounds the nesting of expressions and blocks on both sides, so
// that hostile bytes cannot exhaust the stack of Decode.
const maxDepth = 1000

// Node tags. A tag is written before each expression.
const (
	tagNil byte = iota
	tagLiteral
	tagTemplate
	tagTemplateWrap
	tagTemplateJoin
	tagScopeTraversal
	tagRelativeTraversal
	tagFunctionCall
	tagConditional
	tagIndex
	tagTupleCons
	tagObjectCons
	tagObjectConsKey
	tagParentheses
	tagBinaryOp
	tagUnaryOp
	tagFor
	tagSplat
	tagAnonSymbol
)

// Value tags: the values a literal can hold in a parsed file.
const (
	valNull byte = iota
	valTrue
	valFalse
	valString
	valNumber
)

// Traversal step tags.
const (
	stepRoot byte = iota + 1
	stepAttr
	stepIndex
)

// Range file tags: a range names the file being encoded, or no file.
const (
	rangeThisFile byte = iota
	rangeNoFile
)

// operations are the parser's operators, by position: an operation is
// written as its index, and read back as the very same pointer, which is
// what evaluation compares against.
var operations = []*hclsyntax.Operation{
	hclsyntax.OpLogicalOr,
	hclsyntax.OpLogicalAnd,
	hclsyntax.OpLogicalNot,
	hclsyntax.OpEqual,
	hclsyntax.OpNotEqual,
	hclsyntax.OpGreaterThan,
	hclsyntax.OpGreaterThanOrEqual,
	hclsyntax.OpLessThan,
	hclsyntax.OpLessThanOrEqual,
	hclsyntax.OpAdd,
	hclsyntax.OpSubtract,
	hclsyntax.OpMultiply,
	hclsyntax.OpDivide,
	hclsyntax.OpModulo,
	hclsyntax.OpNegate,
}

// Encode writes body, parsed from filename. It reports false when the tree
// holds something the encoding cannot reproduce exactly; the caller then
// keeps no encoding of that file.
func Encode(body *hclsyntax.Body, filename string) ([]byte, bool) {
	e := &encoder{filename: filename}
	e.body(body)
	if e.refused {
		return nil, false
	}
	return e.buf, true
}

type encoder struct {
	buf      []byte
	filename string
	last     hcl.Pos
	depth    int
	splats   []*hclsyntax.AnonSymbolExpr // the items of the splats being written, innermost last
	refused  bool
}

func (e *encoder) uint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) int(v int)     { e.buf = binary.AppendVarint(e.buf, int64(v)) }
func (e *encoder) byte(b byte)   { e.buf = append(e.buf, b) }

func (e *encoder) bool(b bool) {
	if b {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

func (e *encoder) string(s string) {
	e.uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// count writes a slice's length so that nil and empty stay apart.
func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

// pos writes a position as its distance from the last one written: most
// distances fit a byte.
func (e *encoder) pos(p hcl.Pos) {
	e.int(p.Line - e.last.Line)
	e.int(p.Column - e.last.Column)
	e.int(p.Byte - e.last.Byte)
	e.last = p
}

func (e *encoder) rng(r hcl.Range) {
	switch r.Filename {
	case e.filename:
		e.byte(rangeThisFile)
	case "":
		e.byte(rangeNoFile)
	default:
		e.refused = true
		return
	}
	e.pos(r.Start)
	e.pos(r.End)
}

// check refuses the tree when a node is not one the parser makes.
func (e *encoder) check(ok bool) {
	if !ok {
		e.refused = true
	}
}

// The shapes below are the parser's and evaluation relies on them: hcl
// panics on a scope traversal that does not start at a root, a relative
// one that holds a root, or an expanded call without arguments. A tree
// breaking them is refused on both sides, so that even a hand-made cache
// cannot make evaluation panic.

func absoluteTraversal(t hcl.Traversal) bool {
	if len(t) == 0 {
		return false
	}
	if _, ok := t[0].(hcl.TraverseRoot); !ok {
		return false
	}
	return relativeTraversal(t[1:]) || len(t) == 1
}

func relativeTraversal(t hcl.Traversal) bool {
	for _, step := range t {
		if _, ok := step.(hcl.TraverseRoot); ok {
			return false
		}
	}
	return len(t) > 0
}

func expandableCall(args []hclsyntax.Expression, expandFinal bool) bool {
	return !expandFinal || len(args) > 0
}

func (e *encoder) enter() bool {
	e.depth++
	if e.depth > maxDepth {
		e.refused = true
	}
	return !e.refused
}

func (e *encoder) leave() { e.depth-- }

func (e *encoder) body(b *hclsyntax.Body) {
	if b == nil || !e.enter() {
		e.refused = true
		return
	}
	defer e.leave()
	e.rng(b.SrcRange)
	e.rng(b.EndRange)
	e.count(len(b.Attributes), b.Attributes == nil)
	names := make([]string, 0, len(b.Attributes))
	for name := range b.Attributes {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		a := b.Attributes[name]
		if a == nil || a.Name != name {
			e.refused = true
			return
		}
		e.string(a.Name)
		e.expr(a.Expr)
		e.rng(a.SrcRange)
		e.rng(a.NameRange)
		e.rng(a.EqualsRange)
	}
	e.count(len(b.Blocks), b.Blocks == nil)
	for _, blk := range b.Blocks {
		if blk == nil || len(blk.Labels) != len(blk.LabelRanges) {
			e.refused = true
			return
		}
		e.string(blk.Type)
		e.count(len(blk.Labels), blk.Labels == nil)
		for _, l := range blk.Labels {
			e.string(l)
		}
		e.body(blk.Body)
		e.rng(blk.TypeRange)
		e.count(len(blk.LabelRanges), blk.LabelRanges == nil)
		for _, r := range blk.LabelRanges {
			e.rng(r)
		}
		e.rng(blk.OpenBraceRange)
		e.rng(blk.CloseBraceRange)
	}
}

// optExpr writes an expression that the parser leaves nil when absent.
func (e *encoder) optExpr(x hclsyntax.Expression) {
	if x == nil {
		e.byte(tagNil)
		return
	}
	e.expr(x)
}

func (e *encoder) exprs(xs []hclsyntax.Expression) {
	e.count(len(xs), xs == nil)
	for _, x := range xs {
		e.expr(x)
	}
}

func (e *encoder) expr(x hclsyntax.Expression) {
	if !e.enter() {
		return
	}
	defer e.leave()
	switch x := x.(type) {
	case *hclsyntax.LiteralValueExpr:
		e.byte(tagLiteral)
		e.value(x.Val)
		e.rng(x.SrcRange)
	case *hclsyntax.TemplateExpr:
		e.byte(tagTemplate)
		e.exprs(x.Parts)
		e.rng(x.SrcRange)
	case *hclsyntax.TemplateWrapExpr:
		e.byte(tagTemplateWrap)
		e.expr(x.Wrapped)
		e.rng(x.SrcRange)
	case *hclsyntax.TemplateJoinExpr:
		e.byte(tagTemplateJoin)
		e.expr(x.Tuple)
	case *hclsyntax.ScopeTraversalExpr:
		e.byte(tagScopeTraversal)
		e.traversal(x.Traversal)
		e.rng(x.SrcRange)
		e.check(absoluteTraversal(x.Traversal))
	case *hclsyntax.RelativeTraversalExpr:
		e.byte(tagRelativeTraversal)
		e.expr(x.Source)
		e.traversal(x.Traversal)
		e.rng(x.SrcRange)
		e.check(relativeTraversal(x.Traversal))
	case *hclsyntax.FunctionCallExpr:
		e.byte(tagFunctionCall)
		e.string(x.Name)
		e.exprs(x.Args)
		e.bool(x.ExpandFinal)
		e.rng(x.NameRange)
		e.rng(x.OpenParenRange)
		e.rng(x.CloseParenRange)
		e.check(expandableCall(x.Args, x.ExpandFinal))
	case *hclsyntax.ConditionalExpr:
		e.byte(tagConditional)
		e.expr(x.Condition)
		e.expr(x.TrueResult)
		e.expr(x.FalseResult)
		e.rng(x.SrcRange)
	case *hclsyntax.IndexExpr:
		e.byte(tagIndex)
		e.expr(x.Collection)
		e.expr(x.Key)
		e.rng(x.SrcRange)
		e.rng(x.OpenRange)
		e.rng(x.BracketRange)
	case *hclsyntax.TupleConsExpr:
		e.byte(tagTupleCons)
		e.exprs(x.Exprs)
		e.rng(x.SrcRange)
		e.rng(x.OpenRange)
	case *hclsyntax.ObjectConsExpr:
		e.byte(tagObjectCons)
		e.count(len(x.Items), x.Items == nil)
		for _, it := range x.Items {
			e.expr(it.KeyExpr)
			e.expr(it.ValueExpr)
		}
		e.rng(x.SrcRange)
		e.rng(x.OpenRange)
	case *hclsyntax.ObjectConsKeyExpr:
		e.byte(tagObjectConsKey)
		e.expr(x.Wrapped)
		e.bool(x.ForceNonLiteral)
	case *hclsyntax.ParenthesesExpr:
		e.byte(tagParentheses)
		e.expr(x.Expression)
		e.rng(x.SrcRange)
	case *hclsyntax.BinaryOpExpr:
		e.byte(tagBinaryOp)
		e.expr(x.LHS)
		e.operation(x.Op)
		e.expr(x.RHS)
		e.rng(x.SrcRange)
	case *hclsyntax.UnaryOpExpr:
		e.byte(tagUnaryOp)
		e.operation(x.Op)
		e.expr(x.Val)
		e.rng(x.SrcRange)
		e.rng(x.SymbolRange)
	case *hclsyntax.ForExpr:
		e.byte(tagFor)
		e.string(x.KeyVar)
		e.string(x.ValVar)
		e.expr(x.CollExpr)
		e.optExpr(x.KeyExpr)
		e.expr(x.ValExpr)
		e.optExpr(x.CondExpr)
		e.bool(x.Group)
		e.rng(x.SrcRange)
		e.rng(x.OpenRange)
		e.rng(x.CloseRange)
	case *hclsyntax.SplatExpr:
		if x.Item == nil {
			e.refused = true
			return
		}
		e.byte(tagSplat)
		e.expr(x.Source)
		e.rng(x.Item.SrcRange)
		e.splats = append(e.splats, x.Item)
		e.expr(x.Each)
		e.splats = e.splats[:len(e.splats)-1]
		e.rng(x.SrcRange)
		e.rng(x.MarkerRange)
	case *hclsyntax.AnonSymbolExpr:
		// The symbol is the item of an enclosing splat, the same pointer:
		// written as how many splats out it belongs.
		i := slices.Index(e.splats, x)
		if i < 0 {
			e.refused = true
			return
		}
		e.byte(tagAnonSymbol)
		e.uint(uint64(len(e.splats) - 1 - i))
	default:
		// nil, *hclsyntax.ExprSyntaxError (made only for a file with
		// errors) or a node added to hclsyntax after this was written.
		e.refused = true
	}
}

func (e *encoder) operation(op *hclsyntax.Operation) {
	i := slices.Index(operations, op)
	if i < 0 {
		e.refused = true
		return
	}
	e.uint(uint64(i))
}

func (e *encoder) traversal(t hcl.Traversal) {
	e.count(len(t), t == nil)
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			e.byte(stepRoot)
			e.string(s.Name)
			e.rng(s.SrcRange)
		case hcl.TraverseAttr:
			e.byte(stepAttr)
			e.string(s.Name)
			e.rng(s.SrcRange)
		case hcl.TraverseIndex:
			e.byte(stepIndex)
			e.value(s.Key)
			e.rng(s.SrcRange)
		default:
			e.refused = true
		}
	}
}

// value writes the values the parser gives a literal: null, a bool, a
// string or a number, none marked.
func (e *encoder) value(v cty.Value) {
	if v == cty.NilVal || v.IsMarked() || !v.IsKnown() {
		e.refused = true
		return
	}
	switch {
	case v.IsNull():
		if v.Type() != cty.DynamicPseudoType {
			e.refused = true
			return
		}
		e.byte(valNull)
	case v.Type() == cty.Bool:
		if v.True() {
			e.byte(valTrue)
		} else {
			e.byte(valFalse)
		}
	case v.Type() == cty.String:
		e.byte(valString)
		e.string(v.AsString())
	case v.Type() == cty.Number:
		b, err := v.AsBigFloat().GobEncode()
		if err != nil {
			e.refused = true
			return
		}
		e.byte(valNumber)
		e.string(string(b))
	default:
		e.refused = true
	}
}
