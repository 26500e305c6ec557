package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// edge brings an Edge server's configuration back from its cloned
// configuration when the server was rebuilt (validate, for the answer
// file; import), and subscribes it to the hubs again; drift only gets a
// note. The plan refuses when the export it needs is missing.
func (b *builder) edge(s *org.Server) {
	live := b.liveIx.Server(s.Name)
	// A server that existed and is being rebuilt needs its clone; a new
	// one starts from the defaults, and is exported once configured.
	last := b.byID[providers.StepID(s.Addr.String(), providers.VerbCreateServer)]
	drifted := !s.Edge.Missing && live != nil && live.Edge != nil && live.Edge.ConfigHash != "" && live.Edge.ConfigHash != s.Edge.ConfigHash
	// Setup resumed after a kill is not a rebuild: what the server had
	// before it ran is the fresh install's (handled as such below).
	resumed := live != nil && live.Health != nil && live.Health.SetupIncomplete
	rebuilt := live != nil && last != nil && !resumed
	restore, why := rebuilt, "the server was rebuilt"
	if last != nil && !rebuilt && !s.Edge.Missing {
		// A new server (or a first install resumed) takes the
		// configuration kept in the repository, so the first apply
		// converges.
		restore, why = true, "the new server takes its configuration from its cloned configuration"
	}
	// A rebuilt server whose import did not happen (an apply that stopped
	// half way) runs the defaults: importing over them loses nothing.
	if drifted && !restore && live.Edge.Fresh {
		restore, drifted, why = true, false, "the server runs the configuration of a fresh install"
	}
	if s.Edge.Missing && !restore {
		b.note("%s: its cloned configuration %s does not exist yet; export it with exdr edge export %s (ExportEdgeConfig.ps1 -CloneConfigData on the server), so that the server can be rebuilt from it.", s.Addr, s.Edge.ClonedConfig, s.Name)
	}
	unsubscribed := restore || live == nil || live.Edge == nil || !live.Edge.Subscribed
	addr := s.Addr.String()
	if drifted {
		// A running Edge whose configuration moved on is more likely right
		// than an old export: importing over it would discard the change.
		b.note("%s: its configuration differs from the cloned configuration %s; if the change is meant, export it again with exdr edge export %s, or a rebuild would bring back the old one.", s.Addr, s.Edge.ClonedConfig, s.Name)
	}
	if restore {
		if s.Edge.Missing {
			subject := s.Edge.Range
			b.refuse(s.Addr.String(), &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cloned configuration missing",
				Detail: fmt.Sprintf("%s needs its cloned configuration %s to be rebuilt, and the file is not there. Bring the export back (from version control or a backup); if there is none, remove the edge block and the server is rebuilt with the default Edge configuration, its connectors and agent settings made again by hand.",
					addr, s.Edge.ClonedConfig),
				Subject: &subject})
			return
		}
		// The hash pins the export the plan was reviewed with: a saved plan
		// must not import a file that changed since.
		args := map[string]string{"server": s.Name, "cloned_config": s.Edge.File, "cloned_config_sha256": s.Edge.ConfigHash}
		validate := after(b.add(&providers.Step{
			Verb: providers.VerbValidateEdgeConfig, Address: addr, Identity: s.Identity(), Args: args,
			Reason: fmt.Sprintf("%s: the cloned configuration %s is validated against it; the answer file lists the settings it cannot take (paths on drives it lacks) and what the import uses instead%s", why, s.Edge.ClonedConfig, offSetupDrive(s.Edge.Paths)),
			Effect: providers.ReadOnly, Estimate: b.estimate(providers.VerbValidateEdgeConfig, 0),
		}), last)
		last = after(b.add(&providers.Step{
			Verb: providers.VerbImportEdgeConfig, Address: addr, Identity: s.Identity(), Args: args,
			Reason: "the cloned configuration is imported with the answer file", Effect: providers.Reversible,
			Estimate: b.estimate(providers.VerbImportEdgeConfig, 0),
		}), validate)
	}
	if unsubscribed || last != nil {
		site := b.edgeSite(s)
		reason := "the Edge subscription is made again so EdgeSync repopulates recipients and configuration (it is not part of the clone)"
		if live != nil && live.Edge != nil && live.Edge.SubscriptionUnknown != "" && !restore {
			reason = fmt.Sprintf("whether %s is subscribed could not be read (%s): it is subscribed again, which replaces a subscription it may still have", s.Name, live.Edge.SubscriptionUnknown)
		}
		if live == nil {
			reason = "the new Edge server is subscribed to its site's hubs so EdgeSync gives it recipients and configuration"
		}
		after(b.add(&providers.Step{
			Verb: providers.VerbSubscribeEdge, Address: addr, Identity: s.Identity(), Args: map[string]string{"server": s.Name, "site": site},
			Reason: reason,
			Effect: providers.Reversible, Estimate: b.estimate(providers.VerbSubscribeEdge, 0),
		}), append([]*providers.Step{last}, b.hubs...)...)
	}
}

// edgeSite is the Active Directory site an Edge server subscribes to: its
// own site attribute, or else the one site of the configuration's Hub
// Transport servers; empty when that is not one site.
func (b *builder) edgeSite(s *org.Server) string {
	if s.Site != "" {
		return s.Site
	}
	site := ""
	for _, h := range b.desired.Servers {
		if !h.Roles.Has(org.RoleHubTransport) || h.Site == "" {
			continue
		}
		if site != "" && !strings.EqualFold(site, h.Site) {
			return ""
		}
		site = h.Site
	}
	return site
}

// offSetupDrive names the exported paths outside C:, the one drive a fresh
// install is sure to have: the answer file gives the default for each of
// them whose drive the rebuilt server lacks, so the reviewer sees them
// before the import decides.
func offSetupDrive(paths map[string]string) string {
	var out []string
	for name, p := range paths {
		if len(p) > 1 && p[1] == ':' && !strings.EqualFold(p[:1], "C") {
			out = append(out, name+" "+p)
		}
	}
	if len(out) == 0 {
		return ""
	}
	slices.Sort(out)
	return "; outside C: the export has " + strings.Join(out, ", ") + ", each set to its default if the server has no such drive"
}
