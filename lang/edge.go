package lang

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
)

// readClonedConfig finds an Edge server's cloned configuration beside the
// configuration, fingerprints it, and checks it is an Edge export. A
// missing file is not an error here: the plan refuses only if it needs it.
func (ev *evaluator) readClonedConfig(d *decoder, a *hcl.Attribute, e *org.EdgeSettings) {
	e.File = filepath.FromSlash(e.ClonedConfig)
	if !filepath.IsAbs(e.File) {
		e.File = filepath.Join(ev.dir, e.File)
	}
	if abs, err := filepath.Abs(e.File); err == nil {
		e.File = abs
	}
	b, err := ev.m.reads.readFile(e.File)
	if errors.Is(err, os.ErrNotExist) {
		e.Missing = true
		return
	}
	if err != nil {
		d.errorf(a, "Cannot read the cloned configuration", "%s: %s.", e.ClonedConfig, err)
		return
	}
	var root struct {
		XMLName   xml.Name
		Transport struct {
			Settings []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		} `xml:"TransportServer"`
	}
	if err := xml.Unmarshal(b, &root); err != nil || root.XMLName.Local != "EdgeConfiguration" {
		d.errorf(a, "Invalid cloned configuration", "%s is not an Edge configuration export (ExportEdgeConfig.ps1 writes an EdgeConfiguration document): export it again with exdr edge export (ExportEdgeConfig.ps1 -CloneConfigData on the server).", e.ClonedConfig)
		return
	}
	for _, s := range root.Transport.Settings {
		if e.Paths == nil {
			e.Paths = map[string]string{}
		}
		e.Paths[s.XMLName.Local] = s.Value
	}
	sum := sha256.Sum256(b)
	e.ConfigHash = hex.EncodeToString(sum[:])
}
