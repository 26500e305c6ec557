package command

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/rogpeppe/go-internal/diff"

	"github.com/exdr/exdr/internal/atomicfile"
	"github.com/exdr/exdr/lang"
)

type fmtOptions struct {
	check     bool
	diff      bool
	recursive bool
	targets   []string
}

func cmdFmt(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "fmt", "fmt [-check] [-diff] [-recursive] [DIR|FILE|-]...")
	var opts fmtOptions
	fs.BoolVar(&opts.check, "check", false, "change nothing; exit 3 if any file needs formatting")
	fs.BoolVar(&opts.diff, "diff", false, "print the changes as a unified diff")
	fs.BoolVar(&opts.recursive, "recursive", false, "also format the files of subdirectories")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	opts.targets = fs.Args()
	if len(opts.targets) == 0 {
		opts.targets = []string{"."}
	}
	return runFmt(ctx, opts, s)
}

func runFmt(_ context.Context, opts fmtOptions, s *streams) error {
	if len(opts.targets) == 1 && opts.targets[0] == "-" {
		return fmtStdin(opts, s)
	}
	files, err := fmtFiles(opts.targets, opts.recursive)
	if err != nil {
		return err
	}
	var diags hcl.Diagnostics
	parsed := map[string]*hcl.File{}
	changed := 0
	for _, path := range files {
		src, err := lang.ReadSource(path)
		if err != nil {
			return err
		}
		out, ds := lang.Format(path, src)
		if ds.HasErrors() {
			diags = append(diags, ds...)
			parsed[path] = &hcl.File{Bytes: src}
			continue
		}
		if bytes.Equal(src, out) {
			continue
		}
		changed++
		fmt.Fprintln(s.stdout, path)
		if opts.diff {
			writeDiff(s, path, src, out)
		}
		if !opts.check {
			// fmt changes layout only; the rename keeps the file whole
			// if anything goes wrong, and git holds the previous text.
			// Through a symbolic link to the file it names, keeping its
			// permissions: the rename put a regular file in the link's
			// place and left the shared file unformatted.
			target, err := filepath.EvalSymlinks(path)
			if err != nil {
				return fmt.Errorf("rewrite %s: %w", path, err)
			}
			mode := os.FileMode(0o644)
			if st, err := os.Stat(target); err == nil {
				mode = st.Mode().Perm()
			}
			if err := atomicfile.WriteFile(target, out, mode); err != nil {
				return fmt.Errorf("rewrite %s: %w", path, err)
			}
		}
	}
	if diags.HasErrors() {
		printDiagnostics(s.stderr, parsed, diags, s.color(true))
		return errReported
	}
	if opts.check && changed > 0 {
		return exitStatus(exitFormat)
	}
	return nil
}

func fmtStdin(opts fmtOptions, s *streams) error {
	src, err := io.ReadAll(s.stdin)
	if err != nil {
		return err
	}
	out, diags := lang.Format("<stdin>", src)
	if diags.HasErrors() {
		printDiagnostics(s.stderr, map[string]*hcl.File{"<stdin>": {Bytes: src}}, diags, s.color(true))
		return errReported
	}
	if opts.diff {
		writeDiff(s, "<stdin>", src, out)
	}
	if opts.check {
		if !bytes.Equal(src, out) {
			return exitStatus(exitFormat)
		}
		return nil
	}
	if !opts.diff {
		_, err = s.stdout.Write(out)
	}
	return err
}

// fmtFiles lists the configuration files the targets name: a file as it
// is, a directory's *.exdr.hcl files (and its subdirectories' with
// recursive, hidden ones such as .exdr and .git excepted).
func fmtFiles(targets []string, recursive bool) ([]string, error) {
	var files []string
	for _, t := range targets {
		st, err := os.Stat(t)
		if err != nil {
			return nil, fmt.Errorf("fmt: %w", err)
		}
		if !st.IsDir() {
			files = append(files, t)
			continue
		}
		err = filepath.WalkDir(t, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != t && (!recursive || strings.HasPrefix(d.Name(), ".")) {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(d.Name(), lang.FileSuffix) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("fmt: %w", err)
		}
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

func writeDiff(s *streams, name string, old, new []byte) {
	d := diff.Diff(name, old, name+" (formatted)", new)
	if !s.color(false) {
		s.stdout.Write(d)
		return
	}
	for _, line := range strings.SplitAfter(string(d), "\n") {
		switch {
		case strings.HasPrefix(line, "+"):
			fmt.Fprint(s.stdout, "\x1b[32m"+strings.TrimSuffix(line, "\n")+"\x1b[0m\n")
		case strings.HasPrefix(line, "-"):
			fmt.Fprint(s.stdout, "\x1b[31m"+strings.TrimSuffix(line, "\n")+"\x1b[0m\n")
		default:
			fmt.Fprint(s.stdout, line)
		}
	}
}
