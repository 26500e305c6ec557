package command

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/exdr/exdr/internal/atomicfile"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

const edgeUsage = "edge export [DIR] [SERVER...]"

// cmdEdge is "exdr edge export": each Edge server's configuration written
// to the file its edge block names, so that the repository keeps it.
func cmdEdge(ctx context.Context, args []string, s *streams) error {
	if len(args) == 0 || isHelp(args[0]) {
		w := s.stdout
		if len(args) == 0 {
			w = s.stderr
		}
		fs := newFlags(s, "edge export", edgeUsage)
		printHelp(w, fs, edgeUsage)
		if len(args) == 0 {
			return errReported
		}
		return nil
	}
	if args[0] != "export" {
		return fmt.Errorf("exdr edge has no command %q: the command is exdr %s", args[0], edgeUsage)
	}
	fs := newFlags(s, "edge export", edgeUsage)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	rest, dir := fs.Args(), "."
	if len(rest) > 0 {
		if st, err := os.Stat(rest[0]); err == nil && st.IsDir() {
			dir, rest = rest[0], rest[1:]
		}
	}
	ws, err := openWorkspace(dir, nil, s)
	if err != nil {
		return err
	}
	exporter, ok := ws.provider.(providers.EdgeExporter)
	if !ok {
		return fmt.Errorf("provider %q cannot export Edge configurations: run ExportEdgeConfig.ps1 -CloneConfigData on each Edge server", ws.cfg.Org.Provider.Type)
	}
	servers, err := edgeServers(ws.cfg.Org, rest)
	if err != nil {
		return err
	}
	var failed bool
	for _, srv := range servers {
		b, err := exporter.ExportEdgeConfig(ctx, srv.Name)
		if err == nil {
			err = writeExport(srv.Edge.File, b, time.Now(), func(aside string) {
				fmt.Fprintf(s.stdout, "%s: the previous export is kept as %s.\n", srv.Name, filepath.Base(aside))
			})
		}
		switch {
		case errors.Is(err, errUnchanged):
			fmt.Fprintf(s.stdout, "%s: %s is up to date.\n", srv.Name, srv.Edge.ClonedConfig)
		case err != nil:
			failed = true
			fmt.Fprintf(s.stderr, "Error: %s: %s\n", srv.Addr, err)
		default:
			fmt.Fprintf(s.stdout, "%s: exported to %s (%s).\n", srv.Name, srv.Edge.ClonedConfig, plural(len(b), "byte"))
		}
	}
	if failed {
		return errReported
	}
	return nil
}

// edgeServers are the named servers, or every Edge server with an edge
// block; a named server without one is an error that says what to add.
func edgeServers(o *org.Org, names []string) ([]*org.Server, error) {
	var out []*org.Server
	if len(names) == 0 {
		for _, srv := range o.Servers {
			if srv.Edge != nil && srv.Edge.File != "" {
				out = append(out, srv)
			}
		}
		if len(out) == 0 {
			return nil, errors.New("no server has an edge { cloned_config = \"...\" } block: add one to each Edge Transport server to say where its export is kept")
		}
		return out, nil
	}
	ix := org.NewIndex(o)
	for _, name := range names {
		srv := ix.Server(name)
		switch {
		case srv == nil:
			return nil, fmt.Errorf("no server %q in the configuration", name)
		case srv.Edge == nil || srv.Edge.File == "":
			return nil, fmt.Errorf("%s has no edge { cloned_config = \"...\" } block: add one to say where its export is kept", srv.Addr)
		}
		out = append(out, srv)
	}
	return out, nil
}

var errUnchanged = errors.New("unchanged")

// writeExport replaces path with b, keeping a different previous export
// beside it (PATH.TIME.previous): it may be the only good copy of a
// configuration that has since gone wrong.
func writeExport(path string, b []byte, now time.Time, keptAside func(string)) error {
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, b):
		return errUnchanged
	case err == nil:
		aside := asideName(path, now)
		if err := os.Rename(path, aside); err != nil {
			return fmt.Errorf("set the previous export aside: %w", err)
		}
		keptAside(aside)
	case !os.IsNotExist(err):
		return err
	default:
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
	}
	return atomicfile.WriteFile(path, b, 0o644)
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
