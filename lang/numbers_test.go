package lang

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestOutOfRange(t *testing.T) {
	num := func(s string) cty.Value {
		v, err := cty.ParseNumberVal(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		v    cty.Value
		want bool
	}{
		{cty.NumberIntVal(0), false},
		{cty.NumberFloatVal(math.MaxFloat64), false},
		{cty.NumberFloatVal(-math.MaxFloat64), false},
		{cty.NumberFloatVal(math.SmallestNonzeroFloat64), false},
		{cty.PositiveInfinity, false},
		{num("1e309"), true},
		{num("-1e309"), true},
		{num("1e-325"), true},
		{num("1e99999999"), true},
		{cty.ListVal([]cty.Value{cty.NumberIntVal(1), num("1e400")}), true},
		{cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("1e400")}), false}, // a string stays a string
		{cty.UnknownVal(cty.Number), false},
		{cty.NullVal(cty.Number), false},
		{num("1e400").Mark(sensitiveMark), true},
	} {
		if _, got := outOfRange(tc.v); got != tc.want {
			t.Errorf("outOfRange(%#v) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

// Every finite float64 is in range, and the same value scaled past the
// range's ends is not: checked on random bit patterns.
func TestOutOfRangeProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) || f == 0 {
			continue
		}
		if _, bad := outOfRange(cty.NumberFloatVal(f)); bad {
			t.Fatalf("%g is a float64 and was refused", f)
		}
		var big1, big2 big.Float
		big1.SetMantExp(new(big.Float).SetFloat64(f), 2100)
		big2.SetMantExp(new(big.Float).SetFloat64(f), -2200)
		for _, b := range []*big.Float{&big1, &big2} {
			if _, bad := outOfRange(cty.NumberVal(b)); !bad {
				t.Fatalf("%s was not refused", b.Text('g', 5))
			}
		}
	}
}

// The message names the order of magnitude without writing the digits,
// and quickly (the test would time out otherwise).
func TestRangeErrorMagnitude(t *testing.T) {
	for s, want := range map[string]string{
		"1e99999999":   "1e+99999999",
		"-1e99999999":  "-1e+99999999",
		"1e-99999999":  "1e-99999999",
		"9.9e400":      "1e+400",
		"1e309":        "1e+309",
		"1e599999999":  "1e+599999999",
		"-3.5e-100000": "-1e-100000",
	} {
		v, err := cty.ParseNumberVal(s)
		if err != nil {
			t.Fatal(err)
		}
		msg := rangeError(v.AsBigFloat()).Error()
		if !strings.Contains(msg, "of the order of "+want+" ") {
			t.Errorf("%s: %q, want the order %s", s, msg, want)
		}
	}
}
