package command

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/exdr/exdr/internal/benchgen"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
)

// buildBenchLab writes the generated configuration of servers servers (50
// databases each) to dir, builds its lab through the lab's own steps, and
// damages one database in ten: a third lose their file, a third get a page
// of garbage, a third are dismounted.
func buildBenchLab(tb testing.TB, dir string, servers int) {
	tb.Helper()
	if err := benchgen.Write(dir, benchgen.Files(servers, 10, 5)); err != nil {
		tb.Fatal(err)
	}
	buildLab(tb, dir)
	s := &streams{stdin: bytes.NewReader(nil), stdout: io.Discard, stderr: os.Stderr}
	ws, err := openWorkspace(dir, nil, s)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	l := lab.New(ws.provPath, ws.cfg.Org.Name)
	for i, db := range ws.cfg.Org.Databases {
		if i%10 != 0 {
			continue
		}
		path, err := l.DatabaseFile(db.Identity())
		if err != nil {
			tb.Fatal(err)
		}
		switch (i / 10) % 3 {
		case 0:
			err = os.Remove(path)
		case 1:
			err = flip(path, 4*ese.PageSize+64)
		case 2:
			err = l.Apply(ctx, &providers.Step{Verb: providers.VerbDismount, Identity: db.Identity()}, nil)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func flip(path string, off int64) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteAt([]byte{0xba, 0xdb, 0xad}, off)
	return err
}

// benchSizes are the generated organization's sizes the CLI benchmarks
// run at: 50 databases to a server. 100k writes a lab of 6.6 GB in about
// four minutes, so it runs only when EXDR_BENCH_100K=1.
var benchSizes = []struct {
	name    string
	servers int
}{{"1k", 20}, {"10k", 200}, {"100k", 2000}}

func skipUnasked(b *testing.B, servers int) {
	if servers >= 2000 && os.Getenv("EXDR_BENCH_100K") != "1" {
		b.Skip("set EXDR_BENCH_100K=1 to build the 100,000-database lab (6.6 GB, about four minutes)")
	}
}

// BenchmarkPlanCLI runs exdr plan in-process on the damaged lab at 1,000,
// 10,000 and (EXDR_BENCH_100K=1) 100,000 databases, its configuration
// cached as every run after the first finds it: loading the
// configuration, reading the lab (every page of every database
// checksummed) and planning.
//
//	go test ./internal/command -run XXX -bench 'PlanCLI/' -benchtime 3x
func BenchmarkPlanCLI(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			skipUnasked(b, size.servers)
			dir := b.TempDir()
			buildBenchLab(b, dir, size.servers)
			s := &streams{stdin: bytes.NewReader(nil), stdout: io.Discard, stderr: os.Stderr, env: []string{"EXDR_CONFIG_CACHE=" + b.TempDir()}}
			plan := func() {
				if code := runCommand(context.Background(), []string{"plan", "-allow-data-loss", "-detailed-exitcode", dir}, s); code != exitChanges {
					b.Fatalf("plan exited %d, want %d (changes)", code, exitChanges)
				}
			}
			plan() // fills the cache
			b.ReportAllocs()
			for b.Loop() {
				plan()
			}
		})
	}
}

// TestWriteBenchLab writes the damaged 10,000-database lab to the
// directory in EXDR_BENCH_LAB (EXDR_BENCH_SERVERS sets another size), to
// measure the CLI there:
//
//	EXDR_BENCH_LAB=/tmp/biglab go test . -run WriteBenchLab
//	/usr/bin/time -v exdr plan -allow-data-loss /tmp/biglab
func TestWriteBenchLab(t *testing.T) {
	dir := os.Getenv("EXDR_BENCH_LAB")
	if dir == "" {
		t.Skip("set EXDR_BENCH_LAB to a directory to write the benchmark lab")
	}
	buildBenchLab(t, filepath.Clean(dir), benchgen.Servers(200))
}

// BenchmarkPlanCLIAt is BenchmarkPlanCLI10k on a lab already written (by
// TestWriteBenchLab, or one of another size) to EXDR_BENCH_LAB, so that a
// profile shows the plan alone:
//
//	EXDR_BENCH_LAB=/tmp/biglab go test . -run XXX -bench PlanCLIAt -cpuprofile cpu.out
func BenchmarkPlanCLIAt(b *testing.B) {
	dir := os.Getenv("EXDR_BENCH_LAB")
	if dir == "" {
		b.Skip("set EXDR_BENCH_LAB to a lab written by TestWriteBenchLab")
	}
	s := &streams{stdin: bytes.NewReader(nil), stdout: io.Discard, stderr: os.Stderr}
	b.ReportAllocs()
	for b.Loop() {
		if code := runCommand(context.Background(), []string{"plan", "-allow-data-loss", "-detailed-exitcode", dir}, s); code != exitChanges {
			b.Fatalf("plan exited %d, want %d (changes)", code, exitChanges)
		}
	}
}

// BenchmarkApplyFromNothing builds the generated organization from
// nothing with exdr apply -auto-approve, every step journaled and every
// directory change written as it happens (no batch), at 1,000 and 10,000
// databases:
//
//	go test ./internal/command -run XXX -bench ApplyFromNothing -benchtime 1x
func BenchmarkApplyFromNothing(b *testing.B) {
	for _, size := range []struct {
		name    string
		servers int
	}{{"1k", 20}, {"10k", 200}} {
		b.Run(size.name, func(b *testing.B) {
			// TestMain reads every update back; a benchmark measures exdr.
			host.VerifyWrites = false
			defer func() { host.VerifyWrites = true }()
			s := &streams{stdin: bytes.NewReader(nil), stdout: io.Discard, stderr: os.Stderr}
			for b.Loop() {
				b.StopTimer()
				dir := b.TempDir()
				if err := benchgen.Write(dir, benchgen.Files(size.servers, 10, 5)); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if code := runCommand(context.Background(), []string{"apply", "-auto-approve", dir}, s); code != exitOK {
					b.Fatalf("apply exited %d", code)
				}
			}
		})
	}
}

// BenchmarkValidateCLI runs exdr validate on the generated configuration
// at 1,000, 10,000 and 100,000 databases, its load cached as every run
// after the first finds it ("cached"), and with the cache off ("parsed"):
//
//	go test ./internal/command -run XXX -bench 'ValidateCLI/' -benchtime 3x
func BenchmarkValidateCLI(b *testing.B) {
	for _, size := range benchSizes {
		for _, cached := range []bool{true, false} {
			name := size.name + "/parsed"
			if cached {
				name = size.name + "/cached"
			}
			b.Run(name, func(b *testing.B) {
				dir := b.TempDir()
				if err := benchgen.Write(dir, benchgen.Files(size.servers, 10, 5)); err != nil {
					b.Fatal(err)
				}
				cache := "off"
				if cached {
					cache = b.TempDir()
				}
				s := &streams{stdin: bytes.NewReader(nil), stdout: io.Discard, stderr: os.Stderr, env: []string{"EXDR_CONFIG_CACHE=" + cache}}
				validate := func() {
					if code := runCommand(context.Background(), []string{"validate", dir}, s); code != exitOK {
						b.Fatalf("validate exited %d", code)
					}
				}
				validate() // fills the cache
				b.ReportAllocs()
				for b.Loop() {
					validate()
				}
			})
		}
	}
}

// BenchmarkGenerate10k measures exdr generate on the 10,000-database
// organization: the lab's read and the files written.
//
//	go test ./internal/command -run XXX -bench Generate10k -benchtime 5x
func BenchmarkGenerate10k(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "src")
	if err := benchgen.Write(src, benchgen.Files(benchgen.Servers(200), 10, 5)); err != nil {
		b.Fatal(err)
	}
	buildLab(b, src)
	host.VerifyWrites = false
	defer func() { host.VerifyWrites = true }()
	s := &streams{stdin: bytes.NewReader(nil), stdout: io.Discard, stderr: os.Stderr}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		out := filepath.Join(dir, fmt.Sprintf("gen%d", i))
		if code := runCommand(context.Background(), []string{"generate", "-path", filepath.Join(src, ".exdr", "lab"), "-out", out}, s); code != 0 {
			b.Fatalf("generate exited %d", code)
		}
	}
}
