package lang

import (
	"slices"
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
	b.Run("file-per-server", func(b *testing.B) { benchLoad(b, b.TempDir(), generatedOrg(200, 10, 5), Options{}, 10000) })
	b.Run("one-file", func(b *testing.B) { benchLoad(b, b.TempDir(), oneFile(generatedOrg(200, 10, 5)), Options{}, 10000) })
}

// BenchmarkLoad loads the generated organization at 1,000, 10,000 and
// 100,000 databases (20, 200 and 2,000 servers of 10 groups of 5), parsed
// (no cache), from the cache of loaded configurations, and with one file
// edited since the last load (that file parsed, the others decoded from
// the syntax cache, both caches written again):
//
//	go test ./lang -run XXX -bench 'Load/' -benchtime 3x
func BenchmarkLoad(b *testing.B) {
	for _, size := range []struct {
		name    string
		servers int
	}{{"1k", 20}, {"10k", 200}, {"100k", 2000}} {
		srcs := generatedOrg(size.servers, 10, 5)
		want := size.servers * 50
		b.Run(size.name+"/parsed", func(b *testing.B) { benchLoad(b, b.TempDir(), srcs, Options{}, want) })
		b.Run(size.name+"/cached", func(b *testing.B) {
			dir, opts := b.TempDir(), Options{Cache: b.TempDir()}
			Load(dir, srcs, opts) // fills the cache
			benchLoad(b, dir, srcs, opts, want)
		})
		b.Run(size.name+"/one-file-edited", func(b *testing.B) {
			dir, opts := b.TempDir(), Options{Cache: b.TempDir()}
			edited := slices.Clone(srcs)
			k := len(edited) / 2
			variants := [2][]byte{
				append(slices.Clip(srcs[k].Bytes), "\n# edited\n"...),
				append(slices.Clip(srcs[k].Bytes), "\n# edited again\n"...),
			}
			Load(dir, srcs, opts) // fills the caches
			b.ReportAllocs()
			parsed, decoded := filesParsed.Load(), filesDecoded.Load()
			i := 0
			for b.Loop() {
				edited[k].Bytes = variants[i%2]
				i++
				cfg, diags := Load(dir, edited, opts)
				if diags.HasErrors() || len(cfg.Org.Databases) != want {
					b.Fatalf("%d databases: %s", len(cfg.Org.Databases), diags)
				}
			}
			if p, d := filesParsed.Load()-parsed, filesDecoded.Load()-decoded; p != int64(i) || d != int64(i*(len(srcs)-1)) {
				b.Fatalf("%d loads parsed %d files and decoded %d", i, p, d)
			}
		})
	}
}

func benchLoad(b *testing.B, dir string, srcs []Source, opts Options, want int) {
	var size int64
	for _, s := range srcs {
		size += int64(len(s.Bytes))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	before := cacheHits.Load()
	for b.Loop() {
		cfg, diags := Load(dir, srcs, opts)
		if diags.HasErrors() {
			b.Fatalf("generated configuration is invalid:\n%s", render(cfg.DiagnosticFiles(diags), diags))
		}
		if len(cfg.Org.Databases) != want {
			b.Fatalf("loaded %d databases, want %d", len(cfg.Org.Databases), want)
		}
	}
	if opts.Cache != "" && cacheHits.Load() == before {
		b.Fatal("the cache answered no load")
	}
}
