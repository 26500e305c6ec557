package script

import (
	"fmt"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

func parseDuration(v string) (string, error) {
	d, err := org.ParseDuration(v)
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// TransportPaths reads a transport server's queue folders from
// EdgeTransport.exe.config on it into $queuePath and $logPath.
//
// Exchange 2007 has no $env:ExchangeInstallPath (2010 added it): Setup
// writes the install folder to MsiInstallPath under
// HKLM\SOFTWARE\Microsoft\Exchange\Setup.
const TransportPaths = `$install = (Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Exchange\Setup').MsiInstallPath
$cfg = Join-Path $install 'Bin\EdgeTransport.exe.config'
[xml]$x = Get-Content -LiteralPath $cfg
$queuePath = ($x.configuration.appSettings.add | Where-Object { $_.key -eq 'QueueDatabasePath' }).value
$logPath = ($x.configuration.appSettings.add | Where-Object { $_.key -eq 'QueueDatabaseLoggingPath' }).value
if (-not $queuePath) { $queuePath = Join-Path $install 'TransportRoles\data\Queue' }
if (-not $logPath) { $logPath = $queuePath }
$queuePath = $queuePath.TrimEnd('\'); if ($queuePath -match '^[A-Za-z]:$') { $queuePath += '\' }
$logPath = $logPath.TrimEnd('\'); if ($logPath -match '^[A-Za-z]:$') { $logPath += '\' }`

// queueAside moves a stopped server's mail.que and trn files into a new
// exdr-aside folder in its queue folder, named by the time and why.
func queueAside(why string) string {
	return `$aside = Join-Path $queuePath ('exdr-aside\' + (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ') + '-` + why + `')
New-Item -ItemType Directory -Path $aside -Force | Out-Null
Move-Item -LiteralPath (Join-Path $queuePath 'mail.que') -Destination $aside
Get-ChildItem -LiteralPath $logPath -Filter 'trn*' | Move-Item -Destination $aside`
}

// configPaths says where the queue folders a queue step shows come from.
const configPaths = "$queuePath and $logPath are QueueDatabasePath and QueueDatabaseLoggingPath in its EdgeTransport.exe.config"

// A key the file does not hold means the default folder,
// <install>\TransportRoles\data\Queue, for both (How to Change the
// Location of the Queue Database, Exchange 2007:
// https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb125177(v=exchg.80)).
// A trailing backslash is trimmed from both: eseutil's command line
// would read \" as a quote character when PowerShell wraps a path with a
// space (C:\Program Files\...) in double quotes; a drive root keeps its own.
//
// queueScript is a step on a transport server's queue database, written
// by its verb's entry in queueRenderers: every file operation with
// MSExchangeTransport stopped, old files moved into an exdr-aside folder
// first.
func (b *Builder) queueScript(step *providers.Step) (*Script, error) {
	r, ok := queueRenderers[step.Verb]
	if !ok {
		return nil, fmt.Errorf("the ems provider has no script for %s on a queue database", step.Verb)
	}
	return r(b, step)
}

var queueRenderers = map[providers.Verb]func(b *Builder, step *providers.Step) (*Script, error){
	providers.VerbStopTransport: func(b *Builder, step *providers.Step) (*Script, error) {
		server := step.Args["queue_server"]
		srv := b.q(server)
		b.on(srv, shownMark+"Stop-Service -Name MSExchangeTransport")
		b.at("on %s", server)
		return b.script(step.Verb, "Get-Service MSExchangeTransport on the server shows Stopped.")
	},
	providers.VerbStartTransport: func(b *Builder, step *providers.Step) (*Script, error) {
		server := step.Args["queue_server"]
		srv := b.q(server)
		b.on(srv, shownMark+"Start-Service -Name MSExchangeTransport")
		b.line("Get-Queue -Server %s | Format-Table -Property 'Identity', 'Status', 'MessageCount', 'LastError' -AutoSize", srv)
		b.show("Get-Queue -Server %s", srv)
		b.at("on %s", server)
		return b.script(step.Verb, "Get-Queue -Server lists the queues draining.")
	},
	providers.VerbReplayLogs: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		server := step.Args["queue_server"]
		srv := b.q(server)
		if queue, logs := a["queue_path"], a["queue_logging_path"]; queue != "" && logs != "" {
			// The folders the read found: shown and run as they are.
			b.on(srv, shownMark+"eseutil.exe /r 'trn' "+b.native("/l", logs)+" "+b.native("/s", logs)+" "+b.native("/d", queue)+"\n"+ese)
			b.at("on %s, MSExchangeTransport stopped", server)
		} else {
			b.on(srv, TransportPaths+"\n"+shownMark+"eseutil.exe /r trn /l$logPath /s$logPath /d$queuePath\n"+ese)
			b.at("on %s, MSExchangeTransport stopped; %s", server, configPaths)
		}
		return b.script(step.Verb, "eseutil /mh mail.que shows State: Clean Shutdown.")
	},
	providers.VerbDefragment: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		server := step.Args["queue_server"]
		srv := b.q(server)
		if queue := a["queue_path"]; queue != "" {
			file := b.q(queue + `\mail.que`)
			b.on(srv, setAside+"\n"+shownMark+"eseutil.exe /d "+file+"\n"+ese, file, "$false")
			b.at("on %s, MSExchangeTransport stopped; the file is copied to an exdr-aside folder beside it first", server)
		} else {
			b.on(srv, TransportPaths+"\n$path = Join-Path $queuePath 'mail.que'\n$move = $false\n"+strings.TrimPrefix(setAside, "param($path, $move)\n")+"\n"+shownMark+"eseutil.exe /d $path\n"+ese)
			b.at("on %s, MSExchangeTransport stopped; $path is mail.que in QueueDatabasePath of its EdgeTransport.exe.config, copied to an exdr-aside folder beside it first", server)
		}
		return b.script(step.Verb, "mail.que is smaller; the original is in exdr-aside.")
	},
	providers.VerbMoveQueueDatabase: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		server := step.Args["queue_server"]
		srv := b.q(server)
		b.on(srv, `param($newQueue, $newLogs)
`+shownMark+`Stop-Service -Name MSExchangeTransport
`+TransportPaths+`
New-Item -ItemType Directory -Path $newQueue, $newLogs -Force | Out-Null
Move-Item -LiteralPath (Join-Path $queuePath 'mail.que') -Destination $newQueue
Get-ChildItem -LiteralPath $logPath -Filter 'trn*' | Move-Item -Destination $newLogs
($x.configuration.appSettings.add | Where-Object { $_.key -eq 'QueueDatabasePath' }).value = $newQueue
($x.configuration.appSettings.add | Where-Object { $_.key -eq 'QueueDatabaseLoggingPath' }).value = $newLogs
Copy-Item -LiteralPath $cfg -Destination ($cfg + '.exdr-' + (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ'))
$x.Save($cfg)
`+shownMark+`Start-Service -Name MSExchangeTransport`, b.q(a["path"]), b.q(a["logging_path"]))
		b.at("on %s: between them mail.que and the trn files move to %s and %s, and EdgeTransport.exe.config (copied aside first) names those folders", server, a["path"], a["logging_path"])
		return b.script(step.Verb, "EdgeTransport.exe.config names the new folders; mail.que is there; Get-Queue answers.")
	},
	providers.VerbImportQueue: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		server := step.Args["queue_server"]
		srv := b.q(server)
		// Where the failed machine's disks are now is the person's
		// knowledge: the step is theirs, with the commands to run.
		b.line("$from = 'D:\\exdr-import'  # where the mail.que, trn*.log and trn.chk of %s are, as %s sees them", b.q(a["source"]), srv)
		b.on(srv, `param($from)
`+shownMark+`Stop-Service -Name MSExchangeTransport
`+TransportPaths+`
`+queueAside("own")+`
`+shownMark+`Copy-Item -LiteralPath (Join-Path $from 'mail.que') -Destination $queuePath
`+shownMark+`Get-ChildItem -LiteralPath $from -Filter 'trn*' | Copy-Item -Destination $logPath
`+shownMark+`eseutil.exe /r trn /l$logPath /s$logPath /d$queuePath
`+ese+`
`+shownMark+`Start-Service -Name MSExchangeTransport`, "$from")
		b.at("on %s, its own mail.que and trn files moved to an exdr-aside folder first; $from is where %s's queue files are; %s", server, a["source"], configPaths)
		s, err := b.script(step.Verb, "Get-Queue -Server lists the imported messages.")
		if err != nil {
			return nil, err
		}
		kept := ""
		if q := a["source_queue_path"]; q != "" {
			kept = fmt.Sprintf(" (%s kept mail.que and trn.chk in %s and its trn logs in %s: copy both into one folder)", a["source"], q, a["source_queue_logging_path"])
		}
		m := manual(step.Verb, fmt.Sprintf("Make the queue folder of %s's surviving disks reachable from %s (attach the disks, or copy the folder there)%s, set $from in this script to it, and run it.",
			a["source"], server, kept), s.Verify)
		m.ManualScript = s.PowerShell
		return m, nil
	},
	providers.VerbDrainQueue: func(b *Builder, step *providers.Step) (*Script, error) {
		srv := b.q(step.Args["queue_server"])
		b.line("$deadline = (Get-Date).AddHours(2)")
		b.line("do {")
		b.line("  Get-Queue -Server %s | Where-Object { $_.Status -eq 'Retry' } | ForEach-Object { Retry-Queue -Identity $_.Identity }", srv)
		b.line("  $left = (Get-Queue -Server %s | Measure-Object -Property 'MessageCount' -Sum).Sum", srv)
		b.line("  if ($left -gt 0) { Start-Sleep -Seconds 30 }")
		b.line("} while ($left -gt 0 -and (Get-Date) -lt $deadline)")
		// The server's name as a literal, never inside a double-quoted
		// string, where $( ) and backticks would run.
		b.line("if ($left -gt 0) { $what = ' messages are'; if ($left -eq 1) { $what = ' message is' }; throw ([string]$left + $what + ' still queued on ' + %s) }", srv)
		b.show("Get-Queue -Server %s", srv)
		b.at("until empty (at most two hours); Retry-Queue on any queue in Retry")
		return b.script(step.Verb, "Get-Queue -Server shows no message.")
	},
	providers.VerbRestoreQueue: func(b *Builder, step *providers.Step) (*Script, error) {
		server := step.Args["queue_server"]
		srv := b.q(server)
		b.on(srv, shownMark+`Stop-Service -Name MSExchangeTransport
`+TransportPaths+`
`+queueAside("drained")+`
$own = Get-ChildItem -LiteralPath (Join-Path $queuePath 'exdr-aside') -Filter '*-own' | Sort-Object Name | Select-Object -Last 1
Move-Item -LiteralPath (Join-Path $own.FullName 'mail.que') -Destination $queuePath
Get-ChildItem -LiteralPath $own.FullName -Filter 'trn*' | Move-Item -Destination $logPath
`+shownMark+`Start-Service -Name MSExchangeTransport`)
		b.at("on %s: between them the drained mail.que and trn files move to an exdr-aside folder and its own come back", server)
		return b.script(step.Verb, "Get-Queue -Server answers with the server's own queues.")
	},
	providers.VerbRotateQueue: func(b *Builder, step *providers.Step) (*Script, error) {
		srv := b.q(step.Args["queue_server"])
		b.cmd("Get-ReceiveConnector -Server %s | Set-ReceiveConnector -Enabled $false", srv)
		// Poison messages never leave by themselves (they stay in the old
		// file, set aside); a drain that does not end in two hours gives
		// the server its connectors back and stops, never waiting for
		// ever with Receive connectors disabled.
		b.line("$deadline = (Get-Date).AddHours(2)")
		b.line("do { $left = (Get-Queue -Server %s | Where-Object { $_.Identity.ToString() -notlike '*\\Poison' } | Measure-Object -Property 'MessageCount' -Sum).Sum; if ($left -gt 0) { Start-Sleep -Seconds 30 } } while ($left -gt 0 -and (Get-Date) -lt $deadline)", srv)
		b.line("if ($left -gt 0) { Get-ReceiveConnector -Server %s | Set-ReceiveConnector -Enabled $true; $what = ' messages are'; if ($left -eq 1) { $what = ' message is' }; throw ([string]$left + $what + ' still queued on ' + %s + ': its Receive connectors are enabled again and its queue database is left as it was') }", srv, srv)
		b.on(srv, shownMark+`Stop-Service -Name MSExchangeTransport
`+TransportPaths+`
`+queueAside("rotated")+`
`+shownMark+`Start-Service -Name MSExchangeTransport`)
		b.cmd("Get-ReceiveConnector -Server %s | Set-ReceiveConnector -Enabled $true", srv)
		b.at("Get-Queue -Server %s until empty (at most two hours) before the service stops; mail.que and the trn files move to an exdr-aside folder while it is stopped", srv)
		return b.script(step.Verb, "mail.que is new and small; Get-Queue answers.")
	},
	providers.VerbRetryQueue: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		server := step.Args["queue_server"]
		srv := b.q(server)
		for _, name := range strings.Split(a["queues"], ",") {
			if name = strings.TrimSpace(name); name == "" {
				continue
			}
			if name == "Unreachable" {
				b.cmd("Retry-Queue -Identity %s -Resubmit $true", b.q(server+`\Unreachable`))
				continue
			}
			resubmit := ""
			if a["resubmit"] == "true" {
				// Its recipients were re-homed: the categorizer routes
				// the messages again, to their mailboxes' new database
				// (Retry-Queue -Resubmit, for a delivery queue in Retry).
				resubmit = " -Resubmit $true"
			}
			b.cmd("Get-Queue -Server %s | Where-Object { $_.NextHopDomain -eq %s } | ForEach-Object { Retry-Queue -Identity $_.Identity%s }", srv, b.q(name), resubmit)
		}
		return b.script(step.Verb, "Get-Queue -Server shows the queues emptying.")
	},
}
