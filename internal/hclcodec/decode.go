package hclcodec

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// ErrMalformed is wrapped by every error of Decode.
var ErrMalformed = errors.New("hclcodec: malformed encoding")

// Decode reads a body Encode wrote for filename. Its strings share data's
// memory, so a caller decoding many files from one buffer holds it once.
func Decode(data string, filename string) (body *hclsyntax.Body, err error) {
	d := &decoder{s: data, filename: filename}
	body = d.body()
	if d.err == nil && d.i != len(d.s) {
		d.fail("%d bytes after the body", len(d.s)-d.i)
	}
	if d.err != nil {
		return nil, d.err
	}
	return body, nil
}

// decoder reads with a sticky error: after the first failure every read
// returns a zero value, and callers check d.err once at the end. It
// never returns a nil expression where the parser never leaves one, nor a
// node of a shape hcl's evaluation panics on (see absoluteTraversal).
type decoder struct {
	s        string
	i        int
	err      error
	filename string
	last     hcl.Pos
	depth    int
	splats   []*hclsyntax.AnonSymbolExpr
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w at byte %d: %s", ErrMalformed, d.i, fmt.Sprintf(format, args...))
	}
	d.i = len(d.s) // every later read fails fast
}

func (d *decoder) check(ok bool, what string) {
	if !ok {
		d.fail("%s", what)
	}
}

func (d *decoder) uint() uint64 {
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if d.i >= len(d.s) {
			d.fail("truncated number")
			return 0
		}
		c := d.s[d.i]
		d.i++
		if shift == 63 && c > 1 {
			d.fail("number overflows 64 bits")
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
}

func (d *decoder) int() int {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return int(v)
}

func (d *decoder) byte() byte {
	if d.i >= len(d.s) {
		d.fail("truncated")
		return 0
	}
	c := d.s[d.i]
	d.i++
	return c
}

func (d *decoder) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail("bad boolean")
	return false
}

// length reads a length no larger than the bytes left, each element
// taking at least min bytes: a hostile length cannot make Decode allocate
// more than its input justifies.
func (d *decoder) length(min int) int {
	n := d.uint()
	if n > uint64(len(d.s)-d.i)/uint64(min) {
		d.fail("length %d beyond the data", n)
		return 0
	}
	return int(n)
}

func (d *decoder) string() string {
	n := d.length(1)
	s := d.s[d.i : d.i+n]
	d.i += n
	return s
}

// count reads what encoder.count wrote: -1 for nil.
func (d *decoder) count(min int) int {
	n := d.uint()
	if n == 0 {
		return -1
	}
	if n-1 > uint64(len(d.s)-d.i)/uint64(min) {
		d.fail("count %d beyond the data", n-1)
		return -1
	}
	return int(n - 1)
}

func (d *decoder) pos() hcl.Pos {
	p := hcl.Pos{
		Line:   d.last.Line + d.int(),
		Column: d.last.Column + d.int(),
		Byte:   d.last.Byte + d.int(),
	}
	d.last = p
	return p
}

func (d *decoder) rng() hcl.Range {
	var r hcl.Range
	switch d.byte() {
	case rangeThisFile:
		r.Filename = d.filename
	case rangeNoFile:
	default:
		d.fail("bad range")
		return r
	}
	r.Start = d.pos()
	r.End = d.pos()
	return r
}

func (d *decoder) enter() bool {
	d.depth++
	if d.depth > maxDepth {
		d.fail("nested deeper than %d", maxDepth)
	}
	return d.err == nil
}

func (d *decoder) leave() { d.depth-- }

// Smallest encodings, for the bounds on counts.
const (
	minAttribute = 1 + 1 + 3*7 // name, expression tag, three ranges
	minBlock     = 1 + 1 + 1 + 5*7 + 1
	minExpr      = 1
	minStep      = 1 + 1 + 7
	minItem      = 2
)

func (d *decoder) body() *hclsyntax.Body {
	if !d.enter() {
		return &hclsyntax.Body{}
	}
	defer d.leave()
	b := &hclsyntax.Body{}
	b.SrcRange = d.rng()
	b.EndRange = d.rng()
	if n := d.count(minAttribute); n >= 0 {
		b.Attributes = make(hclsyntax.Attributes, n)
		for range n {
			a := &hclsyntax.Attribute{}
			a.Name = d.string()
			a.Expr = d.expr()
			a.SrcRange = d.rng()
			a.NameRange = d.rng()
			a.EqualsRange = d.rng()
			if _, dup := b.Attributes[a.Name]; dup {
				d.fail("attribute %q twice", a.Name)
			}
			if d.err != nil {
				return b
			}
			b.Attributes[a.Name] = a
		}
	}
	if n := d.count(minBlock); n >= 0 {
		b.Blocks = make(hclsyntax.Blocks, 0, n)
		for range n {
			blk := &hclsyntax.Block{}
			blk.Type = d.string()
			if n := d.count(1); n >= 0 {
				blk.Labels = make([]string, n)
				for i := range blk.Labels {
					blk.Labels[i] = d.string()
				}
			}
			blk.Body = d.body()
			blk.TypeRange = d.rng()
			if n := d.count(7); n >= 0 {
				blk.LabelRanges = make([]hcl.Range, n)
				for i := range blk.LabelRanges {
					blk.LabelRanges[i] = d.rng()
				}
			}
			if len(blk.LabelRanges) != len(blk.Labels) {
				d.fail("block with %d labels and %d label ranges", len(blk.Labels), len(blk.LabelRanges))
			}
			blk.OpenBraceRange = d.rng()
			blk.CloseBraceRange = d.rng()
			if d.err != nil {
				return b
			}
			b.Blocks = append(b.Blocks, blk)
		}
	}
	return b
}

func (d *decoder) exprs() []hclsyntax.Expression {
	n := d.count(minExpr)
	if n < 0 {
		return nil
	}
	xs := make([]hclsyntax.Expression, n)
	for i := range xs {
		xs[i] = d.expr()
	}
	return xs
}

func (d *decoder) optExpr() hclsyntax.Expression {
	if d.i < len(d.s) && d.s[d.i] == tagNil {
		d.i++
		return nil
	}
	return d.expr()
}

// placeholder stands in for an expression that could not be read, so
// that no node holds a nil Expression even on the way to an error.
var placeholder = &hclsyntax.LiteralValueExpr{Val: cty.NullVal(cty.DynamicPseudoType)}

func (d *decoder) expr() hclsyntax.Expression {
	if !d.enter() {
		return placeholder
	}
	defer d.leave()
	switch tag := d.byte(); tag {
	case tagLiteral:
		x := &hclsyntax.LiteralValueExpr{}
		x.Val = d.value()
		x.SrcRange = d.rng()
		return x
	case tagTemplate:
		x := &hclsyntax.TemplateExpr{}
		x.Parts = d.exprs()
		x.SrcRange = d.rng()
		return x
	case tagTemplateWrap:
		x := &hclsyntax.TemplateWrapExpr{}
		x.Wrapped = d.expr()
		x.SrcRange = d.rng()
		return x
	case tagTemplateJoin:
		return &hclsyntax.TemplateJoinExpr{Tuple: d.expr()}
	case tagScopeTraversal:
		x := &hclsyntax.ScopeTraversalExpr{}
		x.Traversal = d.traversal()
		x.SrcRange = d.rng()
		d.check(absoluteTraversal(x.Traversal), "a scope traversal not from a root")
		return x
	case tagRelativeTraversal:
		x := &hclsyntax.RelativeTraversalExpr{}
		x.Source = d.expr()
		x.Traversal = d.traversal()
		x.SrcRange = d.rng()
		d.check(relativeTraversal(x.Traversal), "a relative traversal with a root or no step")
		return x
	case tagFunctionCall:
		x := &hclsyntax.FunctionCallExpr{}
		x.Name = d.string()
		x.Args = d.exprs()
		x.ExpandFinal = d.bool()
		x.NameRange = d.rng()
		x.OpenParenRange = d.rng()
		x.CloseParenRange = d.rng()
		d.check(expandableCall(x.Args, x.ExpandFinal), "an expanded call without arguments")
		return x
	case tagConditional:
		x := &hclsyntax.ConditionalExpr{}
		x.Condition = d.expr()
		x.TrueResult = d.expr()
		x.FalseResult = d.expr()
		x.SrcRange = d.rng()
		return x
	case tagIndex:
		x := &hclsyntax.IndexExpr{}
		x.Collection = d.expr()
		x.Key = d.expr()
		x.SrcRange = d.rng()
		x.OpenRange = d.rng()
		x.BracketRange = d.rng()
		return x
	case tagTupleCons:
		x := &hclsyntax.TupleConsExpr{}
		x.Exprs = d.exprs()
		x.SrcRange = d.rng()
		x.OpenRange = d.rng()
		return x
	case tagObjectCons:
		x := &hclsyntax.ObjectConsExpr{}
		if n := d.count(minItem); n >= 0 {
			x.Items = make([]hclsyntax.ObjectConsItem, n)
			for i := range x.Items {
				x.Items[i].KeyExpr = d.expr()
				x.Items[i].ValueExpr = d.expr()
			}
		}
		x.SrcRange = d.rng()
		x.OpenRange = d.rng()
		return x
	case tagObjectConsKey:
		x := &hclsyntax.ObjectConsKeyExpr{}
		x.Wrapped = d.expr()
		x.ForceNonLiteral = d.bool()
		return x
	case tagParentheses:
		x := &hclsyntax.ParenthesesExpr{}
		x.Expression = d.expr()
		x.SrcRange = d.rng()
		return x
	case tagBinaryOp:
		x := &hclsyntax.BinaryOpExpr{}
		x.LHS = d.expr()
		x.Op = d.operation()
		x.RHS = d.expr()
		x.SrcRange = d.rng()
		return x
	case tagUnaryOp:
		x := &hclsyntax.UnaryOpExpr{}
		x.Op = d.operation()
		x.Val = d.expr()
		x.SrcRange = d.rng()
		x.SymbolRange = d.rng()
		return x
	case tagFor:
		x := &hclsyntax.ForExpr{}
		x.KeyVar = d.string()
		x.ValVar = d.string()
		x.CollExpr = d.expr()
		x.KeyExpr = d.optExpr()
		x.ValExpr = d.expr()
		x.CondExpr = d.optExpr()
		x.Group = d.bool()
		x.SrcRange = d.rng()
		x.OpenRange = d.rng()
		x.CloseRange = d.rng()
		return x
	case tagSplat:
		x := &hclsyntax.SplatExpr{}
		x.Source = d.expr()
		x.Item = &hclsyntax.AnonSymbolExpr{SrcRange: d.rng()}
		d.splats = append(d.splats, x.Item)
		x.Each = d.expr()
		d.splats = d.splats[:len(d.splats)-1]
		x.SrcRange = d.rng()
		x.MarkerRange = d.rng()
		return x
	case tagAnonSymbol:
		out := d.uint()
		if out >= uint64(len(d.splats)) {
			d.fail("splat symbol outside its splat")
			return placeholder
		}
		return d.splats[len(d.splats)-1-int(out)]
	default:
		d.fail("unknown expression tag %d", tag)
		return placeholder
	}
}

func (d *decoder) operation() *hclsyntax.Operation {
	i := d.uint()
	if i >= uint64(len(operations)) {
		d.fail("unknown operation %d", i)
		return operations[0]
	}
	return operations[i]
}

func (d *decoder) traversal() hcl.Traversal {
	n := d.count(minStep)
	if n < 0 {
		return nil
	}
	t := make(hcl.Traversal, n)
	for i := range t {
		switch tag := d.byte(); tag {
		case stepRoot:
			name := d.string()
			t[i] = hcl.TraverseRoot{Name: name, SrcRange: d.rng()}
		case stepAttr:
			name := d.string()
			t[i] = hcl.TraverseAttr{Name: name, SrcRange: d.rng()}
		case stepIndex:
			key := d.value()
			t[i] = hcl.TraverseIndex{Key: key, SrcRange: d.rng()}
		default:
			d.fail("unknown traversal step %d", tag)
			return t[:i]
		}
	}
	return t
}

func (d *decoder) value() cty.Value {
	switch tag := d.byte(); tag {
	case valNull:
		return cty.NullVal(cty.DynamicPseudoType)
	case valTrue:
		return cty.True
	case valFalse:
		return cty.False
	case valString:
		return cty.StringVal(d.string())
	case valNumber:
		f := new(big.Float)
		if err := f.GobDecode([]byte(d.string())); err != nil {
			d.fail("bad number")
			return cty.Zero
		}
		return cty.NumberVal(f)
	default:
		d.fail("unknown value tag %d", tag)
		return cty.NullVal(cty.DynamicPseudoType)
	}
}
