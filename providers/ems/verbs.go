package ems

import (
	"fmt"
	"strings"

	"github.com/exdr/exdr/providers"
)

// on runs a block on the server an expression names (PowerShell 2.0
// remoting); exprs are PowerShell expressions this package wrote (quoted
// literals, or properties of objects Exchange returned).
func (b *builder) on(serverExpr, block string, exprs ...string) {
	// -ArgumentList with nothing after it is a binding error ("Missing
	// an argument for parameter 'ArgumentList'"): it is left out.
	if len(exprs) == 0 {
		b.line("Invoke-Command -ComputerName %s -ScriptBlock {", serverExpr)
	} else {
		b.line("Invoke-Command -ComputerName %s -ArgumentList %s -ScriptBlock {", serverExpr, strings.Join(exprs, ", "))
	}
	// The remote session does not inherit this script's
	// $ErrorActionPreference: without its own, a failed Stop-Service or
	// Move-Item would not stop the block before eseutil or a copy ran on
	// half-moved files. param() must stay the block's first statement.
	lines := strings.Split(strings.TrimSpace(block), "\n")
	if strings.HasPrefix(strings.TrimSpace(lines[0]), "param(") {
		b.line("  %s", strings.TrimSpace(lines[0]))
		lines = lines[1:]
	}
	b.line("  $ErrorActionPreference = 'Stop'")
	for _, l := range lines {
		b.line("  %s", strings.TrimSpace(l))
	}
	b.line("}")
}

// database looks a database up, with its storage group and paths, into
// $db, $sg, $server, $edb.
func (b *builder) database(id, kind string) {
	b.line("$db = Get-%s -Identity %s -Status%s", dbNoun(kind), b.q(id), b.dcArg())
	b.line("$sg = Get-StorageGroup -Identity $db.StorageGroup%s", b.dcArg())
	b.line("$server = $db.Server.Name")
	b.line("$edb = $db.EdbFilePath.PathName")
}

const ese = `if ($LASTEXITCODE -ne 0) { throw "eseutil exited with $LASTEXITCODE" }`

// setAside copies (or moves) a file on its server into an exdr-aside
// folder beside it, stamped with the time: what exdr replaces it keeps.
const setAside = `param($path, $move)
$dir = Join-Path (Split-Path -Parent $path) ('exdr-aside\' + (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ'))
New-Item -ItemType Directory -Path $dir -Force | Out-Null
if (Test-Path -LiteralPath $path) { if ($move) { Move-Item -LiteralPath $path -Destination $dir } else { Copy-Item -LiteralPath $path -Destination $dir } }`

// ScriptFor returns what the ems provider does for a step.
func ScriptFor(step *providers.Step, opts Options) (*Script, error) {
	b := &builder{dc: opts.DomainController}
	a := step.Args
	id := string(step.Identity)
	kind := a["kind"]
	switch step.Verb {
	case providers.VerbCreateServer:
		return manual(step.Verb, fmt.Sprintf("Build the server %s: %s. Reason: %s.", a["server"], step.Command, step.Reason),
			fmt.Sprintf("Get-ExchangeServer -Identity %s lists the roles %s.", b.q(a["server"]), a["roles"])), b.err
	case providers.VerbRestoreBackup:
		// A streaming restore writes the restored logs and restore.env
		// into <temporary location>\<storage group name>; hard recovery
		// runs there (How to Run Eseutil /C):
		// https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa998303(v=exchg.80)
		temp := ""
		if a["method"] == "vss" {
			return manual(step.Verb, fmt.Sprintf("Restore %s of %s with the site's VSS backup software to the original location (the database file and its logs), after moving the damaged files into an exdr-aside folder beside them. Do not let it mount the database: exdr runs soft recovery next.", a["sets"], serverOf(id)),
				"eseutil /mh on the restored file shows the restored header (Dirty Shutdown, its logs required)."), nil
		}
		if a["temp_folder"] != "" {
			temp = fmt.Sprintf(" In its restore options, give this temporary location for log and patch files: %s (restore.env and the restored logs go into %s), and leave Last Restore Set cleared: exdr runs hard recovery next.",
				a["temp_folder"], a["restore_env_folder"])
		}
		if a["into"] == "recovery_storage_group" {
			// Exchange sends the restore into the recovery storage group
			// that is there for the database: production is not touched,
			// and nothing of it is moved.
			return manual(step.Verb, fmt.Sprintf("Restore %s with the site's backup software to its original location: with the recovery storage group in place, Exchange writes it into %s, not over the production database; move nothing of the production database.%s", a["sets"], id, temp),
				"eseutil /mh on the recovery database's file shows the restored header; restore.env is in the restore folder."), nil
		}
		return manual(step.Verb, fmt.Sprintf("Restore %s of %s with the site's backup software to the original location, after moving the damaged files into an exdr-aside folder beside them. Do not let it mount the database.%s", a["sets"], serverOf(id), temp),
			"eseutil /mh on the restored file shows the restored header; restore.env is in the restore folder."), nil
	case providers.VerbRepairDatabase:
		return manual(step.Verb, fmt.Sprintf("On the server of %s, with the database dismounted: copy its .edb file into an exdr-aside folder beside it, then run %s and confirm the warning on the console. This loses data: %s.", id, step.Command, step.Loss),
			"eseutil /mh shows State: Clean Shutdown and a higher Repair Count."), nil
	case providers.VerbIntegrityCheck:
		return manual(step.Verb, fmt.Sprintf("On the server of %s: %s", id, step.Command), "isinteg reports 0 fixes on its last run."), nil
	case providers.VerbValidateEdgeConfig, providers.VerbImportEdgeConfig:
		return b.edgeImport(step)
	case providers.VerbSubscribeEdge:
		return b.edgeSubscribe(step)
	case providers.VerbSetAsideLogs:
		// Moving an ESE log stream's files is done by hand: a mistake in
		// which generation is current loses the logs the databases need.
		return manual(step.Verb, fmt.Sprintf("For %s: %s. Keep them: they are the only copy of what they hold. Reason: %s.", id, strings.TrimPrefix(step.Command, "# "), step.Reason),
			fmt.Sprintf("eseutil /ml on the log folder's files reports no damaged generation from %s on; Mount-Database then starts a new one.", a["from"])), nil

	case providers.VerbCreateStorageGroup:
		b.line("if (-not (Get-StorageGroup -Identity %s -ErrorAction SilentlyContinue%s)) {", b.q(id), b.dcArg())
		b.line("  New-StorageGroup -Server %s -Name %s -LogFolderPath %s -SystemFolderPath %s%s", b.q(a["server"]), b.q(a["name"]), b.q(a["log_folder_path"]), b.q(a["system_folder_path"]), b.dcArg())
		b.line("}")
		return b.script(step.Verb, "Get-StorageGroup lists it.")
	case providers.VerbCreateRecoveryGroup:
		b.line("New-StorageGroup -Server %s -Name %s -LogFolderPath %s -SystemFolderPath %s -Recovery%s", b.q(a["server"]), b.q(a["name"]), b.q(a["log_folder_path"]), b.q(a["system_folder_path"]), b.dcArg())
		return b.script(step.Verb, "Get-StorageGroup -Identity shows Recovery: True.")
	case providers.VerbSetStorageGroup:
		b.line("Set-StorageGroup -Identity %s -CircularLoggingEnabled %s%s", b.q(id), boolArg(a["circular_logging"]), b.dcArg())
		return b.script(step.Verb, "Get-StorageGroup shows CircularLoggingEnabled as configured.")
	case providers.VerbCreateDatabase:
		b.line("if (-not (Get-%s -Identity %s -ErrorAction SilentlyContinue%s)) {", dbNoun(kind), b.q(id), b.dcArg())
		b.line("  New-%s -StorageGroup %s -Name %s -EdbFilePath %s%s | Out-Null", dbNoun(kind), b.q(a["storage_group"]), b.q(a["name"]), b.q(a["edb_file_path"]), b.dcArg())
		b.line("}")
		b.settings(id, kind, a)
		return b.script(step.Verb, "Get-"+dbNoun(kind)+" lists it, dismounted.")
	case providers.VerbCreateRecoveryDB:
		b.line("New-MailboxDatabase -MailboxDatabaseToRecover %s -StorageGroup %s -EdbFilePath %s%s | Out-Null", b.q(a["recovery_of"]), b.q(a["storage_group"]), b.q(a["edb_file_path"]), b.dcArg())
		return b.script(step.Verb, "Get-MailboxDatabase lists the recovery database.")
	case providers.VerbCreateEmptyDatabase:
		// A damaged file still at the path would be mounted, or refuse
		// to: it is moved into an exdr-aside folder first, so that
		// Mount-Database -Force finds none and creates an empty one
		// (dial tone: "move the database files to another location").
		b.database(id, kind)
		b.on("$server", setAside, "$edb", "$true")
		b.line("Mount-Database -Identity %s -Force%s", b.q(id), b.dcArg())
		b.line("Dismount-Database -Identity %s -Confirm:$false%s", b.q(id), b.dcArg())
		return b.script(step.Verb, "eseutil /mh on the new file shows a new, clean database.")
	case providers.VerbSetDatabase:
		b.settings(id, kind, a)
		return b.script(step.Verb, "Get-"+dbNoun(kind)+" shows the settings as configured.")
	case providers.VerbAllowFileRestore:
		b.line("Set-%s -Identity %s -AllowFileRestore %s%s", dbNoun(kind), b.q(id), boolArg(a["value"]), b.dcArg())
		return b.script(step.Verb, "Get-"+dbNoun(kind)+" shows AllowFileRestore as set.")
	case providers.VerbMount:
		b.line("Mount-Database -Identity %s%s", b.q(id), b.dcArg())
		return b.script(step.Verb, "Get-MailboxDatabase -Status shows Mounted: True.")
	case providers.VerbDismount:
		b.line("Dismount-Database -Identity %s -Confirm:$false%s", b.q(id), b.dcArg())
		return b.script(step.Verb, "Get-MailboxDatabase -Status shows Mounted: False.")
	case providers.VerbReplayLogs:
		if q := a["queue_server"]; q != "" {
			return b.queueScript(step)
		}
		b.database(id, kind)
		b.on("$server", "param($prefix, $logs, $sys, $dir)\n& eseutil.exe /r $prefix /l$logs /s$sys /d$dir\n"+ese,
			"$sg.LogFilePrefix", "$sg.LogFolderPath.PathName", "$sg.SystemFolderPath.PathName", "(Split-Path -Parent $edb)")
		return b.script(step.Verb, "eseutil /mh shows State: Clean Shutdown.")
	case providers.VerbHardRecovery:
		// Only the folder the restore step named: a guessed one would not
		// be where the person's backup software wrote restore.env.
		if a["restore_env_folder"] == "" {
			return nil, fmt.Errorf("%s: no restore_env_folder: the plan names the folder its restore step gave the backup software; plan again", step.Verb)
		}
		b.database(id, kind)
		dir := b.q(a["restore_env_folder"])
		// /t with nothing after it replays the restored logs only: no
		// later log from the log folder (a point-in-time restore).
		// https://mskb.pkisolutions.com/kb/298901 (Restoring a database
		// without replaying subsequent log files)
		cc := "& eseutil.exe /cc $dir"
		if a["roll_forward"] == "false" {
			cc += " /t"
		}
		b.on("$server", "param($dir)\n"+cc+"\n"+ese, dir)
		return b.script(step.Verb, "eseutil /mh shows State: Clean Shutdown; restore.env is gone.")
	case providers.VerbDefragment:
		if a["queue_server"] != "" {
			return b.queueScript(step)
		}
		b.database(id, kind)
		b.on("$server", setAside+"\n& eseutil.exe /d $path\n"+ese, "$edb", "$false")
		return b.script(step.Verb, "The .edb file is smaller; the original is in exdr-aside.")
	case providers.VerbPlaceDatabase:
		b.line("$src = Get-MailboxDatabase -Identity %s%s", b.q(a["source"]), b.dcArg())
		b.database(id, "mailbox")
		b.line("$from = '\\\\' + $src.Server.Name + '\\' + $src.EdbFilePath.PathName.Replace(':', '$')")
		b.line("$to = '\\\\' + $server + '\\' + $edb.Replace(':', '$')")
		b.line("if (Test-Path -LiteralPath $to) { throw \"$to exists: move it aside first\" }")
		b.line("New-Item -ItemType Directory -Path (Split-Path -Parent $to) -Force | Out-Null")
		b.line("Copy-Item -LiteralPath $from -Destination $to")
		return b.script(step.Verb, "The file is at the new path; the old one stays.")
	case providers.VerbRehomeMailboxes:
		b.line("Get-Mailbox -Database %s -ResultSize Unlimited%s | Move-Mailbox -ConfigurationOnly -TargetDatabase %s -Confirm:$false", b.q(a["source"]), b.dcArg(), b.q(id))
		return b.script(step.Verb, "Get-Mailbox -Database on the new database lists the users.")
	case providers.VerbCreateMailbox:
		b.line("Enable-Mailbox -Identity %s -Alias %s -Database %s%s", b.q(a["owner"]), b.q(a["mailbox"]), b.q(id), b.dcArg())
		return b.script(step.Verb, "Get-Mailbox lists it in the database.")
	case providers.VerbConnectMailbox:
		// -Identity is a StoreMailboxIdParameter: the MailboxGuid the
		// read found (a disconnected mailbox has no alias in the store).
		// https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa997878(v=exchg.80)
		identity := a["mailbox"]
		if g := a["mailbox_guid"]; g != "" {
			identity = g
		}
		b.line("Connect-Mailbox -Identity %s -Database %s -User %s -Alias %s%s", b.q(identity), b.q(id), b.q(a["owner"]), b.q(a["mailbox"]), b.dcArg())
		return b.script(step.Verb, "Get-Mailbox lists it; Get-MailboxStatistics shows its items.")
	case providers.VerbCleanMailboxDB:
		b.line("Clean-MailboxDatabase -Identity %s%s", b.q(id), b.dcArg())
		return b.script(step.Verb, "Get-MailboxStatistics shows the disconnected mailboxes.")
	case providers.VerbSetMailbox:
		b.line("Set-Mailbox -Identity %s%s%s", b.q(a["mailbox"]), b.mailboxSettings(a), b.dcArg())
		return b.script(step.Verb, "Get-Mailbox shows the settings.")
	case providers.VerbRestoreMailbox:
		b.restoreMailbox(id, a)
		return b.script(step.Verb, "Restore-Mailbox reports the items it copied.")
	case providers.VerbRemoveRecoveryGroup:
		b.line("$rdb = Get-MailboxDatabase -StorageGroup %s%s", b.q(id), b.dcArg())
		// ForEach-Object: PowerShell 2.0 has no member enumeration, so
		// $rdb.Identity of two databases would be $null.
		b.line("$rdb | ForEach-Object { Dismount-Database -Identity $_.Identity -Confirm:$false; Remove-MailboxDatabase -Identity $_.Identity -Confirm:$false }")
		b.line("Remove-StorageGroup -Identity %s -Confirm:$false%s  # the files stay on disk", b.q(id), b.dcArg())
		return b.script(step.Verb, "Get-StorageGroup no longer lists it; its files remain.")
	case providers.VerbSwapDatabases:
		b.database(id, "mailbox")
		b.line("$rdb = Get-MailboxDatabase -Identity %s%s", b.q(a["rsg_database"]), b.dcArg())
		b.line("Dismount-Database -Identity $db.Identity -Confirm:$false; Dismount-Database -Identity $rdb.Identity -Confirm:$false")
		b.on("$server", `param($a, $b)
$t = $a + '.exdr-swap'
Move-Item -LiteralPath $a -Destination $t
Move-Item -LiteralPath $b -Destination $a
Move-Item -LiteralPath $t -Destination $b`, "$edb", "$rdb.EdbFilePath.PathName")
		b.line("Mount-Database -Identity $db.Identity")
		// Restore-Mailbox reads a recovery database only while it is
		// mounted: the merge that follows needs it.
		b.line("Mount-Database -Identity $rdb.Identity")
		return b.script(step.Verb, "The production database holds the restored mail; the recovery database, mounted, the dial-tone mail.")
	case providers.VerbEnableCopy:
		if a["copy"] == "local" {
			b.line("Enable-StorageGroupCopy -Identity %s -CopyLogFolderPath %s -CopySystemFolderPath %s%s", b.q(id), b.q(a["copy_path"]), b.q(a["copy_path"]), b.dcArg())
			b.line("Get-MailboxDatabase -StorageGroup %s%s | ForEach-Object { Enable-DatabaseCopy -Identity $_.Identity -CopyEdbFilePath (Join-Path %s (Split-Path -Leaf $_.EdbFilePath.PathName)) }", b.q(id), b.dcArg(), b.q(a["copy_path"]))
		} else {
			b.line("Enable-StorageGroupCopy -Identity %s -StandbyMachine %s -ReplayLagTime %s%s", b.q(id), b.q(a["standby_machine"]), b.q(timeSpan(a["replay_lag"])), b.dcArg())
		}
		return b.script(step.Verb, "Get-StorageGroupCopyStatus shows Healthy once seeded.")
	case providers.VerbSeedCopy:
		standby := ""
		if m := a["standby_machine"]; m != "" {
			standby = " -StandbyMachine " + b.q(m)
		}
		b.line("Suspend-StorageGroupCopy -Identity %s%s -Confirm:$false%s", b.q(id), standby, b.dcArg())
		b.line("# Update-StorageGroupCopy refuses to seed over files left in the copy's folders: move any there into an exdr-aside folder first (exdr never passes -DeleteExistingFiles).")
		// It asks for confirmation, and for administrative input unless
		// -Force is given (aa998853): under -NonInteractive both fail.
		b.line("Update-StorageGroupCopy -Identity %s%s -Force -Confirm:$false%s", b.q(id), standby, b.dcArg())
		return b.script(step.Verb, "Get-StorageGroupCopyStatus shows Healthy.")
	case providers.VerbActivateCopy:
		args := ""
		if a["standby_machine"] != "" {
			args += " -StandbyMachine " + b.q(a["standby_machine"])
		}
		if a["force"] == "true" {
			args += " -Force"
		}
		if a["standby_machine"] == "" {
			// LCR: -ReplaceLocations makes the copy's files the storage
			// group's and database's own paths, as the lab moves them;
			// without it the copy stays where it is and the database
			// points at its old, lost file. The database is lost or
			// damaged (why the copy is activated), and without -Force
			// the cmdlet asks for administrative input (aa996024).
			args += " -ReplaceLocations"
			if a["force"] != "true" {
				args += " -Force"
			}
		}
		// Restore-StorageGroupCopy asks for confirmation by default,
		// which fails under -NonInteractive.
		b.line("Restore-StorageGroupCopy -Identity %s%s -Confirm:$false%s", b.q(id), args, b.dcArg())
		if m := a["standby_machine"]; m != "" {
			// SCR keeps the same paths: the activated files go back to
			// the database's own server, the one it is mounted on.
			b.line("Get-MailboxDatabase -StorageGroup %s%s | ForEach-Object {", b.q(id), b.dcArg())
			b.line("  $path = $_.EdbFilePath.PathName.Replace(':', '$')")
			b.line(`  $to = '\\' + $_.Server.Name + '\' + $path`)
			b.line(`  if (Test-Path -LiteralPath $to) { throw "$to exists: move it aside first" }`)
			b.line(`  Copy-Item -LiteralPath ('\\' + %s + '\' + $path) -Destination $to`, b.q(m))
			b.line("}")
		}
		return b.script(step.Verb, "Restore-StorageGroupCopy reports the copy consistent; the database file is at its path; mount follows.")
	case providers.VerbStopTransport, providers.VerbStartTransport, providers.VerbMoveQueueDatabase, providers.VerbImportQueue,
		providers.VerbDrainQueue, providers.VerbRestoreQueue, providers.VerbRotateQueue, providers.VerbRetryQueue:
		return b.queueScript(step)
	}
	return nil, fmt.Errorf("the ems provider has no script for %s", step.Verb)
}

func (b *builder) settings(id, kind string, a map[string]string) {
	var params []string
	for _, p := range []struct{ arg, param string }{
		{"deleted_item_retention", "DeletedItemRetention"}, {"mailbox_retention", "MailboxRetention"},
	} {
		if v, ok := a[p.arg]; ok {
			params = append(params, "-"+p.param+" "+b.q(timeSpan(v)))
		}
	}
	for _, p := range []struct{ arg, param string }{
		{"retain_deleted_items_until_backup", "RetainDeletedItemsUntilBackup"}, {"allow_file_restore", "AllowFileRestore"},
	} {
		if v, ok := a[p.arg]; ok {
			params = append(params, "-"+p.param+" "+boolArg(v))
		}
	}
	if len(params) > 0 {
		b.line("Set-%s -Identity %s %s%s", dbNoun(kind), b.q(id), strings.Join(params, " "), b.dcArg())
	}
}

func (b *builder) mailboxSettings(a map[string]string) string {
	var s string
	if v, ok := a["use_database_retention_defaults"]; ok {
		s += " -UseDatabaseRetentionDefaults " + boolArg(v)
	}
	if v, ok := a["retain_deleted_items_for"]; ok {
		s += " -RetainDeletedItemsFor " + b.q(timeSpan(v))
	}
	if v, ok := a["retain_deleted_items_until_backup"]; ok {
		s += " -RetainDeletedItemsUntilBackup " + boolArg(v)
	}
	return s
}

func (b *builder) restoreMailbox(id string, a map[string]string) {
	target := a["target"]
	if target == "" || target == "*" {
		target = a["mailbox"]
	}
	// Restore-Mailbox has no -DomainController (its directory parameter
	// is -GlobalCatalog), and its two parameter sets are -Identity with
	// -RSGDatabase (the same mailbox), or those with both -RSGMailbox and
	// -TargetFolder (another mailbox's items, into a folder):
	// https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb125218(v=exchg.80)
	if a["mailbox"] == "*" {
		// Every user mailbox of the production database: Get-Mailbox
		// lists no system mailbox, which Restore-Mailbox would refuse.
		b.line("Get-Mailbox -Database %s -ResultSize Unlimited%s | ForEach-Object {", b.q(a["production_database"]), b.dcArg())
		b.line("  Restore-Mailbox -Identity $_.Identity -RSGDatabase %s -Confirm:$false", b.q(a["rsg_database"]))
		b.line("}")
		return
	}
	s := fmt.Sprintf("Restore-Mailbox -Identity %s -RSGDatabase %s", b.q(target), b.q(a["rsg_database"]))
	if v := a["target_folder"]; v != "" {
		s += fmt.Sprintf(" -RSGMailbox %s -TargetFolder %s", b.q(a["mailbox"]), b.q(v))
	}
	for _, p := range []struct{ arg, param string }{{"start_date", "StartDate"}, {"end_date", "EndDate"}} {
		if v := a[p.arg]; v != "" {
			s += " -" + p.param + " " + b.q(v)
		}
	}
	for _, p := range []struct{ arg, param string }{
		{"subject_keywords", "SubjectKeywords"}, {"sender_keywords", "SenderKeywords"},
		{"include_folders", "IncludeFolders"}, {"exclude_folders", "ExcludeFolders"},
	} {
		if v := a[p.arg]; v != "" {
			var parts []string
			for _, x := range strings.Split(v, ",") {
				parts = append(parts, b.q(x))
			}
			s += " -" + p.param + " " + strings.Join(parts, ",")
		}
	}
	b.line("%s -Confirm:$false", s)
}

// timeSpan writes an exdr duration argument (Go or Exchange form) as
// Exchange's d.hh:mm:ss; what it cannot read it passes on for Exchange to
// judge.
func timeSpan(v string) string {
	d, err := parseDuration(v)
	if err != nil {
		return v
	}
	return d
}

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
func (b *builder) edgeImport(step *providers.Step) (*Script, error) {
	a, server := step.Args, edgeServer(step)
	config, answer, _ := providers.EdgeFiles(server)
	sub := &builder{dc: ""}
	sub.line("$scripts = Join-Path (Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Exchange\\Setup').MsiInstallPath 'Scripts'")
	if step.Verb == providers.VerbValidateEdgeConfig {
		sub.line("& (Join-Path $scripts 'ImportEdgeConfig.ps1') -CloneConfigData:%s -IsImport $false -CloneConfigAnswer:%s", sub.q(config), sub.q(answer))
		sub.line("if (-not (Test-Path -LiteralPath %s)) { throw %s }", sub.q(answer), sub.q("ImportEdgeConfig.ps1 wrote no answer file: the cloned configuration was not validated"))
		sub.line("Get-Content -LiteralPath %s", sub.q(answer))
		sc, err := sub.script(step.Verb, "")
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
	sub.line("& (Join-Path $scripts 'ImportEdgeConfig.ps1') -CloneConfigData:%s -IsImport $true -CloneConfigAnswer:%s", sub.q(config), sub.q(answer))
	sub.line("Get-TransportServer | Format-List")
	sub.line("Get-SendConnector")
	sc, err := sub.script(step.Verb, "")
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
func (b *builder) edgeSubscribe(step *providers.Step) (*Script, error) {
	a, server := step.Args, edgeServer(step)
	_, _, file := providers.EdgeFiles(server)
	site := a["site"]
	if site == "" {
		return nil, fmt.Errorf("%s: the Edge server %s names no Active Directory site to subscribe to, and its hubs are not in one: add site = \"...\" (the site of the hubs it serves) to its server block", step.Verb, server)
	}
	sub := &builder{dc: b.dc}
	sub.line("# 1. On the Edge Transport server %s:", sub.q(server))
	sub.line("New-EdgeSubscription -FileName %s -Force", sub.q(file))
	sub.line("# 2. On a Hub Transport server of site %s, with the file copied to the same path within 1440 minutes:", sub.q(site))
	sub.line("if (Get-EdgeSubscription -Identity %s -ErrorAction SilentlyContinue) { Remove-EdgeSubscription -Identity %s -Confirm:$false%s }", sub.q(server), sub.q(server), sub.dcArg())
	sub.line("New-EdgeSubscription -FileName %s -Site %s%s", sub.q(file), sub.q(site), sub.dcArg())
	sub.line("Start-EdgeSynchronization")
	sub.line("Test-EdgeSynchronization%s", sub.dcArg())
	sc, err := sub.script(step.Verb, "")
	if err != nil {
		return nil, err
	}
	return &Script{Verb: step.Verb, ManualScript: sc.PowerShell,
		Manual: fmt.Sprintf("Subscribe %s to site %s again: part 1 of the script below on the Edge writes %s; copy that file to a Hub Transport server of the site (it expires after 1440 minutes) and run part 2 there.", server, site, file),
		Verify: "Test-EdgeSynchronization on the hub reports SyncStatus Normal for " + server + "."}, nil
}
