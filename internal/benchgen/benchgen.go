package benchgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// File is one generated configuration file.
type File struct {
	Name  string
	Bytes []byte
}

// Files generates the configuration: a main file with the organization
// and a variable, then one file per server with its storage groups and
// mailbox databases, each block referring to its parent.
func Files(servers, groups, databases int) []File {
	files := []File{{Name: "main.exdr.hcl", Bytes: []byte("exdr {\n  organization = \"Bench\"\n}\n\n" +
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
		files = append(files, File{Name: fmt.Sprintf("MBX%03d.exdr.hcl", s), Bytes: []byte(b.String())})
	}
	return files
}

// Write puts the files in dir.
func Write(dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Bytes, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Servers is how many servers the benchmark's organization has: def, or
// EXDR_BENCH_SERVERS (each server holds 50 databases).
func Servers(def int) int {
	if n, err := strconv.Atoi(os.Getenv("EXDR_BENCH_SERVERS")); err == nil && n > 0 {
		return n
	}
	return def
}
