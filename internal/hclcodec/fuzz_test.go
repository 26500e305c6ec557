package hclcodec

import (
	"testing"
)

// FuzzDecode feeds Decode arbitrary bytes: it must return a tree or an
// error, never panic nor allocate beyond its input.
func FuzzDecode(f *testing.F) {
	for name, src := range syntaxSamples {
		if b, ok := encodeSource(name, src); ok {
			f.Add(string(b))
		}
	}
	f.Add("")
	f.Add("\x00\x00")
	f.Fuzz(func(t *testing.T, data string) {
		body, err := Decode(data, "f.hcl")
		if (body == nil) == (err == nil) {
			t.Fatalf("Decode returned body %v and error %v", body, err)
		}
	})
}

// FuzzRoundTrip parses arbitrary source: whatever parses without an error
// and encodes must decode to the same tree.
func FuzzRoundTrip(f *testing.F) {
	for _, src := range syntaxSamples {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		roundTrip(t, "fuzz.hcl", []byte(src))
	})
}
