package main

import (
	"context"
	"fmt"

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
