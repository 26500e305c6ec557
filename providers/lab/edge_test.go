package lab

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/transport"
)

// A cloned configuration from an Edge server with a log drive the
// rebuilt one lacks: validate writes the answer file naming the setting,
// import takes the default path for it and everything else as exported.
func TestEdgeCloneOntoServerWithoutTheDrive(t *testing.T) {
	l, err := Init(t.TempDir(), "Test")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	create := &providers.Step{Verb: providers.VerbCreateServer, Identity: "EDGE01", Args: map[string]string{"server": "EDGE01", "roles": "edge_transport"}}
	if err := l.Apply(ctx, create, nil); err != nil {
		t.Fatal(err)
	}
	exported := transport.DefaultEdgeConfig("EDGE01")
	exported.MessageTracking = `F:\Logs\MessageTracking`
	exported.SendConnectors = []transport.EdgeConnector{{Name: "To Internet", AddressSpace: "*", SmartHost: "smtp.isp.example"}}
	exported.Agents[3].Enabled = false
	b, err := transport.EncodeEdgeConfig(exported)
	if err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "EDGE01.xml")
	if err := os.WriteFile(clone, b, 0o644); err != nil {
		t.Fatal(err)
	}
	args := map[string]string{"server": "EDGE01", "cloned_config": clone}
	imp := &providers.Step{Verb: providers.VerbImportEdgeConfig, Identity: "EDGE01", Args: args}
	if err := l.Apply(ctx, imp, nil); err == nil || !strings.Contains(err.Error(), "no answer file") {
		t.Fatalf("import before validate: got %v, want an error asking for the answer file", err)
	}
	if err := l.Apply(ctx, &providers.Step{Verb: providers.VerbValidateEdgeConfig, Identity: "EDGE01", Args: args}, nil); err != nil {
		t.Fatal(err)
	}
	answer, err := os.ReadFile(filepath.Join(l.ServerDir("EDGE01"), "CloneConfigAnswer.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(answer), `Name="MessageTrackingLogPath" Exported="F:\Logs\MessageTracking"`) || strings.Contains(string(answer), "PickupDirectoryPath") {
		t.Errorf("answer file:\n%s\nwant only MessageTrackingLogPath, which is on a drive EDGE01 lacks", answer)
	}
	if err := l.Apply(ctx, imp, nil); err != nil {
		t.Fatal(err)
	}
	got, err := l.EdgeConfigOf("EDGE01")
	if err != nil {
		t.Fatal(err)
	}
	if got.MessageTracking != transport.DefaultEdgeConfig("EDGE01").MessageTracking {
		t.Errorf("message tracking path %q, want the default: F: does not exist on EDGE01", got.MessageTracking)
	}
	if !slices.Equal(got.SendConnectors, exported.SendConnectors) || got.Agents[3].Enabled {
		t.Errorf("imported %+v, want the exported connectors and agents", got)
	}
}

// A saved plan names the export by its hash: a file changed since is not
// imported.
func TestEdgeImportRefusesAChangedExport(t *testing.T) {
	l, err := Init(t.TempDir(), "Test")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := l.Apply(ctx, &providers.Step{Verb: providers.VerbCreateServer, Identity: "EDGE01", Args: map[string]string{"server": "EDGE01", "roles": "edge_transport"}}, nil); err != nil {
		t.Fatal(err)
	}
	b, err := l.ExportEdgeConfig(ctx, "EDGE01")
	if err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "EDGE01.xml")
	if err := os.WriteFile(clone, b, 0o644); err != nil {
		t.Fatal(err)
	}
	step := &providers.Step{Verb: providers.VerbValidateEdgeConfig, Identity: "EDGE01",
		Args: map[string]string{"server": "EDGE01", "cloned_config": clone, "cloned_config_sha256": transport.EdgeConfigHash(transport.DefaultEdgeConfig("EDGE01"))}}
	if err := l.Apply(ctx, step, nil); err != nil {
		t.Fatalf("the export as planned: %v", err)
	}
	if err := os.WriteFile(clone, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := l.Apply(ctx, step, nil); err == nil || !strings.Contains(err.Error(), "changed since the plan was made") {
		t.Fatalf("a changed export: got %v, want a refusal", err)
	}
}
