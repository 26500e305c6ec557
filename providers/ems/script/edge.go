package script

import (
	"fmt"

	"github.com/exdr/exdr/providers"
)

// edgeServer is the Edge server a step is for: its server argument, or
// its identity.
func edgeServer(step *providers.Step) string {
	if s := step.Args["server"]; s != "" {
		return s
	}
	return string(step.Identity)
}

// edgeImport is ImportEdgeConfig.ps1 on the Edge (not domain-joined,
// so not reachable by remoting): validate writes the answer file, which
// the person reads and corrects before the import uses it (Using Edge
// Transport Server Cloned Configuration, bb125148).
func (b *Builder) edgeImport(step *providers.Step) (*Script, error) {
	a, server := step.Args, edgeServer(step)
	config, answer, _ := providers.EdgeFiles(server)
	b.line("$scripts = Join-Path (Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Exchange\\Setup').MsiInstallPath 'Scripts'")
	if step.Verb == providers.VerbValidateEdgeConfig {
		b.cmd("& (Join-Path $scripts 'ImportEdgeConfig.ps1') -CloneConfigData:%s -IsImport $false -CloneConfigAnswer:%s", b.q(config), b.q(answer))
		b.line("if (-not (Test-Path -LiteralPath %s)) { throw %s }", b.q(answer), b.q("ImportEdgeConfig.ps1 wrote no answer file: the cloned configuration was not validated"))
		b.line("Get-Content -LiteralPath %s", b.q(answer))
		b.at("on %s, with %s copied to %s; then read and correct the answer file", server, a["cloned_config"], config)
		sc, err := b.script(step.Verb, "")
		if err != nil {
			return nil, err
		}
		hash := ""
		if h := a["cloned_config_sha256"]; h != "" {
			hash = fmt.Sprintf(" (SHA-256 %s: certutil -hashfile %s SHA256 shows it)", h, config)
		}
		return &Script{Verb: step.Verb, ManualScript: sc.PowerShell,
			Manual: fmt.Sprintf("On the Edge Transport server %s (not domain-joined, so not reachable by remoting), copy the cloned configuration %s to %s%s, then run the script below in the Exchange Management Shell. It writes the answer file %s: read it, and for each setting it lists (a path on a drive this server lacks, most often) put the value this server should take.",
				server, a["cloned_config"], config, hash, answer),
			Verify: fmt.Sprintf("%s exists, and every setting in it holds the value %s should take.", answer, server)}, nil
	}
	b.cmd("& (Join-Path $scripts 'ImportEdgeConfig.ps1') -CloneConfigData:%s -IsImport $true -CloneConfigAnswer:%s", b.q(config), b.q(answer))
	b.line("Get-TransportServer | Format-List")
	b.line("Get-SendConnector")
	b.at("on %s, with the answer file read and corrected", server)
	sc, err := b.script(step.Verb, "")
	if err != nil {
		return nil, err
	}
	return &Script{Verb: step.Verb, ManualScript: sc.PowerShell,
		Manual: fmt.Sprintf("On the Edge Transport server %s, with the answer file %s read and corrected, run the script below in the Exchange Management Shell: it imports the cloned configuration.", server, answer),
		Verify: "Get-TransportServer on the Edge shows the imported paths and settings; Get-SendConnector lists the exported connectors."}, nil
}

// edgeSubscribe is the subscription made again: New-EdgeSubscription
// -FileName on the Edge writes the file, which is copied to a hub of the
// site and imported there with New-EdgeSubscription -FileName -Site
// within 1440 minutes; Exchange 2007 has no -FileData (Exchange 2010
// added it). https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb123800(v=exchg.80)
func (b *Builder) edgeSubscribe(step *providers.Step) (*Script, error) {
	a, server := step.Args, edgeServer(step)
	_, _, file := providers.EdgeFiles(server)
	site := a["site"]
	if site == "" {
		return nil, fmt.Errorf("%s: the Edge server %s names no Active Directory site to subscribe to, and its hubs are not in one: add site = \"...\" (the site of the hubs it serves) to its server block", step.Verb, server)
	}
	b.line("# 1. On the Edge Transport server %s:", b.q(server))
	b.cmd("New-EdgeSubscription -FileName %s -Force", b.q(file))
	b.line("# 2. On a Hub Transport server of site %s, with the file copied to the same path within 1440 minutes:", b.q(site))
	b.line("if (Get-EdgeSubscription -Identity %s -ErrorAction SilentlyContinue) { Remove-EdgeSubscription -Identity %s -Confirm:$false%s }", b.q(server), b.q(server), b.dcArg())
	b.cmd("New-EdgeSubscription -FileName %s -Site %s%s", b.q(file), b.q(site), b.dcArg())
	b.cmd("Start-EdgeSynchronization")
	b.line("Test-EdgeSynchronization%s", b.dcArg())
	b.at("the first on %s; the others on a hub of %s, with the file copied there within 1440 minutes (an old subscription of %s removed first)", server, site, server)
	sc, err := b.script(step.Verb, "")
	if err != nil {
		return nil, err
	}
	return &Script{Verb: step.Verb, ManualScript: sc.PowerShell,
		Manual: fmt.Sprintf("Subscribe %s to site %s again: part 1 of the script below on the Edge writes %s; copy that file to a Hub Transport server of the site (it expires after 1440 minutes) and run part 2 there.", server, site, file),
		Verify: "Test-EdgeSynchronization on the hub reports SyncStatus Normal for " + server + "."}, nil
}
