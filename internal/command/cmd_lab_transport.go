package command

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab"
)

// labQueues lists every transport server's queues, as Get-Queue would,
// with its queue database's state.
func labQueues(ctx context.Context, l *lab.Lab, _ *workspace, args []string, s *streams) error {
	o, err := l.Read(ctx)
	if err != nil {
		return err
	}
	shown := 0
	for _, q := range o.QueueDatabases {
		if len(args) > 0 && !strings.EqualFold(args[0], q.Server) {
			continue
		}
		shown++
		h := q.Health
		service := "stopped"
		if h.Running {
			service = "running"
		}
		if h.MovingTo != "" {
			fmt.Fprintf(s.stdout, "%s: the move of its queue database to %s stopped half-way; exdr apply finishes it\n", q.Server, h.MovingTo)
		}
		fmt.Fprintf(s.stdout, "%s: MSExchangeTransport %s; %s\\mail.que", q.Server, service, q.Path)
		switch {
		case !h.FileExists:
			fmt.Fprintln(s.stdout, " missing")
			continue
		case len(h.BadPages) > 0:
			fmt.Fprintf(s.stdout, " %s, %s (about %s on them)\n", h.State, failingPages(len(h.BadPages)), plural(h.MessagesAtRisk, "message"))
			continue
		}
		fmt.Fprintf(s.stdout, " %s, %s, %s, whitespace %.0f%%, %s\n", h.State, h.Size, plural(h.Pages, "page"), float64(h.Whitespace), plural(h.Messages, "message"))
		if bp := h.BackPressure; bp != nil && bp.Level != "Normal" {
			fmt.Fprintf(s.stdout, "  back pressure %s: %s %s: %.1f%% used (medium from %.1f%%, high from %.1f%%)\n", bp.Level, bp.Resource(), bp.Drive, bp.UsedPercent, bp.HighPercent-2, bp.HighPercent)
		}
		if h.DrainingFrom != "" {
			fmt.Fprintf(s.stdout, "  holds the queue database of %s; its own is set aside\n", h.DrainingFrom)
		}
		for _, qu := range h.Queues {
			fmt.Fprintf(s.stdout, "  %-24s %-12s %-8s %5d", qu.Identity, qu.DeliveryType, qu.Status, qu.MessageCount)
			if qu.LastError != "" {
				fmt.Fprintf(s.stdout, "  %s", qu.LastError)
			}
			fmt.Fprintln(s.stdout)
		}
	}
	if shown == 0 {
		if len(args) > 0 {
			return fmt.Errorf("no transport server %s in the lab (or its machine is gone)", args[0])
		}
		fmt.Fprintln(s.stdout, "The lab has no transport server.")
	}
	return nil
}

// labTransport stops or starts a server's MSExchangeTransport, as an
// administrator would with Stop-Service and Start-Service.
func labTransport(ctx context.Context, l *lab.Lab, _ *workspace, args []string, s *streams) error {
	if len(args) != 2 || args[0] != "stop" && args[0] != "start" {
		return fmt.Errorf("usage: exdr lab transport [DIR] stop|start SERVER")
	}
	verb := providers.VerbStopTransport
	if args[0] == "start" {
		verb = providers.VerbStartTransport
	}
	step := &providers.Step{Verb: verb, Identity: org.Identity(args[1]).Join("mail.que"), Args: map[string]string{"queue_server": args[1]}}
	if err := l.Apply(ctx, step, nil); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "MSExchangeTransport on %s: %sed.\n", args[1], map[string]string{"stop": "stopp", "start": "start"}[args[0]])
	return nil
}

func sortedIdentities(m map[org.Identity]int) []org.Identity {
	out := make([]org.Identity, 0, len(m))
	for id, n := range m {
		if n > 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
