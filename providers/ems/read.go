package ems

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/ems/clixml"
	"github.com/exdr/exdr/providers/ems/script"
)

// ReadScript gathers the organization into one hashtable, exported as
// CliXML to standard output: Exchange's objects as the Get-* cmdlets
// return them, each server's answer to a ping, each storage group's log
// generations on disk, and eseutil /mh of each database file that is not
// mounted.
//
// The read is made for an outage: a server that does not answer is
// asked nothing more (its answer recorded in Up), and a server-side
// command that fails is recorded in Errors under the server's name and
// the database or group it was for, never the end of the read. eseutil
// /mh is not run on a mounted database: store.exe holds the file open,
// and eseutil fails with -1032 (JET_errFileAccessDenied).
//
// Long on purpose: it is one PowerShell script, written top to bottom in
// the order it runs on the server.
func ReadScript(opts Options) string {
	b := script.NewBuilder(opts.DomainController)
	dc := b.DCArg()
	// The floor, checked before anything needs it: PowerShell 2.0 here
	// (Invoke-Command; PowerShell 1.0 has no $PSVersionTable), and
	// Exchange 2007 SP1 (8.1) on every server (Get-StorageGroup -Status,
	// standby continuous replication, Test-EdgeSynchronization).
	b.Line("if (-not $PSVersionTable -or $PSVersionTable.PSVersion.Major -lt 2) { throw %s }",
		b.Q("exdr needs PowerShell 2.0 or later where it runs (Invoke-Command to the Exchange servers): install Windows Management Framework 2.0"))
	b.Line("$out = @{}")
	b.Line("$out['Now'] = (Get-Date).ToUniversalTime()")
	// The organization's name, which exdr generate writes and plans check
	// the configuration against (Get-OrganizationConfig [-DomainController],
	// technet.microsoft.com/library/aa997571(EXCHG.80)).
	b.Line("$out['Organization'] = [string](Get-OrganizationConfig%s).Name", dc)
	b.Line("$out['Servers'] = @(Get-ExchangeServer%s)", dc)
	// The clustered mailbox servers, by name, with their nodes: a
	// mailbox server whose RedundantMachines lists nodes (Get-MailboxServer
	// [-DomainController], bb123539). Such a server is never rebuilt with
	// Setup /m:RecoverServer.
	b.Line("$out['Clustered'] = @{}")
	b.Line("foreach ($m in @(Get-MailboxServer%s)) { $n = @($m.RedundantMachines | Where-Object { $_ }); if ($n.Count -gt 0) { $out['Clustered'][[string]$m.Name] = @($n | ForEach-Object { [string]$_ }) } }", dc)
	// Which Edge servers are subscribed, by name: a subscription is not
	// part of the Edge's clone and is made again after a rebuild
	// (Get-EdgeSubscription [-DomainController], bb124801). It needs the
	// Exchange Organization Administrator role, which a read-only
	// account lacks: then the key is left out, and the subscriptions are
	// unknown, as before this read asked.
	b.Line("try { $out['EdgeSubscriptions'] = @(Get-EdgeSubscription -ErrorAction Stop%s | ForEach-Object { [string]$_.Name }) } catch { $out['EdgeSubscriptionsError'] = $_.ToString() }", dc)
	b.Line("$rtm = @($out['Servers'] | Where-Object { $_.AdminDisplayVersion.Major -eq 8 -and $_.AdminDisplayVersion.Minor -lt 1 })")
	b.Line("if ($rtm.Count -gt 0) { throw (%s + (($rtm | ForEach-Object { $_.Name + ' (' + $_.AdminDisplayVersion + ')' }) -join ', ')) }",
		b.Q(floorMessage+": "))
	// -Status asks each server for its databases' state: a server that
	// does not answer is an error for its objects, not the end of the
	// read (they come back without status, and are read as unreadable).
	b.Line("$statusErrors = @()")
	b.Line("$out['StorageGroups'] = @(Get-StorageGroup -Status -ErrorAction SilentlyContinue -ErrorVariable +statusErrors%s)", dc)
	b.Line("$out['MailboxDatabases'] = @(Get-MailboxDatabase -Status -ErrorAction SilentlyContinue -ErrorVariable +statusErrors%s)", dc)
	b.Line("$out['PublicFolderDatabases'] = @(Get-PublicFolderDatabase -Status -ErrorAction SilentlyContinue -ErrorVariable +statusErrors%s)", dc)
	b.Line("$out['StatusErrors'] = @($statusErrors | ForEach-Object { $_.ToString() })")
	b.Line("$out['Mailboxes'] = @(Get-Mailbox -ResultSize Unlimited%s | Select-Object -Property 'Alias', 'Database', 'DisplayName')", dc)
	b.Line("$out['Up'] = @{}; $out['Errors'] = @{}; $out['Logs'] = @{}; $out['Headers'] = @{}; $out['Queues'] = @(); $out['QueuePaths'] = @{}; $out['CopyStatus'] = @(); $out['Disconnected'] = @()")
	// A server answers a ping, or, where a firewall drops pings (the
	// default on Windows Server 2008), PowerShell remoting: the way every
	// later command reaches it. (An Edge server in a perimeter network
	// may answer neither: see the README.)
	b.Line("foreach ($s in $out['Servers']) {")
	b.Line("  $up = [bool](Test-Connection -ComputerName $s.Name -Count 1 -Quiet)")
	b.Line("  if (-not $up -and -not $s.IsEdgeServer) { try { Invoke-Command -ComputerName $s.Name -ScriptBlock { 1 } | Out-Null; $up = $true } catch { } }")
	b.Line("  $out['Up'][$s.Name] = $up")
	b.Line("}")
	b.Line("foreach ($s in $out['Servers']) {")
	b.Line("  if (-not $out['Up'][$s.Name]) { continue }")
	// One try per command, its error under its own key: a stopped
	// transport must not make the server's databases unreadable.
	// Get-MailboxStatistics -Server <ServerIdParameter> [-DomainController <Fqdn>]:
	// https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb124612(v=exchg.80)
	b.Line("  if ($s.IsMailboxServer) { try { $out['Disconnected'] += @(Get-MailboxStatistics -Server $s.Name%s | Where-Object { $_.DisconnectDate -ne $null } | Select-Object -Property 'DisplayName', 'Database', 'DisconnectDate', 'MailboxGuid') } catch { $out['Errors']['statistics:' + $s.Name] = $_.Exception.Message } }", dc)
	b.Line("  if ($s.IsHubTransportServer) { try { $out['Queues'] += @(Get-Queue -Server $s.Name) } catch { $out['Errors']['queues:' + $s.Name] = $_.Exception.Message } }")
	// The queue database's folders, as EdgeTransport.exe.config names
	// them on the server: what a queue step's eseutil runs on. Not read
	// (an error, a server without remoting), they stay unknown.
	b.Line("  if ($s.IsHubTransportServer) { try { $out['QueuePaths'][$s.Name] = [string](Invoke-Command -ComputerName $s.Name -ScriptBlock {")
	for _, l := range strings.Split(script.TransportPaths, "\n") {
		b.Line("    %s", l)
	}
	b.Line("    $queuePath + '|' + $logPath")
	b.Line("  }) } catch { $out['Errors']['queuepaths:' + $s.Name] = $_.Exception.Message } }")
	b.Line("}")
	b.Line("foreach ($g in $out['StorageGroups']) {")
	b.Line("  if (-not $out['Up'][$g.Server.Name]) { continue }")
	b.Line("  try {")
	b.Line("    if ($g.HasLocalCopy) { $out['CopyStatus'] += @(Get-StorageGroupCopyStatus -Identity $g.Identity%s) }", dc)
	b.Line("    foreach ($m in @($g.StandbyMachines)) { if ($m) { $out['CopyStatus'] += @(Get-StorageGroupCopyStatus -Identity $g.Identity -StandbyMachine $m.NodeName%s) } }", dc)
	// [string]: what Invoke-Command returns carries PSComputerName and
	// RunspaceId, which Export-Clixml would write around the value.
	b.Line("    $out['Logs'][$g.Identity.ToString()] = [string](Invoke-Command -ComputerName $g.Server.Name -ArgumentList $g.LogFolderPath.PathName, $g.LogFilePrefix -ScriptBlock {")
	b.Line("      param($dir, $prefix)")
	b.Line("      if (-not (Test-Path -LiteralPath $dir)) { return 'missing' }")
	b.Line("      @(Get-ChildItem -LiteralPath $dir -Filter ($prefix + '*.log') | ForEach-Object { $_.Name }) -join ','")
	b.Line("    })")
	b.Line("  } catch { $out['Errors'][$g.Identity.ToString()] = $_.Exception.Message }")
	b.Line("}")
	b.Line("foreach ($d in ($out['MailboxDatabases'] + $out['PublicFolderDatabases'])) {")
	b.Line("  if (-not $out['Up'][$d.Server.Name] -or $d.Mounted) { continue }")
	b.Line("  try {")
	b.Line("    $out['Headers'][$d.Identity.ToString()] = [string](Invoke-Command -ComputerName $d.Server.Name -ArgumentList $d.EdbFilePath.PathName -ScriptBlock {")
	b.Line("      param($edb)")
	b.Line("      (& eseutil.exe /mh $edb 2>&1) | Out-String")
	b.Line("    })")
	b.Line("  } catch { $out['Errors'][$d.Identity.ToString()] = $_.Exception.Message }")
	b.Line("}")
	// A redirected powershell.exe writes its output in the console's
	// OEM code page, which garbles any name outside it: the file
	// Export-Clixml writes (UTF-16LE) goes out as base64, ASCII only.
	b.Line("$tmp = [System.IO.Path]::GetTempFileName()")
	b.Line("$out | Export-Clixml -Path $tmp -Depth 3")
	b.Line("'%s'", ReadMarker)
	b.Line("[System.Convert]::ToBase64String([System.IO.File]::ReadAllBytes($tmp))")
	b.Line("Remove-Item -LiteralPath $tmp")
	text, err := b.Text()
	if err != nil {
		panic("ems: the read script quotes only constants: " + err.Error())
	}
	return text
}

// floorMessage says what exdr needs of every Exchange server.
const floorMessage = "exdr needs Exchange 2007 SP1 or later on every server (Get-StorageGroup -Status, standby continuous replication and Test-EdgeSynchronization came with SP1); below it"

// belowFloor reads AdminDisplayVersion ("Version 8.0 (Build 685.24)")
// and reports whether it is Exchange 2007 before SP1 (8.0).
func belowFloor(version string) bool {
	var major, minor int
	if _, err := fmt.Sscanf(strings.TrimSpace(version), "Version %d.%d", &major, &minor); err != nil {
		return false // not said: the script's own check stands
	}
	return major == 8 && minor < 1
}

// ReadMarker is the line before the read script's base64 document.
const ReadMarker = "#< EXDR CLIXML BASE64"

// readDocument finds the read script's document in what it printed:
// the base64 after ReadMarker (line breaks a console may add are
// ignored).
func readDocument(stdout string) ([]byte, error) {
	_, after, ok := strings.Cut(stdout, ReadMarker)
	if !ok {
		return nil, fmt.Errorf("the read script printed no %q line: %q", ReadMarker, firstLine(stdout))
	}
	doc, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(after), ""))
	if err != nil {
		return nil, fmt.Errorf("the read script's document is not base64: %w", err)
	}
	return doc, nil
}

// fromCliXML maps the read script's hashtable onto the organization.
//
// Long on purpose: one pass over the read document's keys, in the order
// the read script writes them.
func fromCliXML(vals []clixml.Value) (*org.Org, error) {
	if len(vals) != 1 || vals[0].Kind != clixml.Object || !vals[0].Obj.Is("System.Collections.Hashtable") {
		return nil, fmt.Errorf("the read script's output is not one hashtable")
	}
	top := map[string]clixml.Value{}
	for _, e := range vals[0].Obj.Entries {
		top[e[0].Text()] = e[1]
	}
	// The read script writes every one of these, empty or not: a document
	// without one is not what it wrote, and read as given it planned
	// Setup for servers that run and New-StorageGroup for groups that
	// exist (adversarial review).
	for _, key := range []string{"Servers", "StorageGroups", "MailboxDatabases", "Up", "Logs", "Headers"} {
		if _, ok := top[key]; !ok {
			return nil, fmt.Errorf("the read script's output has no %s: exdr will not read a partial document as the organization", key)
		}
	}
	dict := func(key string) map[string]clixml.Value {
		out := map[string]clixml.Value{}
		if v := top[key]; v.Kind == clixml.Object {
			for _, e := range v.Obj.Entries {
				out[strings.ToLower(e[0].Text())] = e[1]
			}
		}
		return out
	}
	list := func(key string) []clixml.Value {
		if v := top[key]; v.Kind == clixml.Object {
			return v.Obj.Items
		}
		return nil
	}
	up, logs, headers, failed := dict("Up"), dict("Logs"), dict("Headers"), dict("Errors")
	queuePaths := dict("QueuePaths")
	var statusErrors []string
	for _, v := range list("StatusErrors") {
		statusErrors = append(statusErrors, strings.TrimSpace(v.Text()))
	}
	if len(statusErrors) > 0 && (len(list("StorageGroups")) == 0 || len(list("MailboxDatabases"))+len(list("PublicFolderDatabases")) == 0) {
		// Nothing came back and something failed: an organization with
		// no storage group or database is never read from a failure.
		return nil, fmt.Errorf("the directory did not list the storage groups and databases (%s): exdr will not read a failed read as an empty organization", statusErrors[0])
	}
	o := &org.Org{Provider: org.ProviderConfig{Type: "ems"}}
	o.Name = strings.TrimSpace(top["Organization"].Text())
	if now := top["Now"]; now.Kind == clixml.Time {
		o.Now = now.Time.UTC()
	}
	var rtm []string
	for _, v := range list("Servers") {
		s, err := server(v, up)
		if err != nil {
			return nil, err
		}
		if version := v.Prop("AdminDisplayVersion").Text(); belowFloor(version) {
			rtm = append(rtm, fmt.Sprintf("%s (%s)", s.Name, version))
		}
		o.Servers = append(o.Servers, s)
	}
	if len(rtm) > 0 {
		return nil, fmt.Errorf("%s: %s", floorMessage, strings.Join(rtm, ", "))
	}
	for name, nodes := range dict("Clustered") {
		for _, s := range o.Servers {
			if strings.EqualFold(s.Name, name) && nodes.Kind == clixml.Object {
				for _, n := range nodes.Obj.Items {
					s.ClusterNodes = append(s.ClusterNodes, strings.TrimSpace(n.Text()))
				}
				slices.Sort(s.ClusterNodes)
			}
		}
	}
	if why := strings.TrimSpace(top["EdgeSubscriptionsError"].Text()); why != "" {
		for _, s := range o.Servers {
			if s.Roles.Has(org.RoleEdgeTransport) {
				s.Edge = &org.EdgeSettings{SubscriptionUnknown: "Get-EdgeSubscription failed: " + why}
			}
		}
	}
	if subs, ok := top["EdgeSubscriptions"]; ok && subs.Kind == clixml.Object {
		subscribed := map[string]bool{}
		for _, v := range list("EdgeSubscriptions") {
			subscribed[strings.ToLower(strings.TrimSpace(v.Text()))] = true
		}
		for _, s := range o.Servers {
			if s.Roles.Has(org.RoleEdgeTransport) {
				s.Edge = &org.EdgeSettings{Subscribed: subscribed[strings.ToLower(s.Name)]}
			}
		}
	}
	unreadable := map[string]string{} // storage group identity -> why its databases cannot be read
	for _, v := range list("StorageGroups") {
		sg := storageGroup(v, logs)
		if why := notRead(sg.Server, string(sg.Identity()), up, failed); why != "" {
			sg.Health = nil // nothing is known of its log folder
			unreadable[strings.ToLower(string(sg.Identity()))] = why
		}
		if sg.Recovery {
			o.RecoveryStorageGroups = append(o.RecoveryStorageGroups, &org.RecoveryStorageGroup{Name: sg.Name, Server: sg.Server, LogFolderPath: sg.LogFolderPath})
			continue
		}
		o.StorageGroups = append(o.StorageGroups, sg)
	}
	for _, key := range []string{"MailboxDatabases", "PublicFolderDatabases"} {
		kind := org.MailboxDB
		if key == "PublicFolderDatabases" {
			kind = org.PublicFolderDB
		}
		for _, v := range list(key) {
			db, sets, err := database(v, kind, headers)
			if err != nil {
				return nil, err
			}
			if db != nil && db.Health != nil {
				why := unreadable[strings.ToLower(string(db.StorageGroup))]
				if why == "" && len(statusErrors) > 0 && v.Prop("Mounted").Kind == clixml.Nil {
					// -Status could not ask its server: mounted or not is
					// not known (errors: the first of them).
					why = "its status could not be read: " + statusErrors[0]
				}
				if why == "" {
					why = notRead(db.Server(), string(db.Identity()), up, failed)
				}
				if why != "" {
					db.Health, sets = &org.DatabaseHealth{Unreadable: why}, nil
				}
			}
			if db != nil {
				o.Databases = append(o.Databases, db)
				o.Backups = append(o.Backups, sets...)
			}
		}
	}
	for _, v := range list("Disconnected") {
		// Statistics name a disconnected mailbox by its display name and
		// MailboxGuid: its alias went with its directory object.
		o.Mailboxes = append(o.Mailboxes, &org.Mailbox{DisplayName: v.Prop("DisplayName").Text(), GUID: v.Prop("MailboxGuid").Text(),
			Database: org.Identity(v.Prop("Database").Text()), Health: &org.MailboxHealth{InStore: true, Disconnected: v.Prop("DisconnectDate").Time}})
	}
	for _, v := range list("Mailboxes") {
		o.Mailboxes = append(o.Mailboxes, &org.Mailbox{Name: v.Prop("Alias").Text(), DisplayName: v.Prop("DisplayName").Text(),
			Database: org.Identity(v.Prop("Database").Text()), Health: &org.MailboxHealth{InDirectory: true, InStore: true}})
	}
	queues(o, list("Queues"), failed, queuePaths)
	copies(o, list("CopyStatus"))
	o.Sort()
	return o, nil
}

// copies puts Get-StorageGroupCopyStatus's answers on their storage
// groups. The queue lengths count from the source's newest generation on
// disk, so that the copy queue (what is at risk) reads as in the lab.
func copies(o *org.Org, items []clixml.Value) {
	ix := org.NewIndex(o)
	for _, v := range items {
		id := v.Prop("Identity").Text()
		if id == "" {
			id = v.Prop("StorageGroupName").Text()
		}
		sg := ix.StorageGroup(org.Identity(id))
		if sg == nil {
			continue
		}
		standby := v.Prop("StandbyMachine").Text()
		c := &org.StandbyCopy{Local: standby == "", Machine: standby, Path: v.Prop("CopyLogFolderPath").Text()}
		if lag := v.Prop("ReplayLagTime").Text(); lag != "" {
			if d, err := ParseEnhancedTimeSpan(lag); err == nil {
				c.ReplayLag = d
			}
		}
		newest := uint32(0)
		if sg.Health != nil {
			newest = sg.Health.OnDisk.High
		}
		copied := newest - min(newest, uint32(v.Prop("CopyQueueLength").Int))
		c.Health = &org.CopyHealth{Status: v.Prop("SummaryCopyStatus").Text(), SourceUp: true, SourceNewest: newest,
			LastCopied: copied, LastReplayed: copied - min(copied, uint32(v.Prop("ReplayQueueLength").Int))}
		sg.Copy = c
	}
}

// notRead says why what the read script asked a server about is not
// known: the server did not answer the ping, or the command sent to it
// for this object failed (the error recorded under the object's
// identity, or under the server's name). Empty when it was read.
func notRead(server, identity string, up, failed map[string]clixml.Value) string {
	if r := up[strings.ToLower(server)]; r.Kind != clixml.Bool || !r.Bool {
		return fmt.Sprintf("%s does not answer, so its files cannot be read (a rebuild, or the server back, lets exdr read them)", server)
	}
	// The object's own read, and for a database the statistics of its
	// server (without them, its disconnected mailboxes are not known,
	// and a mailbox would be made anew instead of connected).
	for _, key := range []string{identity, "statistics:" + server} {
		if e, ok := failed[strings.ToLower(key)]; ok {
			msg := strings.TrimSpace(e.Text())
			if strings.Contains(msg, "WinRM") || strings.Contains(msg, "WS-Management") {
				msg += " (Invoke-Command needs WinRM 2.0 on every Exchange server: Windows Management Framework 2.0, then Enable-PSRemoting)"
			}
			return fmt.Sprintf("the shell on %s failed: %s", server, msg)
		}
	}
	return ""
}

func server(v clixml.Value, up map[string]clixml.Value) (*org.Server, error) {
	name := v.Prop("Name").Text()
	var roles org.Roles
	for _, r := range strings.Split(v.Prop("ServerRole").Text(), ",") {
		switch strings.TrimSpace(strings.ToLower(r)) {
		case "mailbox":
			roles = roles.With(org.RoleMailbox)
		case "clientaccess":
			roles = roles.With(org.RoleClientAccess)
		case "hubtransport":
			roles = roles.With(org.RoleHubTransport)
		case "unifiedmessaging":
			roles = roles.With(org.RoleUnifiedMessaging)
		case "edge":
			roles = roles.With(org.RoleEdgeTransport)
		}
	}
	edition, _ := org.ParseEdition(strings.ToLower(strings.TrimSuffix(v.Prop("Edition").Text(), "Evaluation")))
	reach := up[strings.ToLower(name)]
	return &org.Server{Name: name, Roles: roles, Site: adObjectName(v.Prop("Site").Text()), Edition: edition,
		Health: serverHealth(reach.Kind == clixml.Bool && reach.Bool)}, nil
}

func storageGroup(v clixml.Value, logs map[string]clixml.Value) *org.StorageGroup {
	sg := &org.StorageGroup{Name: v.Prop("Name").Text(), Server: v.Prop("Server").Text(),
		LogFolderPath: v.Prop("LogFolderPath").Text(), SystemFolderPath: v.Prop("SystemFolderPath").Text(),
		CircularLogging: v.Prop("CircularLoggingEnabled").Bool, Recovery: v.Prop("Recovery").Bool}
	h := &org.LogHealth{Prefix: v.Prop("LogFilePrefix").Text()}
	if l, ok := logs[strings.ToLower(string(sg.Identity()))]; ok && l.Text() != "missing" {
		h.FolderExists = true
		var gens []uint32
		for _, name := range strings.Split(l.Text(), ",") {
			var g uint32
			if _, err := fmt.Sscanf(strings.TrimSuffix(strings.TrimPrefix(name, h.Prefix), ".log"), "%X", &g); err == nil && g > 0 {
				gens = append(gens, g)
			}
		}
		if len(gens) > 0 {
			lo, hi := gens[0], gens[0]
			present := map[uint32]bool{}
			for _, g := range gens {
				lo, hi = min(lo, g), max(hi, g)
				present[g] = true
			}
			h.OnDisk, h.Checkpoint = org.LogRange{Low: lo, High: hi}, lo
			for g := lo; g <= hi; g++ {
				if !present[g] {
					h.Missing = append(h.Missing, g)
				}
			}
		}
	}
	sg.Health = h
	return sg
}

func database(v clixml.Value, kind org.DatabaseKind, headers map[string]clixml.Value) (*org.Database, []*org.BackupSet, error) {
	db := &org.Database{Kind: kind, Name: v.Prop("Name").Text(), StorageGroup: org.Identity(v.Prop("StorageGroup").Text()),
		EdbFilePath: v.Prop("EdbFilePath").Text()}
	if v.Prop("Recovery").Bool {
		return nil, nil, nil // a recovery database: part of its group
	}
	b := v.Prop("AllowFileRestore").Bool
	db.AllowFileRestore = &b
	r := v.Prop("RetainDeletedItemsUntilBackup").Bool
	db.RetainDeletedItemsUntilBackup = &r
	for _, f := range []struct {
		name string
		into **org.Duration
	}{{"DeletedItemRetention", &db.DeletedItemRetention}, {"MailboxRetention", &db.MailboxRetention}} {
		if t := v.Prop(f.name).Text(); t != "" {
			d, err := ParseEnhancedTimeSpan(t)
			if err != nil {
				return nil, nil, fmt.Errorf("%s of %s: %w", f.name, db.Identity(), err)
			}
			*f.into = &d
		}
	}
	h := &org.DatabaseHealth{Mounted: v.Prop("Mounted").Bool}
	var sets []*org.BackupSet
	text, read := headers[strings.ToLower(string(db.Identity()))]
	switch {
	case h.Mounted:
		// The store has the file attached (its header says Dirty
		// Shutdown while mounted); eseutil cannot open it. The last
		// full backup is the store's own answer (Get-MailboxDatabase
		// -Status, LastFullBackup).
		h.FileExists, h.State, h.StampsUnread = true, org.StateDirty, true
		if t := v.Prop("LastFullBackup"); t.Kind == clixml.Time {
			h.LastFull = t.Time.UTC()
		}
	case read:
		hd, err := ParseHeader(text.Text())
		var unreadable *UnreadableError
		if errors.As(err, &unreadable) {
			h = &org.DatabaseHealth{Unreadable: unreadable.Error()}
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", db.Identity(), err)
		}
		h.FileExists, h.State, h.LogRequired, h.RepairCount, h.Created = hd.FileExists, hd.State, hd.LogRequired, hd.RepairCount, hd.Created
		for _, st := range hd.Backups {
			if st.Type == org.BackupFull {
				h.LastFull = st.Time
			}
		}
		sets = stampedSets(db, hd.Backups)
	default:
		h = &org.DatabaseHealth{Unreadable: "the read script has no eseutil /mh output for its file"}
	}
	db.Health = h
	return db, sets, nil
}

// stampedSets are the backup sets a database's header stamps show: with
// backup_restore = "manual" there is no catalog to ask, and the stamps
// are what Exchange itself recorded. The previous full and copy backups
// are sets; the previous incremental and differential too when they
// follow the full directly (a differential takes every generation since
// the full; incrementals between the full and the previous one would be
// unknown). A database whose file is lost has no stamps to read: its
// sets are the site's backup software's to find.
func stampedSets(db *org.Database, stamps []Stamp) []*org.BackupSet {
	set := func(s Stamp) *org.BackupSet {
		return &org.BackupSet{ID: fmt.Sprintf("%s %s %s", s.Type, db.StorageGroup, s.Time.Format("2006-01-02T15:04:05Z")), Type: s.Type,
			Time: s.Time, StorageGroup: db.StorageGroup, Logs: s.Logs, Covers: s.Logs.High}
	}
	var sets []*org.BackupSet
	var full *org.BackupSet
	for _, s := range stamps {
		if s.Type == org.BackupFull || s.Type == org.BackupCopy {
			b := set(s)
			b.Databases = []org.Identity{db.Identity()}
			sets = append(sets, b)
			if s.Type == org.BackupFull {
				full = b
			}
		}
	}
	for _, s := range stamps {
		if (s.Type == org.BackupIncremental || s.Type == org.BackupDifferential) && full != nil && s.Logs.Low == full.Covers+1 && s.Time.After(full.Time) {
			b := set(s)
			b.Base = full.ID
			sets = append(sets, b)
		}
	}
	return sets
}

// queues groups Get-Queue's queues by server into queue databases: a
// server whose transport answers has its queue database running.
func queues(o *org.Org, items []clixml.Value, failed, paths map[string]clixml.Value) {
	byServer := map[string]*org.QueueDatabase{}
	for _, s := range o.Servers {
		if _, ok := failed["queues:"+strings.ToLower(s.Name)]; ok {
			continue // Get-Queue failed: its queue database is not known
		}
		if s.Roles.Has(org.RoleHubTransport) && s.Health.Up {
			// Its folders only as the server's EdgeTransport.exe.config
			// names them: a folder not read is unknown (empty), never
			// the default taken for it.
			q := &org.QueueDatabase{Server: s.Name, Health: &org.QueueHealth{Running: true, FileExists: true, State: org.StateDirty}}
			if queue, logs, ok := strings.Cut(paths[strings.ToLower(s.Name)].Text(), "|"); ok && queue != "" && logs != "" {
				q.Path, q.LoggingPath = queue, logs
			}
			byServer[strings.ToLower(s.Name)] = q
			o.QueueDatabases = append(o.QueueDatabases, q)
		}
	}
	for _, v := range items {
		id := v.Prop("Identity").Text()
		q := byServer[strings.ToLower(org.Identity(id).Parts()[0])]
		if q == nil {
			continue
		}
		qu := &org.Queue{Identity: id, DeliveryType: v.Prop("DeliveryType").Text(), NextHopDomain: v.Prop("NextHopDomain").Text(),
			Status: v.Prop("Status").Text(), MessageCount: int(v.Prop("MessageCount").Int), LastError: v.Prop("LastError").Text()}
		q.Health.Queues = append(q.Health.Queues, qu)
		q.Health.Messages += qu.MessageCount
	}
}

// serverHealth is what the shell can tell of a server: whether it
// answers; of one that does not, nothing of its disks.
func serverHealth(up bool) *org.ServerHealth {
	return &org.ServerHealth{Up: up, DisksUnknown: !up}
}
