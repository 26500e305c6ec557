package transport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
)

// EdgeConfig is an Edge Transport server's configuration as its ADAM
// instance holds it, and as ExportEdgeConfig.ps1 writes it (the cloned
// configuration): transport settings and log paths, agents, connectors.
type EdgeConfig struct {
	XMLName           xml.Name        `xml:"EdgeConfiguration"`
	Server            string          `xml:"Server,attr"`
	MessageTracking   string          `xml:"TransportServer>MessageTrackingLogPath"`
	ReceiveProtocol   string          `xml:"TransportServer>ReceiveProtocolLogPath"`
	SendProtocol      string          `xml:"TransportServer>SendProtocolLogPath"`
	PickupDirectory   string          `xml:"TransportServer>PickupDirectoryPath"`
	Agents            []EdgeAgent     `xml:"TransportAgents>Agent"`
	SendConnectors    []EdgeConnector `xml:"SendConnectors>Connector"`
	ReceiveConnectors []EdgeConnector `xml:"ReceiveConnectors>Connector"`
	// Subscription is the Edge side of an Edge subscription (EdgeSync's
	// credentials). It is not part of a cloned configuration: a rebuilt
	// server has none until it is subscribed again.
	Subscription *EdgeSubscription `xml:"EdgeSubscription,omitempty"`
}

type EdgeSubscription struct {
	Site string `xml:"Site,attr"`
}

type EdgeAgent struct {
	Name     string `xml:"Name,attr"`
	Enabled  bool   `xml:"Enabled,attr"`
	Priority int    `xml:"Priority,attr"`
}

type EdgeConnector struct {
	Name         string `xml:"Name,attr"`
	AddressSpace string `xml:"AddressSpace,attr,omitempty"`
	SmartHost    string `xml:"SmartHost,attr,omitempty"`
	Bindings     string `xml:"Bindings,attr,omitempty"`
}

const edgeLogs = `C:\Program Files\Microsoft\Exchange Server\TransportRoles\Logs`

// DefaultEdgeConfig is what a fresh Edge install starts with.
func DefaultEdgeConfig(server string) *EdgeConfig {
	return &EdgeConfig{
		Server: server, MessageTracking: edgeLogs + `\MessageTracking`, ReceiveProtocol: edgeLogs + `\ProtocolLog\SmtpReceive`,
		SendProtocol: edgeLogs + `\ProtocolLog\SmtpSend`, PickupDirectory: `C:\Program Files\Microsoft\Exchange Server\TransportRoles\Pickup`,
		Agents: []EdgeAgent{{"Connection Filtering Agent", true, 1}, {"Address Rewriting Inbound Agent", true, 2}, {"Edge Rule Agent", true, 3},
			{"Content Filter Agent", true, 4}, {"Sender Id Agent", true, 5}, {"Sender Filter Agent", true, 6}, {"Recipient Filter Agent", true, 7},
			{"Protocol Analysis Agent", true, 8}, {"Attachment Filtering Agent", true, 9}, {"Address Rewriting Outbound Agent", true, 10}},
		ReceiveConnectors: []EdgeConnector{{Name: "Default internal receive connector " + server, Bindings: "0.0.0.0:25"}},
	}
}

func (l *Pipeline) ADAMPath(server string) string {
	return filepath.Join(l.ServerDir(server), "adam.xml")
}

// EdgeConfigOf reads an Edge server's configuration.
func (l *Pipeline) EdgeConfigOf(server string) (*EdgeConfig, error) {
	return decodeEdge(l.ADAMPath(server), server+" has no Edge configuration", "the Edge configuration of "+server+" is damaged")
}

// decodeEdge reads an EdgeConfiguration document, saying what went wrong
// in the caller's words.
func decodeEdge(path, unreadable, invalid string) (*EdgeConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", unreadable, err)
	}
	var c EdgeConfig
	if err := xml.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", invalid, err)
	}
	return &c, nil
}

func (l *Pipeline) WriteEdgeConfig(server string, c *EdgeConfig) error {
	b, err := EncodeEdgeConfig(c)
	if err != nil {
		return err
	}
	return disk.WriteAtomic(l.ADAMPath(server), b)
}

// ExportEdgeConfig is ExportEdgeConfig.ps1 -CloneConfigData on a lab Edge
// server.
func (l *Pipeline) ExportEdgeConfig(_ context.Context, server string) ([]byte, error) {
	c, err := l.EdgeConfigOf(server)
	if err != nil {
		return nil, err
	}
	return EncodeEdgeConfig(cloned(c))
}

// cloned is what ExportEdgeConfig.ps1 takes of a configuration: all but
// the subscription.
func cloned(c *EdgeConfig) *EdgeConfig {
	x := *c
	x.Subscription = nil
	return &x
}

// EncodeEdgeConfig writes a configuration as ExportEdgeConfig.ps1 would.
func EncodeEdgeConfig(c *EdgeConfig) ([]byte, error) {
	b, err := xml.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

// EdgeConfigHash fingerprints a configuration as its export would be.
func EdgeConfigHash(c *EdgeConfig) string {
	b, _ := EncodeEdgeConfig(cloned(c))
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// AddSendConnector customises an Edge server, for drills.
func (l *Pipeline) AddSendConnector(server, name, addressSpace, smartHost string) error {
	c, err := l.EdgeConfigOf(server)
	if err != nil {
		return err
	}
	c.SendConnectors = slices.DeleteFunc(c.SendConnectors, func(x EdgeConnector) bool { return x.Name == name })
	c.SendConnectors = append(c.SendConnectors, EdgeConnector{Name: name, AddressSpace: addressSpace, SmartHost: smartHost})
	return l.WriteEdgeConfig(server, c)
}

func readCloned(step *providers.Step) (*EdgeConfig, error) {
	path := step.Args["cloned_config"]
	if want := step.Args["cloned_config_sha256"]; want != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("the cloned configuration %s cannot be read: %w", path, err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != want {
			return nil, fmt.Errorf("the cloned configuration %s changed since the plan was made: plan again to review the new export", path)
		}
	}
	return decodeEdge(path, "the cloned configuration "+path+" cannot be read", "the cloned configuration "+path+" is not an Edge export")
}

// answers lists the settings of a cloned configuration that the target
// server cannot take (paths on drives it does not have), with the value
// the import uses instead: the answer file ImportEdgeConfig.ps1 writes in
// validate mode.
func (l *Pipeline) answers(server string, c *EdgeConfig) map[string][2]string {
	out := map[string][2]string{}
	def := DefaultEdgeConfig(server)
	check := func(name, have, instead string) {
		if len(have) > 2 && have[1] == ':' {
			if _, err := os.Stat(l.DriveDir(server, have[:1])); err != nil {
				out[name] = [2]string{have, instead}
			}
		}
	}
	check("MessageTrackingLogPath", c.MessageTracking, def.MessageTracking)
	check("ReceiveProtocolLogPath", c.ReceiveProtocol, def.ReceiveProtocol)
	check("SendProtocolLogPath", c.SendProtocol, def.SendProtocol)
	check("PickupDirectoryPath", c.PickupDirectory, def.PickupDirectory)
	return out
}

// ValidateEdge is ImportEdgeConfig.ps1 -IsImport $false: it checks the
// cloned configuration against the target and writes the answer file.
func (l *Pipeline) ValidateEdge(step *providers.Step) error {
	server := step.Args["server"]
	c, err := readCloned(step)
	if err != nil {
		return err
	}
	type setting struct {
		Name     string `xml:"Name,attr"`
		Exported string `xml:"Exported,attr"`
		Use      string `xml:"Use,attr"`
	}
	doc := struct {
		XMLName  xml.Name  `xml:"CloneConfigAnswer"`
		Settings []setting `xml:"Setting"`
	}{}
	answers := l.answers(server, c)
	for _, name := range slices.Sorted(maps.Keys(answers)) {
		doc.Settings = append(doc.Settings, setting{name, answers[name][0], answers[name][1]})
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return disk.WriteAtomic(filepath.Join(l.ServerDir(server), "CloneConfigAnswer.xml"), append([]byte(xml.Header), append(b, '\n')...))
}

// ImportEdge is ImportEdgeConfig.ps1 -IsImport $true with the answer file.
func (l *Pipeline) ImportEdge(step *providers.Step) error {
	server := step.Args["server"]
	c, err := readCloned(step)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(l.ServerDir(server), "CloneConfigAnswer.xml")); err != nil {
		return fmt.Errorf("no answer file on %s: validate the cloned configuration first (ImportEdgeConfig.ps1 -IsImport $false)", server)
	}
	for name, a := range l.answers(server, c) {
		switch name {
		case "MessageTrackingLogPath":
			c.MessageTracking = a[1]
		case "ReceiveProtocolLogPath":
			c.ReceiveProtocol = a[1]
		case "SendProtocolLogPath":
			c.SendProtocol = a[1]
		case "PickupDirectoryPath":
			c.PickupDirectory = a[1]
		}
	}
	c.Server = server
	if cur, err := l.EdgeConfigOf(server); err == nil {
		c.Subscription = cur.Subscription
	}
	return l.WriteEdgeConfig(server, c)
}

// SubscribeEdge is Remove-EdgeSubscription on both sides, then
// New-EdgeSubscription: the Edge is subscribed to the hubs' site again.
func (l *Pipeline) SubscribeEdge(step *providers.Step) error {
	c, err := l.EdgeConfigOf(step.Args["server"])
	if err != nil {
		return err
	}
	c.Subscription = &EdgeSubscription{Site: step.Args["site"]}
	if err := l.WriteEdgeConfig(step.Args["server"], c); err != nil {
		return err
	}
	return l.UpdateDirectory(func(d *ad.Directory) error {
		d.EdgeSubscriptions = slices.DeleteFunc(d.EdgeSubscriptions, func(s *ad.Subscription) bool { return strings.EqualFold(s.Edge, step.Args["server"]) })
		d.EdgeSubscriptions = append(d.EdgeSubscriptions, &ad.Subscription{Edge: step.Args["server"], Site: step.Args["site"], Created: l.Now().UTC()})
		return nil
	})
}
