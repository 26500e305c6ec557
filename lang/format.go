package lang

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns src in the canonical layout (hclwrite's, the one
// terraform fmt uses). A file that does not parse is returned unchanged
// with its diagnostics: formatting must never guess at broken input.
func Format(filename string, src []byte) ([]byte, hcl.Diagnostics) {
	if diags := checkNesting(filename, src); diags != nil {
		return src, diags
	}
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return src, diags
	}
	return hclwrite.Format(src), nil
}
