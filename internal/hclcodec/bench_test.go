package hclcodec

import (
	"testing"

	"github.com/exdr/exdr/internal/benchgen"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// BenchmarkFile parses and decodes one server's file of the generated
// organization (50 databases in 10 storage groups), what the syntax cache
// saves per unchanged file:
//
//	go test ./internal/hclcodec -run XXX -bench File
func BenchmarkFile(b *testing.B) {
	f := benchgen.Files(2, 10, 5)[1]
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(f.Bytes)))
		b.ReportAllocs()
		for b.Loop() {
			if _, diags := hclsyntax.ParseConfig(f.Bytes, f.Name, hcl.InitialPos); diags.HasErrors() {
				b.Fatal(diags)
			}
		}
	})
	parsed, diags := hclsyntax.ParseConfig(f.Bytes, f.Name, hcl.InitialPos)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	enc, ok := Encode(parsed.Body.(*hclsyntax.Body), f.Name)
	if !ok {
		b.Fatal("refused")
	}
	b.Run("encode", func(b *testing.B) {
		b.SetBytes(int64(len(f.Bytes)))
		b.ReportAllocs()
		for b.Loop() {
			Encode(parsed.Body.(*hclsyntax.Body), f.Name)
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(f.Bytes)))
		b.ReportAllocs()
		data := string(enc)
		for b.Loop() {
			if _, err := Decode(data, f.Name); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Logf("%s: %d bytes of source, %d encoded", f.Name, len(f.Bytes), len(enc))
}
