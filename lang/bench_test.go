package lang

import (
	"fmt"
	"strings"
	"testing"
)

// generatedOrg writes a configuration of servers × groups × databases, as
// an administrator would: one block per object, each referring to its
// parent, one file per server.
func generatedOrg(servers, groups, databases int) []Source {
	srcs := []Source{{Filename: "main.exdr.hcl", Bytes: []byte("exdr {\n  organization = \"Bench\"\n}\n\n" +
		"variable \"retention\" {\n  default = \"14d\"\n}\n")}}
	for s := 1; s <= servers; s++ {
		var b strings.Builder
		fmt.Fprintf(&b, "server \"MBX%03d\" {\n  roles   = [\"mailbox\"]\n  edition = \"enterprise\"\n}\n\n", s)
		for g := 1; g <= groups; g++ {
			fmt.Fprintf(&b, "storage_group \"MBX%03d_SG%02d\" {\n  name            = \"SG%02d\"\n  server          = server.MBX%03d.name\n  log_folder_path = \"D:\\\\Exchange\\\\SG%02d\"\n}\n\n", s, g, g, s, g)
			for d := 1; d <= databases; d++ {
				fmt.Fprintf(&b, "mailbox_database \"MBX%03d_SG%02d_DB%d\" {\n  name                   = \"DB%02d%d\"\n  storage_group          = storage_group.MBX%03d_SG%02d.name\n  edb_file_path          = \"E:\\\\Exchange\\\\SG%02d\\\\DB%d.edb\"\n  deleted_item_retention = var.retention\n  mailbox_retention      = \"30d\"\n}\n\n", s, g, d, g, d, s, g, g, d)
			}
		}
		srcs = append(srcs, Source{Filename: fmt.Sprintf("MBX%03d.exdr.hcl", s), Bytes: []byte(b.String())})
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
