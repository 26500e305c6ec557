package org

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func TestAttrRanges(t *testing.T) {
	at := func(line int) hcl.Range {
		return hcl.Range{Filename: "main.exdr.hcl", Start: hcl.Pos{Line: line, Column: 3}, End: hcl.Pos{Line: line, Column: 9}}
	}
	var d Decl
	d.Range = at(1)
	d.Attrs.Put("name", at(2))
	d.Attrs.Put("recovery.allow_data_loss", at(3))
	d.Attrs.Put("name", at(4)) // set again: the newer range
	for _, tc := range []struct {
		attr string
		set  bool
		want hcl.Range
	}{
		{"name", true, at(4)},
		{"recovery.allow_data_loss", true, at(3)},
		{"allow_data_loss", false, at(1)}, // not the nested block's
		{"", false, at(1)},
		{"Name", false, at(1)}, // attribute names are case-sensitive in HCL
	} {
		if got := d.Set(tc.attr); got != tc.set {
			t.Errorf("Set(%q) = %v, want %v", tc.attr, got, tc.set)
		}
		if got := d.AttrRange(tc.attr); got != tc.want {
			t.Errorf("AttrRange(%q) = %v, want %v", tc.attr, got, tc.want)
		}
	}
	if len(d.Attrs) != 2 {
		t.Errorf("%d attributes recorded, want 2: %v", len(d.Attrs), d.Attrs)
	}
	var none Decl
	if none.Set("name") {
		t.Error("a declaration without attributes says name is set")
	}
}
