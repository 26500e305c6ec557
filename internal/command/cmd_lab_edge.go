package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab"
)

const labEdgeUsage = "exdr lab edge [DIR] add-send-connector SERVER NAME ADDRESS_SPACE SMART_HOST"

// labEdge customises a lab Edge Transport server from outside a plan, so
// that a drill can show the customisation coming back from its export.
func labEdge(_ context.Context, l *lab.Lab, _ *workspace, args []string, s *streams) error {
	if len(args) != 5 || args[0] != "add-send-connector" {
		return fmt.Errorf("usage: %s", labEdgeUsage)
	}
	if err := l.AddSendConnector(args[1], args[2], args[3], args[4]); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "%s: send connector %q for %s through %s added.\n", args[1], args[2], args[3], args[4])
	return nil
}

// edgeServerNamed is the Edge Transport server an inspect argument names
// (server.EDGE01 or EDGE01), or nil.
func edgeServerNamed(ws *workspace, arg string) *org.Server {
	if srv := org.NewIndex(ws.cfg.Org).Server(strings.TrimPrefix(arg, "server.")); srv != nil && srv.Roles.Has(org.RoleEdgeTransport) {
		return srv
	}
	return nil
}

// inspectEdge shows an Edge server's configuration as Get-TransportServer,
// Get-TransportAgent and the connector cmdlets would, so that a drill can
// count what came back.
func inspectEdge(ctx context.Context, l *lab.Lab, srv *org.Server, s *streams) error {
	c, err := l.EdgeConfigOf(srv.Name)
	if err != nil {
		return err
	}
	live, err := l.Read(ctx)
	if err != nil {
		return err
	}
	subscribed := "no"
	if x := org.NewIndex(live).Server(srv.Name); x != nil && x.Edge != nil && x.Edge.Subscribed {
		subscribed = "yes"
	}
	w := s.stdout
	enabled := 0
	for _, a := range c.Agents {
		if a.Enabled {
			enabled++
		}
	}
	fmt.Fprintf(w, "Edge server: %s\nSubscribed:  %s\n", c.Server, subscribed)
	fmt.Fprintf(w, "MessageTrackingLogPath: %s\nReceiveProtocolLogPath: %s\nSendProtocolLogPath:    %s\nPickupDirectoryPath:    %s\n",
		c.MessageTracking, c.ReceiveProtocol, c.SendProtocol, c.PickupDirectory)
	fmt.Fprintf(w, "Transport agents: %d (%d enabled)\n", len(c.Agents), enabled)
	fmt.Fprintf(w, "Send connectors: %d\n", len(c.SendConnectors))
	for _, x := range c.SendConnectors {
		fmt.Fprintf(w, "  %s: %s through %s\n", x.Name, x.AddressSpace, x.SmartHost)
	}
	fmt.Fprintf(w, "Receive connectors: %d\n", len(c.ReceiveConnectors))
	for _, x := range c.ReceiveConnectors {
		fmt.Fprintf(w, "  %s: %s\n", x.Name, x.Bindings)
	}
	return nil
}
