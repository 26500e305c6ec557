package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/exdr/exdr/internal/atomicfile"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab"
)

const labEdgeUsage = "exdr lab edge [DIR] export SERVER | add-send-connector SERVER NAME ADDRESS_SPACE SMART_HOST"

// labEdge works on a lab Edge Transport server from outside a plan:
// export writes its cloned configuration where the configuration keeps it,
// as ExportEdgeConfig.ps1 -CloneConfigData would; add-send-connector
// customises it so that a drill can show the customisation coming back.
func labEdge(_ context.Context, l *lab.Lab, ws *workspace, args []string, s *streams) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: %s", labEdgeUsage)
	}
	switch {
	case args[0] == "export" && len(args) == 2:
		return exportEdge(l, ws, args[1], s)
	case args[0] == "add-send-connector" && len(args) == 5:
		if err := l.AddSendConnector(args[1], args[2], args[3], args[4]); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "%s: send connector %q for %s through %s added.\n", args[1], args[2], args[3], args[4])
		return nil
	}
	return fmt.Errorf("usage: %s", labEdgeUsage)
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func exportEdge(l *lab.Lab, ws *workspace, name string, s *streams) error {
	var srv *org.Server
	for _, x := range ws.cfg.Org.Servers {
		if strings.EqualFold(x.Name, name) {
			srv = x
		}
	}
	switch {
	case srv == nil:
		return fmt.Errorf("no server %q in the configuration", name)
	case srv.Edge == nil || srv.Edge.ClonedConfig == "":
		return fmt.Errorf("%s has no edge { cloned_config = \"...\" } block: add one to say where its export is kept", srv.Addr)
	}
	c, err := l.EdgeConfigOf(srv.Name)
	if err != nil {
		return err
	}
	b, err := lab.EncodeEdgeConfig(c)
	if err != nil {
		return err
	}
	path := srv.Edge.File
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, b):
		fmt.Fprintf(s.stdout, "%s is up to date.\n", srv.Edge.ClonedConfig)
		return nil
	case err == nil:
		// The previous export may be the only good copy of a configuration
		// that has since gone wrong: it is kept, not overwritten.
		aside := path + "." + l.Now().UTC().Format("20060102T150405Z") + ".previous"
		for i := 2; fileExists(aside); i++ {
			aside = fmt.Sprintf("%s.%s-%d.previous", path, l.Now().UTC().Format("20060102T150405Z"), i)
		}
		if err := os.Rename(path, aside); err != nil {
			return fmt.Errorf("set the previous export aside: %w", err)
		}
		fmt.Fprintf(s.stdout, "The previous export is kept as %s.\n", filepath.Base(aside))
	case !os.IsNotExist(err):
		return err
	default:
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
	}
	if err := atomicfile.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "Exported the configuration of %s to %s (%s, %s, %s).\n", srv.Name, srv.Edge.ClonedConfig,
		plural(len(c.SendConnectors), "send connector"), plural(len(c.ReceiveConnectors), "receive connector"), plural(len(c.Agents), "agent"))
	return nil
}
