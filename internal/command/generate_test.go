package command

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/sebdah/goldie/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/exdr/exdr/executor"
	"github.com/exdr/exdr/internal/benchgen"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab"
)

// hclStr is s as an HCL string literal, escaped as hclwrite escapes it.
func hclStr(s string) string {
	return string(hclwrite.TokensForValue(cty.StringVal(s)).Bytes())
}

// randomOrg writes the configuration of an organization of a random
// shape: servers of each role set, storage groups and databases with
// names Exchange accepts but HCL and PowerShell must quote (apostrophes,
// spaces, accents, $(...) and ${...}), retention left to Exchange or
// set, local and standby copies, dismounted databases, queue databases
// moved and limited, mailboxes few (blocks) or many (a CSV), some with
// their own retention.
func randomOrg(r *rand.Rand, seed uint64) []benchgen.File {
	var b strings.Builder
	fmt.Fprintf(&b, "exdr {\n  organization = %s\n}\n\nprovider \"lab\" {\n  path = \".exdr/lab\"\n}\n\n", hclStr(fmt.Sprintf("Org %d", seed)))
	serverNames := []string{"MBX01", "mbx-02", "EX2007A", "MAILSRV-SALES", "M3", "Z9Z9Z9Z9Z9Z9Z9Z"}
	sgNames := []string{"SG1", "Storage Group 2", "O'Brien", "Ventes é", "$(whoami)", "${x}", "First Storage Group", "a.b"}
	dbNames := []string{"DB1", "Mailbox Database", "Sales's DB", "Déjà vu", "db-2", "%{y}", "Ünïcode"}
	retentions := []string{"", "", "7d", "14d", "30d", "1d12h", "45d"}
	n := 1 + r.IntN(3)
	var mailboxServers []string
	var dbs []string // mailbox database names written as references would need
	groupsOf := make([]int, n)
	for i := range n {
		name := serverNames[(int(seed)+i)%len(serverNames)]
		mailboxServers = append(mailboxServers, name)
		groupsOf[i] = 1 + r.IntN(3)
		edition := []string{"", "standard", "enterprise"}[r.IntN(3)]
		if groupsOf[i] > 2 {
			edition = "enterprise" // Standard allows 5 databases
		}
		fmt.Fprintf(&b, "server %s {\n  name  = %s\n  roles = [\"mailbox\"]\n", hclStr("s"+fmt.Sprint(i)), hclStr(name))
		if edition != "" {
			fmt.Fprintf(&b, "  edition = %q\n", edition)
		}
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "  site = %s\n", hclStr([]string{"HQ", "Branch O'Neil", "Site ${z}"}[r.IntN(3)]))
		}
		b.WriteString("}\n\n")
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "server \"HUB\" {\n  name  = \"HUB-01\"\n  roles = [\"hub_transport\", \"client_access\"]\n}\n\n")
		fmt.Fprintf(&b, "queue_database \"HUB\" {\n  server = server.HUB.name\n")
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "  path = %s\n", hclStr(`Q:\Queue\Mail Queue`))
		}
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "  logging_path = %s\n", hclStr(`L:\Queue Logs`))
		}
		if r.IntN(2) == 0 {
			b.WriteString("  max_size = \"4GB\"\n  max_whitespace = \"30%\"\n")
		}
		b.WriteString("}\n\n")
		if r.IntN(2) == 0 {
			// An Edge server in the perimeter, subscribed to the hub.
			fmt.Fprintf(&b, "server \"EDGE\" {\n  name  = \"EDGE-01\"\n  roles = [\"edge_transport\"]\n\n  edge {\n    cloned_config = \"edge/EDGE-01.xml\"\n  }\n}\n\n")
		}
	}
	pfOn := map[int]bool{}
	for si := range n {
		groups := groupsOf[si]
		perm := r.Perm(len(sgNames))[:groups]
		for gi, p := range perm {
			sg := sgNames[p]
			label := fmt.Sprintf("sg%d_%d", si, gi)
			fmt.Fprintf(&b, "storage_group %q {\n  name = %s\n  server = server.s%d.name\n  log_folder_path = %s\n", label, hclStr(sg), si, hclStr(`D:\Exchange\`+mailboxServers[si]+`\`+sg))
			if r.IntN(4) == 0 {
				fmt.Fprintf(&b, "  system_folder_path = %s\n", hclStr(`S:\System\`+mailboxServers[si]+`\`+sg))
			}
			copyKind := r.IntN(4)
			single := copyKind > 1
			switch {
			case copyKind == 2:
				fmt.Fprintf(&b, "  copy = \"local\"\n  copy_path = %s\n", hclStr(`F:\LCR\`+mailboxServers[si]+`\`+sg))
			case copyKind == 3 && n > 1:
				fmt.Fprintf(&b, "\n  standby {\n    machine = server.s%d.name\n", (si+1)%n)
				if r.IntN(2) == 0 {
					b.WriteString("    replay_lag = \"12h\"\n")
				}
				b.WriteString("  }\n")
			case r.IntN(3) == 0:
				b.WriteString("  circular_logging = true\n")
				single = false
			}
			b.WriteString("}\n\n")
			count := 1
			if !single {
				count = 1 + r.IntN(2)
			}
			for di, q := range r.Perm(len(dbNames))[:count] {
				db := dbNames[q]
				kind := "mailbox_database"
				if !pfOn[si] && r.IntN(5) == 0 {
					kind, pfOn[si] = "public_folder_database", true
				}
				fmt.Fprintf(&b, "%s \"db%d_%d_%d\" {\n  name = %s\n  storage_group = storage_group.%s.identity\n  edb_file_path = %s\n", kind, si, gi, di, hclStr(db), label, hclStr(`E:\Exchange\`+mailboxServers[si]+`\`+sg+`\`+db+".edb"))
				if ret := retentions[r.IntN(len(retentions))]; ret != "" {
					fmt.Fprintf(&b, "  deleted_item_retention = %q\n", ret)
				}
				if ret := retentions[r.IntN(len(retentions))]; ret != "" && kind == "mailbox_database" {
					fmt.Fprintf(&b, "  mailbox_retention = %q\n", ret)
				}
				if r.IntN(4) == 0 {
					b.WriteString("  retain_deleted_items_until_backup = true\n")
				}
				if r.IntN(5) == 0 {
					b.WriteString("  allow_file_restore = true\n")
				}
				if r.IntN(6) == 0 {
					b.WriteString("  mounted = false\n")
				}
				b.WriteString("}\n\n")
				if kind == "mailbox_database" {
					dbs = append(dbs, fmt.Sprintf("db%d_%d_%d", si, gi, di))
				}
			}
		}
	}
	if len(dbs) > 0 {
		aliases := []string{"alice", "bob", "o'brien", "zoë", "d.dunn", "eve-1", "frank", "grace", "heidi", "ivan", "judy", "mallory"}
		count := r.IntN(len(aliases) + 1)
		for i, a := range aliases[:count] {
			fmt.Fprintf(&b, "mailbox \"m%d\" {\n  name = %s\n  database = mailbox_database.%s.name\n  owner = %s\n", i, hclStr(a), dbs[r.IntN(len(dbs))], hclStr(`CONTOSO\`+a))
			if r.IntN(4) == 0 {
				b.WriteString("  use_database_retention_defaults = false\n  retain_deleted_items_for = \"60d\"\n")
			}
			b.WriteString("}\n\n")
		}
	}
	return []benchgen.File{{Name: "main.exdr.hcl", Bytes: []byte(b.String())}}
}

// The round trip, for organizations of many shapes: built in a lab from
// a configuration, written back by exdr generate, planned against the
// same lab: no changes.
func TestGenerateRoundTrip(t *testing.T) {
	for seed := range uint64(generateSeeds()) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(seed, 7))
			roundTrip(t, randomOrg(r, seed))
		})
	}
}

// roundTrip builds files' organization in a lab, generates it back and
// plans the generated configuration.
func roundTrip(t testing.TB, files []benchgen.File) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := benchgen.Write(src, files); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runLine("apply", "-auto-approve", src); code != 0 {
		t.Fatalf("building the lab: exit %d\n%s%s\n%s", code, tail(out), errs, files[0].Bytes)
	}
	generateAndPlan(t, dir, src, files[0].Bytes)
}

// generateAndPlan writes src's lab back as a configuration in dir/gen
// and plans it: no changes.
func generateAndPlan(t testing.TB, dir, src string, shown []byte) {
	gen := filepath.Join(dir, "gen")
	if code, out, errs := runLine("generate", "-path", filepath.Join(src, ".exdr", "lab"), "-out", gen); code != 0 {
		t.Fatalf("generate: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := runLine("plan", "-detailed-exitcode", "-no-color", gen)
	if code != 0 || !strings.Contains(out, "No changes.") {
		var written []string
		entries, _ := os.ReadDir(gen)
		for _, e := range entries {
			if b, err := os.ReadFile(filepath.Join(gen, e.Name())); err == nil {
				written = append(written, "--- "+e.Name()+"\n"+string(b))
			}
		}
		if len(written) > 8 {
			written = written[:8]
		}
		t.Fatalf("the generated configuration's plan: exit %d\n%s%s\nconfiguration:\n%s\ngenerated:\n%s", code, tail(out), tail(errs), shown, strings.Join(written, "\n"))
	}
}

func tail(s string) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-60):], "\n")
}

// generateSeeds is how many shapes the round trip tries: 40, or
// EXDR_GENERATE_SEEDS for a longer search.
func generateSeeds() int {
	if n, err := strconv.Atoi(os.Getenv("EXDR_GENERATE_SEEDS")); err == nil && n > 0 {
		return n
	}
	return 40
}

// The configuration exdr generate writes from the quickstart's lab.
func TestGenerateGoldenQuickstart(t *testing.T) {
	src := filepath.Join(t.TempDir(), "quickstart")
	if err := copyConfig(filepath.Join("..", "..", "examples", "quickstart"), src); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"apply", "-auto-approve", src}, {"edge", "export", src},
		{"generate", "-path", filepath.Join(src, ".exdr", "lab"), "-out", filepath.Join(src, "generated")}} {
		if code, out, errs := runLine(args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, tail(out), errs)
		}
	}
	g := goldie.New(t, goldie.WithFixtureDir(filepath.Join("testdata", "generate")), goldie.WithNameSuffix(".golden"))
	entries, err := os.ReadDir(filepath.Join(src, "generated"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, "generated", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		g.Assert(t, e.Name(), b)
	}
}

// The round trip at the benchmark's size: 200 servers, 2,000 storage
// groups, 10,000 databases (EXDR_BENCH_SERVERS changes it; -short
// skips it).
func TestGenerateRoundTrip10k(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the 10,000-database round trip takes half a minute")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := benchgen.Write(src, benchgen.Files(benchgen.Servers(200), 10, 5)); err != nil {
		t.Fatal(err)
	}
	buildLab(t, src)
	generateAndPlan(t, dir, src, nil)
}

// buildLab builds the configuration's organization in its lab through
// the lab's own steps, in one batch, as BenchmarkApplyFromNothing does:
// exdr apply would take minutes at 10,000 databases.
func buildLab(tb testing.TB, dir string) {
	tb.Helper()
	s := &streams{stdin: bytes.NewReader(nil), stdout: io.Discard, stderr: os.Stderr}
	ws, err := openWorkspace(dir, nil, s)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	p, err := ws.readAndPlan(ctx, planner.Options{}, s)
	if err != nil {
		tb.Fatal(err)
	}
	l := lab.New(ws.provPath, ws.cfg.Org.Name)
	err = l.Batch(func() error {
		return executor.Run(ctx, p, func(ctx context.Context, st *providers.Step) error { return l.Apply(ctx, st, nil) },
			executor.Options{Parallelism: 4}).Err
	})
	if err != nil {
		tb.Fatal(err)
	}
}
