package lang

import (
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Numbers in HCL are arbitrary-precision, and go-cty writes a number as a
// string with every digit: "${1e99999999}" is a hundred million digits,
// and a configuration that asked for it hung validate. exdr's numbers are
// those a 64-bit float holds, refused where one could be made: in a
// literal (checked as each file is parsed), in a variable's value, in a
// function's result and in an arithmetic operation's result. A number
// can come from nowhere else: every other expression passes values on.

// Binary exponents of a float64's range: the largest finite value is
// below 2^1024 and the smallest subnormal is 2^-1074 (big.Float's
// MantExp counts a mantissa in [0.5, 1)).
const (
	maxNumberExp = 1024
	minNumberExp = -1073
)

// outOfRange returns the first number in v beyond a float64's range.
func outOfRange(v cty.Value) (*big.Float, bool) { return firstOutOfRange(v, false) }

// firstOutOfRange is outOfRange, and with text also for v's strings that
// read as numbers.
func firstOutOfRange(v cty.Value, text bool) (*big.Float, bool) {
	var bad *big.Float
	cty.Walk(v, func(_ cty.Path, v cty.Value) (bool, error) {
		if bad != nil {
			return false, nil
		}
		v, _ = v.Unmark()
		if !v.IsKnown() || v.IsNull() {
			return false, nil
		}
		switch v.Type() {
		case cty.Number:
			if f := v.AsBigFloat(); !f.IsInf() && f.Sign() != 0 {
				if exp := f.MantExp(nil); exp > maxNumberExp || exp < minNumberExp {
					bad = f
				}
			}
			return false, nil
		case cty.String:
			if !text {
				return false, nil
			}
			if n, err := cty.ParseNumberVal(v.AsString()); err == nil {
				bad, _ = firstOutOfRange(n, false)
			}
			return false, nil
		}
		return true, nil
	})
	return bad, bad != nil
}

// rangeError says which number is too large or too small by its order of
// magnitude: writing out its digits, even in %g, is what this guards
// against (big.Float converts to decimal in time of its exponent).
func rangeError(f *big.Float) error {
	var mant big.Float
	exp := f.MantExp(&mant)
	m, _ := mant.Float64()
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	// The nudge outweighs float64's error at a billion bits of exponent,
	// so that 1e-99999999 does not read as 1e-100000000.
	magnitude := math.Floor(math.Log10(m) + float64(exp)*math.Log10(2) + 1e-6)
	return fmt.Errorf("a number of the order of %s1e%+.0f is beyond what exdr accepts (a 64-bit floating point number: at most about 1.8e308, at least about 4.9e-324 away from zero)", sign, magnitude)
}

// checkLiterals reports every number literal in body beyond a float64's
// range, with its place.
func checkLiterals(body *hclsyntax.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		if lit, ok := n.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.Number {
			if f, bad := outOfRange(lit.Val); bad {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Number out of range",
					Detail:   rangeError(f).Error() + ". Write a number within that range.",
					Subject:  lit.SrcRange.Ptr(),
				})
			}
		}
		return nil
	})
	// A body's attributes are a map, walked in no order: the errors are
	// put in the file's.
	slices.SortFunc(diags, func(a, b *hcl.Diagnostic) int { return a.Subject.Start.Byte - b.Subject.Start.Byte })
	return diags
}

// guard is f with its result refused when it holds a number beyond a
// float64's range; with args, its arguments are checked first, numbers
// and numbers given as text: format and formatlist write "%d" of
// "1e99999999" digit by digit inside the call, before any result could
// be refused.
func guard(f function.Function, args bool) function.Function {
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type:        func(in []cty.Value) (cty.Type, error) { return f.ReturnTypeForValues(in) },
		Impl: func(in []cty.Value, _ cty.Type) (cty.Value, error) {
			for i := 0; args && i < len(in); i++ {
				if n, bad := firstOutOfRange(in[i], true); bad {
					return cty.NilVal, rangeError(n)
				}
			}
			v, err := f.Call(in)
			if err != nil {
				return v, err
			}
			if n, bad := outOfRange(v); bad {
				return cty.NilVal, rangeError(n)
			}
			return v, nil
		},
	})
}

func guardFunctions(fns map[string]function.Function) map[string]function.Function {
	for name, f := range fns {
		fns[name] = guard(f, name == "format" || name == "formatlist")
	}
	return fns
}

// hcl's arithmetic calls the functions in its operation table; each is
// guarded once, for every evaluation in the process.
func init() {
	for _, op := range []*hclsyntax.Operation{
		hclsyntax.OpAdd, hclsyntax.OpSubtract, hclsyntax.OpMultiply,
		hclsyntax.OpDivide, hclsyntax.OpModulo, hclsyntax.OpNegate,
	} {
		op.Impl = guard(op.Impl, false)
	}
}
