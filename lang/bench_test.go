package lang

import (
	"testing"

	"github.com/exdr/exdr/internal/benchgen"
)

func generatedOrg(servers, groups, databases int) []Source {
	var srcs []Source
	for _, f := range benchgen.Files(servers, groups, databases) {
		srcs = append(srcs, Source{Filename: f.Name, Bytes: f.Bytes})
	}
	return srcs
}

// oneFile joins sources into a single file.
func oneFile(srcs []Source) []Source {
	var b []byte
	for _, s := range srcs {
		b = append(append(b, s.Bytes...), '\n')
	}
	return []Source{{Filename: "all.exdr.hcl", Bytes: b}}
}

// BenchmarkLoad10k loads 10,000 databases in 2,000 storage groups on 200
// servers (10 groups of 5 each). The shape first asked for, 100 servers of
// 20 groups, puts 100 databases on a server, past the 50 that Exchange
// 2007 Enterprise allows: validation rightly refuses it.
func BenchmarkLoad10k(b *testing.B) {
	b.Run("file-per-server", func(b *testing.B) { benchLoad(b, generatedOrg(200, 10, 5)) })
	b.Run("one-file", func(b *testing.B) { benchLoad(b, oneFile(generatedOrg(200, 10, 5))) })
}

func benchLoad(b *testing.B, srcs []Source) {
	dir := b.TempDir()
	var size int64
	for _, s := range srcs {
		size += int64(len(s.Bytes))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		cfg, diags := Load(dir, srcs, Options{})
		if diags.HasErrors() {
			b.Fatalf("generated configuration is invalid:\n%s", render(cfg.Files, diags))
		}
		if len(cfg.Org.Databases) != 10000 {
			b.Fatalf("loaded %d databases, want 10000", len(cfg.Org.Databases))
		}
	}
}
