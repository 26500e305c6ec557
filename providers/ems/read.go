package ems

import (
	"fmt"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/ems/clixml"
)

// ReadScript gathers the organization into one hashtable, exported as
// CliXML to standard output: Exchange's objects as the Get-* cmdlets
// return them, each server's answer to a ping, each storage group's log
// generations on disk, and eseutil /mh of each database file.
func ReadScript(opts Options) string {
	b := &builder{dc: opts.DomainController}
	dc := b.dcArg()
	b.line("$out = @{}")
	b.line("$out['Now'] = (Get-Date).ToUniversalTime()")
	b.line("$out['Servers'] = @(Get-ExchangeServer%s)", dc)
	b.line("$out['StorageGroups'] = @(Get-StorageGroup -Status%s)", dc)
	b.line("$out['MailboxDatabases'] = @(Get-MailboxDatabase -Status%s)", dc)
	b.line("$out['PublicFolderDatabases'] = @(Get-PublicFolderDatabase -Status%s)", dc)
	b.line("$out['Mailboxes'] = @(Get-Mailbox -ResultSize Unlimited%s | Select-Object Alias, Database, DisplayName)", dc)
	b.line("$out['Disconnected'] = @(Get-MailboxServer%s | ForEach-Object { Get-MailboxStatistics -Server $_.Name } | Where-Object { $_.DisconnectDate -ne $null } | Select-Object DisplayName, Database, DisconnectDate)", dc)
	b.line("$out['Up'] = @{}; $out['Logs'] = @{}; $out['Headers'] = @{}; $out['Queues'] = @(); $out['CopyStatus'] = @()")
	b.line("foreach ($g in $out['StorageGroups']) {")
	b.line("  if ($g.HasLocalCopy) { $out['CopyStatus'] += @(Get-StorageGroupCopyStatus -Identity $g.Identity%s) }", dc)
	b.line("  foreach ($m in @($g.StandbyMachines)) { if ($m) { $out['CopyStatus'] += @(Get-StorageGroupCopyStatus -Identity $g.Identity -StandbyMachine $m.NodeName%s) } }", dc)
	b.line("}")
	b.line("foreach ($s in $out['Servers']) {")
	b.line("  $out['Up'][$s.Name] = [bool](Test-Connection -ComputerName $s.Name -Count 1 -Quiet)")
	b.line("  if ($out['Up'][$s.Name] -and $s.IsHubTransportServer) { $out['Queues'] += @(Get-Queue -Server $s.Name -ErrorAction SilentlyContinue) }")
	b.line("}")
	b.line("foreach ($g in $out['StorageGroups']) {")
	b.line("  if (-not $out['Up'][$g.Server.Name]) { continue }")
	b.line("  $out['Logs'][$g.Identity.ToString()] = Invoke-Command -ComputerName $g.Server.Name -ArgumentList $g.LogFolderPath.PathName, $g.LogFilePrefix -ScriptBlock {")
	b.line("    param($dir, $prefix)")
	b.line("    if (-not (Test-Path -LiteralPath $dir)) { return 'missing' }")
	b.line("    @(Get-ChildItem -LiteralPath $dir -Filter ($prefix + '*.log') | ForEach-Object { $_.Name }) -join ','")
	b.line("  }")
	b.line("}")
	b.line("foreach ($d in ($out['MailboxDatabases'] + $out['PublicFolderDatabases'])) {")
	b.line("  if (-not $out['Up'][$d.Server.Name]) { continue }")
	b.line("  $out['Headers'][$d.Identity.ToString()] = Invoke-Command -ComputerName $d.Server.Name -ArgumentList $d.EdbFilePath.PathName -ScriptBlock {")
	b.line("    param($edb)")
	b.line("    (& eseutil.exe /mh $edb 2>&1) | Out-String")
	b.line("  }")
	b.line("}")
	b.line("$tmp = [System.IO.Path]::GetTempFileName()")
	b.line("$out | Export-Clixml -Path $tmp -Depth 3")
	b.line("Get-Content -LiteralPath $tmp -Encoding UTF8")
	b.line("Remove-Item -LiteralPath $tmp")
	return preamble + strings.Join(b.lines, "\n") + "\n"
}

// fromCliXML maps the read script's hashtable onto the organization.
func fromCliXML(vals []clixml.Value) (*org.Org, error) {
	if len(vals) != 1 || vals[0].Kind != clixml.Object || !vals[0].Obj.Is("System.Collections.Hashtable") {
		return nil, fmt.Errorf("the read script's output is not one hashtable")
	}
	top := map[string]clixml.Value{}
	for _, e := range vals[0].Obj.Entries {
		top[e[0].Text()] = e[1]
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
	up, logs, headers := dict("Up"), dict("Logs"), dict("Headers")
	o := &org.Org{Provider: org.ProviderConfig{Type: "ems"}}
	if now := top["Now"]; now.Kind == clixml.Time {
		o.Now = now.Time.UTC()
	}
	for _, v := range list("Servers") {
		s, err := server(v, up)
		if err != nil {
			return nil, err
		}
		o.Servers = append(o.Servers, s)
	}
	for _, v := range list("StorageGroups") {
		sg := storageGroup(v, logs)
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
			if db != nil {
				o.Databases = append(o.Databases, db)
				o.Backups = append(o.Backups, sets...)
			}
		}
	}
	for _, v := range list("Disconnected") {
		// Statistics name a disconnected mailbox by its display name:
		// its alias went with its directory object.
		o.Mailboxes = append(o.Mailboxes, &org.Mailbox{Name: v.Prop("DisplayName").Text(), DisplayName: v.Prop("DisplayName").Text(),
			Database: org.Identity(v.Prop("Database").Text()), Health: &org.MailboxHealth{InStore: true, Disconnected: v.Prop("DisconnectDate").Time}})
	}
	for _, v := range list("Mailboxes") {
		o.Mailboxes = append(o.Mailboxes, &org.Mailbox{Name: v.Prop("Alias").Text(), DisplayName: v.Prop("DisplayName").Text(),
			Database: org.Identity(v.Prop("Database").Text()), Health: &org.MailboxHealth{InDirectory: true, InStore: true}})
	}
	queues(o, list("Queues"))
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
		Health: &org.ServerHealth{Up: reach.Kind == clixml.Bool && reach.Bool}}, nil
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
	if text, ok := headers[strings.ToLower(string(db.Identity()))]; ok {
		hd, err := ParseHeader(text.Text())
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", db.Identity(), err)
		}
		h.FileExists, h.State, h.LogRequired, h.RepairCount, h.Created = hd.FileExists, hd.State, hd.LogRequired, hd.RepairCount, hd.Created
		sets = stampedSets(db, hd.Backups)
	}
	db.Health = h
	return db, sets, nil
}

// stampedSets are the backup sets a database's header stamps show: with
// backup_restore = "manual" there is no catalog to ask, and the stamps
// are what Exchange itself recorded. The last full backup is a set; the
// last incremental too when it follows the full directly (incrementals
// between them would be unknown). A database whose file is lost has no
// stamps to read: its sets are the site's backup software's to find.
func stampedSets(db *org.Database, stamps []Stamp) []*org.BackupSet {
	var sets []*org.BackupSet
	var full *org.BackupSet
	for _, s := range stamps {
		if s.Type == org.BackupFull {
			full = &org.BackupSet{ID: fmt.Sprintf("full %s %s", db.StorageGroup, s.Time.Format("2006-01-02T15:04:05Z")), Type: org.BackupFull,
				Time: s.Time, StorageGroup: db.StorageGroup, Databases: []org.Identity{db.Identity()}, Logs: s.Logs, Covers: s.Logs.High}
			sets = append(sets, full)
		}
	}
	for _, s := range stamps {
		if s.Type == org.BackupIncremental && full != nil && s.Logs.Low == full.Covers+1 && s.Time.After(full.Time) {
			sets = append(sets, &org.BackupSet{ID: fmt.Sprintf("incremental %s %s", db.StorageGroup, s.Time.Format("2006-01-02T15:04:05Z")), Type: org.BackupIncremental,
				Time: s.Time, StorageGroup: db.StorageGroup, Logs: s.Logs, Covers: s.Logs.High, Base: full.ID})
		}
	}
	return sets
}

// queues groups Get-Queue's queues by server into queue databases: a
// server whose transport answers has its queue database running.
func queues(o *org.Org, items []clixml.Value) {
	byServer := map[string]*org.QueueDatabase{}
	for _, s := range o.Servers {
		if s.Roles.Has(org.RoleHubTransport) && s.Health.Up {
			q := &org.QueueDatabase{Server: s.Name, Path: org.DefaultQueuePath, LoggingPath: org.DefaultQueuePath,
				Health: &org.QueueHealth{Running: true, FileExists: true, State: org.StateDirty}}
			byServer[strings.ToLower(s.Name)] = q
			o.QueueDatabases = append(o.QueueDatabases, q)
		}
	}
	for _, v := range items {
		id := v.Prop("Identity").Text()
		q := byServer[strings.ToLower(serverOf(id))]
		if q == nil {
			continue
		}
		qu := &org.Queue{Identity: id, DeliveryType: v.Prop("DeliveryType").Text(), NextHopDomain: v.Prop("NextHopDomain").Text(),
			Status: v.Prop("Status").Text(), MessageCount: int(v.Prop("MessageCount").Int), LastError: v.Prop("LastError").Text()}
		q.Health.Queues = append(q.Health.Queues, qu)
		q.Health.Messages += qu.MessageCount
	}
}
