package script

import (
	"fmt"
	"strings"

	"github.com/exdr/exdr/providers"
)

// on runs a block on the server an expression names (PowerShell 2.0
// remoting); exprs are PowerShell expressions this package wrote (quoted
// literals, or properties of objects Exchange returned).
func (b *Builder) on(serverExpr, block string, exprs ...string) {
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
		l = strings.TrimSpace(l)
		if shown, ok := strings.CutPrefix(l, shownMark); ok {
			b.cmd("  %s", shown)
			continue
		}
		b.line("  %s", l)
	}
	b.line("}")
}

// shownMark starts a line of a remote block that the plan shows.
const shownMark = "\u00bb "

const ese = `if ($LASTEXITCODE -ne 0) { throw "eseutil exited with $LASTEXITCODE" }`

// setAside copies (or moves) a file on its server into an exdr-aside
// folder beside it, stamped with the time: what exdr replaces it keeps.
const setAside = `param($path, $move)
$dir = Join-Path (Split-Path -Parent $path) ('exdr-aside\' + (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ'))
New-Item -ItemType Directory -Path $dir -Force | Out-Null
if (Test-Path -LiteralPath $path) { if ($move) { Move-Item -LiteralPath $path -Destination $dir } else { Copy-Item -LiteralPath $path -Destination $dir } }`

// For returns what the ems provider does for a step: a script, or a
// manual step's instructions.
func For(step *providers.Step, opts Options) (*Script, error) {
	return render(&Builder{dc: opts.DomainController}, step)
}

// renderers write a step's script, and in b the commands a plan shows
// for it: one function per verb does both, so what is shown is what runs.
// Every verb of providers.Verbs has one (TestScriptForEveryVerb).
var renderers = map[providers.Verb]func(b *Builder, step *providers.Step) (*Script, error){
	providers.VerbCreateServer: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.createServer(step)
	},
	providers.VerbRestoreBackup: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.restoreBackup(step)
	},
	providers.VerbRepairDatabase: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		// eseutil /p asks on the server's console before it discards
		// anything: a person runs it.
		file, err := b.file(step, "edb_file_path")
		if q := a["queue_server"]; q != "" {
			// The queue folder is QueueDatabasePath in the server's
			// EdgeTransport.exe.config; the read may not have found it.
			file, err = "mail.que", nil
			if dir := a["queue_path"]; dir != "" {
				file = dir + `\mail.que`
			}
			id = q
		}
		if err != nil {
			return nil, err
		}
		p := b.show("eseutil.exe /p %s", b.q(file))
		b.at("on %s, %s; the file is copied to an exdr-aside folder beside it first", serverOf(id), stopped(step))
		return manual(step.Verb, fmt.Sprintf("On %s, %s: copy %s into an exdr-aside folder beside it, then run %s and confirm the warning on the console. This loses data: %s.", serverOf(id), stopped(step), file, p, step.Loss),
			"eseutil /mh shows State: Clean Shutdown and a higher Repair Count."), b.err
	},
	providers.VerbIntegrityCheck: func(b *Builder, step *providers.Step) (*Script, error) {
		id := string(step.Identity)
		// isinteg lists the server's databases and asks which to check.
		p := b.show("isinteg.exe -s %s -fix -test alltests", b.q(serverOf(id)))
		b.at("choose %s; run again until it reports 0 fixes", id)
		return manual(step.Verb, fmt.Sprintf("On %s: %s; choose %s when it asks, and run it again until it reports 0 fixes.", serverOf(id), p, id), "isinteg reports 0 fixes on its last run."), b.err
	},
	providers.VerbValidateEdgeConfig: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.edgeImport(step)
	},
	providers.VerbImportEdgeConfig: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.edgeImport(step)
	},
	providers.VerbSubscribeEdge: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.edgeSubscribe(step)
	},
	providers.VerbSetAsideLogs: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		// Moving an ESE log stream's files is done by hand: a mistake in
		// which generation is current loses the logs the databases need.
		what := fmt.Sprintf("on %s, every database of the group dismounted: move %s%08X.log and every later generation, and %s.log, from %s into an exdr-aside folder in it",
			serverOf(id), a["log_file_prefix"], atoi(a["from"]), a["log_file_prefix"], a["log_folder_path"])
		b.at("%s", what)
		return manual(step.Verb, fmt.Sprintf("For %s: %s. Keep them: they are the only copy of what they hold. Reason: %s.", id, what, step.Reason),
			fmt.Sprintf("eseutil /ml on the log folder's files reports no damaged generation from %s on; Mount-Database then starts a new one.", a["from"])), nil
	},
	providers.VerbCreateStorageGroup: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		circular := ""
		if a["circular_logging"] == "true" {
			circular = " -CircularLoggingEnabled $true"
		}
		b.line("if (-not (Get-StorageGroup -Identity %s -ErrorAction SilentlyContinue%s)) {", b.q(id), b.dcArg())
		b.cmd("  New-StorageGroup -Server %s -Name %s -LogFolderPath %s -SystemFolderPath %s%s%s", b.q(a["server"]), b.q(a["name"]), b.q(a["log_folder_path"]), b.q(a["system_folder_path"]), circular, b.dcArg())
		b.line("}")
		return b.script(step.Verb, "Get-StorageGroup lists it.")
	},
	providers.VerbCreateRecoveryGroup: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		b.cmd("New-StorageGroup -Server %s -Name %s -LogFolderPath %s -SystemFolderPath %s -Recovery%s", b.q(a["server"]), b.q(a["name"]), b.q(a["log_folder_path"]), b.q(a["system_folder_path"]), b.dcArg())
		return b.script(step.Verb, "Get-StorageGroup -Identity shows Recovery: True.")
	},
	providers.VerbSetStorageGroup: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		b.cmd("Set-StorageGroup -Identity %s -CircularLoggingEnabled %s%s", b.q(id), boolArg(a["circular_logging"]), b.dcArg())
		return b.script(step.Verb, "Get-StorageGroup shows CircularLoggingEnabled as configured.")
	},
	providers.VerbCreateDatabase: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		kind := step.Args["kind"]
		b.line("if (-not (Get-%s -Identity %s -ErrorAction SilentlyContinue%s)) {", dbNoun(kind), b.q(id), b.dcArg())
		b.cmd("  New-%s -StorageGroup %s -Name %s -EdbFilePath %s%s", dbNoun(kind), b.q(a["storage_group"]), b.q(a["name"]), b.q(a["edb_file_path"]), b.dcArg())
		b.line("}")
		b.settings(id, kind, a)
		if a["object_only"] == "true" {
			b.at("the object only: not mounted, its file comes next")
		}
		return b.script(step.Verb, "Get-"+dbNoun(kind)+" lists it, dismounted.")
	},
	providers.VerbCreateRecoveryDB: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		b.cmd("New-MailboxDatabase -MailboxDatabaseToRecover %s -StorageGroup %s -EdbFilePath %s%s", b.q(a["recovery_of"]), b.q(a["storage_group"]), b.q(a["edb_file_path"]), b.dcArg())
		return b.script(step.Verb, "Get-MailboxDatabase lists the recovery database.")
	},
	providers.VerbCreateEmptyDatabase: func(b *Builder, step *providers.Step) (*Script, error) {
		id := string(step.Identity)
		// A damaged file still at the path would be mounted, or refuse
		// to: it is moved into an exdr-aside folder first, so that
		// Mount-Database -Force finds none and creates an empty one
		// (dial tone: "move the database files to another location").
		file, err := b.file(step, "edb_file_path")
		if err != nil {
			return nil, err
		}
		b.on(b.q(serverOf(id)), setAside, b.q(file), "$true")
		b.cmd("Mount-Database -Identity %s -Force%s", b.q(id), b.dcArg())
		b.cmd("Dismount-Database -Identity %s -Confirm:$false%s", b.q(id), b.dcArg())
		b.at("any file at %s moved to an exdr-aside folder first; Exchange warns it creates an empty database: expected", file)
		return b.script(step.Verb, "eseutil /mh on the new file shows a new, clean database.")
	},
	providers.VerbSetDatabase: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		kind := step.Args["kind"]
		b.settings(id, kind, a)
		return b.script(step.Verb, "Get-"+dbNoun(kind)+" shows the settings as configured.")
	},
	providers.VerbAllowFileRestore: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		kind := step.Args["kind"]
		b.cmd("Set-%s -Identity %s -AllowFileRestore %s%s", dbNoun(kind), b.q(id), boolArg(a["value"]), b.dcArg())
		return b.script(step.Verb, "Get-"+dbNoun(kind)+" shows AllowFileRestore as set.")
	},
	providers.VerbMount: func(b *Builder, step *providers.Step) (*Script, error) {
		id := string(step.Identity)
		b.cmd("Mount-Database -Identity %s%s", b.q(id), b.dcArg())
		return b.script(step.Verb, "Get-MailboxDatabase -Status shows Mounted: True.")
	},
	providers.VerbDismount: func(b *Builder, step *providers.Step) (*Script, error) {
		id := string(step.Identity)
		b.cmd("Dismount-Database -Identity %s -Confirm:$false%s", b.q(id), b.dcArg())
		return b.script(step.Verb, "Get-MailboxDatabase -Status shows Mounted: False.")
	},
	providers.VerbReplayLogs: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		if q := a["queue_server"]; q != "" {
			return b.queueScript(step)
		}
		for _, k := range []string{"log_file_prefix", "log_folder_path", "system_folder_path", "edb_file_path"} {
			if a[k] == "" {
				return nil, fmt.Errorf("%s: no %s: plan again", step.Verb, k)
			}
		}
		b.on(b.q(serverOf(id)), fmt.Sprintf("%seseutil.exe /r %s %s %s %s\n%s", shownMark, b.q(a["log_file_prefix"]), b.native("/l", a["log_folder_path"]),
			b.native("/s", a["system_folder_path"]), b.native("/d", parentPath(a["edb_file_path"])), ese))
		b.at("on %s, the database dismounted", serverOf(id))
		return b.script(step.Verb, "eseutil /mh shows State: Clean Shutdown.")
	},
	providers.VerbHardRecovery: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		// Only the folder the restore step named: a guessed one would not
		// be where the person's backup software wrote restore.env.
		if a["restore_env_folder"] == "" {
			return nil, fmt.Errorf("%s: no restore_env_folder: the plan names the folder its restore step gave the backup software; plan again", step.Verb)
		}
		// /t with nothing after it replays the restored logs only: no
		// later log from the log folder (a point-in-time restore).
		// https://mskb.pkisolutions.com/kb/298901 (Restoring a database
		// without replaying subsequent log files)
		cc := "eseutil.exe /cc " + b.q(a["restore_env_folder"])
		if a["roll_forward"] == "false" {
			cc += " /t"
		}
		b.on(b.q(serverOf(id)), shownMark+cc+"\n"+ese)
		b.at("on %s: the folder holding restore.env", serverOf(id))
		return b.script(step.Verb, "eseutil /mh shows State: Clean Shutdown; restore.env is gone.")
	},
	providers.VerbDefragment: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		if a["queue_server"] != "" {
			return b.queueScript(step)
		}
		file, err := b.file(step, "edb_file_path")
		if err != nil {
			return nil, err
		}
		b.on(b.q(serverOf(id)), setAside+"\n"+shownMark+"eseutil.exe /d "+b.q(file)+"\n"+ese, b.q(file), "$false")
		b.at("on %s, the database dismounted; the original is copied to an exdr-aside folder beside it first", serverOf(id))
		return b.script(step.Verb, "The .edb file is smaller; the original is in exdr-aside.")
	},
	providers.VerbPlaceDatabase: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		src, dst := a["source_edb_file_path"], a["edb_file_path"]
		if src == "" || dst == "" || a["source_server"] == "" {
			return nil, fmt.Errorf("%s: no source_edb_file_path, source_server or edb_file_path: plan again", step.Verb)
		}
		from, to := unc(a["source_server"], src), unc(serverOf(id), dst)
		b.line("if (Test-Path -LiteralPath %s) { throw %s }", b.q(to), b.q(to+" exists: move it aside first"))
		b.line("New-Item -ItemType Directory -Path %s -Force | Out-Null", b.q(parentPath(to)))
		b.cmd("Copy-Item -LiteralPath %s -Destination %s", b.q(from), b.q(to))
		b.at("the original stays where it is")
		return b.script(step.Verb, "The file is at the new path; the old one stays.")
	},
	providers.VerbRehomeMailboxes: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		b.cmd("Get-Mailbox -Database %s -ResultSize Unlimited%s | Move-Mailbox -ConfigurationOnly -TargetDatabase %s -Confirm:$false", b.q(a["source"]), b.dcArg(), b.q(id))
		b.at("then wait for Active Directory replication")
		return b.script(step.Verb, "Get-Mailbox -Database on the new database lists the users.")
	},
	providers.VerbCreateMailbox: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		b.cmd("Enable-Mailbox -Identity %s -Alias %s -Database %s%s", b.q(a["owner"]), b.q(a["mailbox"]), b.q(id), b.dcArg())
		return b.script(step.Verb, "Get-Mailbox lists it in the database.")
	},
	providers.VerbConnectMailbox: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		// -Identity is a StoreMailboxIdParameter: the MailboxGuid the
		// read found (a disconnected mailbox has no alias in the store).
		// https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa997878(v=exchg.80)
		identity := a["mailbox"]
		if g := a["mailbox_guid"]; g != "" {
			identity = g
		}
		b.cmd("Connect-Mailbox -Identity %s -Database %s -User %s -Alias %s%s", b.q(identity), b.q(id), b.q(a["owner"]), b.q(a["mailbox"]), b.dcArg())
		return b.script(step.Verb, "Get-Mailbox lists it; Get-MailboxStatistics shows its items.")
	},
	providers.VerbCleanMailboxDB: func(b *Builder, step *providers.Step) (*Script, error) {
		id := string(step.Identity)
		b.cmd("Clean-MailboxDatabase -Identity %s%s", b.q(id), b.dcArg())
		return b.script(step.Verb, "Get-MailboxStatistics shows the disconnected mailboxes.")
	},
	providers.VerbSetMailbox: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		b.cmd("Set-Mailbox -Identity %s%s%s", b.q(a["mailbox"]), b.mailboxSettings(a), b.dcArg())
		return b.script(step.Verb, "Get-Mailbox shows the settings.")
	},
	providers.VerbRestoreMailbox: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		b.restoreMailbox(id, a)
		return b.script(step.Verb, "Restore-Mailbox reports the items it copied.")
	},
	providers.VerbRemoveRecoveryGroup: func(b *Builder, step *providers.Step) (*Script, error) {
		id := string(step.Identity)
		b.line("$rdb = Get-MailboxDatabase -StorageGroup %s%s", b.q(id), b.dcArg())
		// ForEach-Object: PowerShell 2.0 has no member enumeration, so
		// $rdb.Identity of two databases would be $null.
		b.line("$rdb | ForEach-Object { Dismount-Database -Identity $_.Identity -Confirm:$false; Remove-MailboxDatabase -Identity $_.Identity -Confirm:$false }")
		b.cmd("Remove-StorageGroup -Identity %s -Confirm:$false%s", b.q(id), b.dcArg())
		b.at("after Dismount-Database and Remove-MailboxDatabase of its databases; their files stay on disk")
		return b.script(step.Verb, "Get-StorageGroup no longer lists it; its files remain.")
	},
	providers.VerbSwapDatabases: func(b *Builder, step *providers.Step) (*Script, error) {
		b.swap(step)
		return b.script(step.Verb, "The production database holds the restored mail; the recovery database, mounted, the dial-tone mail.")
	},
	providers.VerbEnableCopy: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		if a["copy"] == "local" {
			b.cmd("Enable-StorageGroupCopy -Identity %s -CopyLogFolderPath %s -CopySystemFolderPath %s%s", b.q(id), b.q(a["copy_path"]), b.q(a["copy_path"]), b.dcArg())
			b.line("Get-MailboxDatabase -StorageGroup %s%s | ForEach-Object { Enable-DatabaseCopy -Identity $_.Identity -CopyEdbFilePath (Join-Path %s (Split-Path -Leaf $_.EdbFilePath.PathName)) }", b.q(id), b.dcArg(), b.q(a["copy_path"]))
			b.at("then Enable-DatabaseCopy for each of its databases, into %s", a["copy_path"])
		} else {
			b.cmd("Enable-StorageGroupCopy -Identity %s -StandbyMachine %s -ReplayLagTime %s%s", b.q(id), b.q(a["standby_machine"]), b.q(timeSpan(a["replay_lag"])), b.dcArg())
		}
		return b.script(step.Verb, "Get-StorageGroupCopyStatus shows Healthy once seeded.")
	},
	providers.VerbSeedCopy: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		standby := ""
		if m := a["standby_machine"]; m != "" {
			standby = " -StandbyMachine " + b.q(m)
		}
		b.cmd("Suspend-StorageGroupCopy -Identity %s%s -Confirm:$false%s", b.q(id), standby, b.dcArg())
		b.line("# Update-StorageGroupCopy refuses to seed over files left in the copy's folders: move any there into an exdr-aside folder first (exdr never passes -DeleteExistingFiles).")
		// It asks for confirmation, and for administrative input unless
		// -Force is given (aa998853): under -NonInteractive both fail.
		b.cmd("Update-StorageGroupCopy -Identity %s%s -Force -Confirm:$false%s", b.q(id), standby, b.dcArg())
		b.at("the copy's old files moved to an exdr-aside folder first")
		return b.script(step.Verb, "Get-StorageGroupCopyStatus shows Healthy.")
	},
	providers.VerbActivateCopy: func(b *Builder, step *providers.Step) (*Script, error) {
		b.activateCopy(step)
		return b.script(step.Verb, "Restore-StorageGroupCopy reports the copy consistent; the database file is at its path; mount follows.")
	},
	providers.VerbStopTransport: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.queueScript(step)
	},
	providers.VerbStartTransport: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.queueScript(step)
	},
	providers.VerbMoveQueueDatabase: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.queueScript(step)
	},
	providers.VerbImportQueue: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.queueScript(step)
	},
	providers.VerbDrainQueue: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.queueScript(step)
	},
	providers.VerbRestoreQueue: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.queueScript(step)
	},
	providers.VerbRotateQueue: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.queueScript(step)
	},
	providers.VerbRetryQueue: func(b *Builder, step *providers.Step) (*Script, error) {
		return b.queueScript(step)
	},
}

// render writes a step's script with its verb's renderer.
func render(b *Builder, step *providers.Step) (*Script, error) {
	r, ok := renderers[step.Verb]
	if !ok {
		return nil, fmt.Errorf("the ems provider has no script for %s", step.Verb)
	}
	return r(b, step)
}

// createServer is Setup on the machine: a person runs it there. A new
// server is installed with its roles; a failed one whose Active
// Directory object remains is rebuilt with /m:RecoverServer, which reads
// its roles from there (How to Recover a Lost Exchange Server,
// https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb123496(v=exchg.80)).
func (b *Builder) createServer(step *providers.Step) (*Script, error) {
	a := step.Args
	server := a["server"]
	var p string
	switch a["setup"] {
	case "recover_server":
		p = b.show("Setup.com /m:RecoverServer")
		b.at("on a new machine named %s with the same drive letters and service pack, after resetting (not deleting) its computer account", server)
	case "resume":
		p = b.show("Setup.com /mode:Install /roles:%s", setupRoles(a["roles"]))
		b.at("on %s: Setup resumes where it stopped", server)
	default:
		p = b.show("Setup.com /mode:Install /roles:%s", setupRoles(a["roles"]))
		b.at("on a machine named %s", server)
	}
	return manual(step.Verb, fmt.Sprintf("Build the server %s: %s (%s). Reason: %s.", server, p, b.where, step.Reason),
		fmt.Sprintf("Get-ExchangeServer -Identity %s lists the roles %s.", b.q(server), a["roles"])), b.err
}

// setupRoles names roles as Setup.com's /roles switch does.
func setupRoles(roles string) string {
	names := map[string]string{"mailbox": "Mailbox", "client_access": "ClientAccess", "hub_transport": "HubTransport",
		"unified_messaging": "UnifiedMessaging", "edge_transport": "EdgeTransport"}
	var out []string
	for _, r := range strings.Split(roles, ",") {
		if n, ok := names[strings.TrimSpace(r)]; ok {
			out = append(out, n)
		}
	}
	return strings.Join(out, ",")
}

// restoreBackup is the site's backup software putting the files back: a
// person does it, told where.
func (b *Builder) restoreBackup(step *providers.Step) (*Script, error) {
	a, id := step.Args, string(step.Identity)
	sg := storageGroupOf(id)
	if a["backup_of"] != "" {
		sg = a["backup_of"] // a restore into a recovery storage group: the backup is of production's
	}
	if a["method"] == "vss" {
		b.at("with the VSS backup software: restore %s of %s (database file and logs) to its original location, not mounted; the damaged file is moved to an exdr-aside folder beside it first", setsOf(a), sg)
		return manual(step.Verb, fmt.Sprintf("Restore %s of %s with the site's VSS backup software to the original location (the database file and its logs), after moving the damaged files into an exdr-aside folder beside them. Do not let it mount the database: exdr runs soft recovery next.", a["sets"], serverOf(id)),
			"eseutil /mh on the restored file shows the restored header (Dirty Shutdown, its logs required)."), nil
	}
	// A streaming restore writes the restored logs and restore.env into
	// <temporary location>\<storage group name>; hard recovery runs
	// there (How to Run Eseutil /C):
	// https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa998303(v=exchg.80)
	temp := ""
	if a["temp_folder"] != "" {
		temp = fmt.Sprintf(" In its restore options, give this temporary location for log and patch files: %s (restore.env and the restored logs go into %s), and leave Last Restore Set cleared: exdr runs hard recovery next.",
			a["temp_folder"], a["restore_env_folder"])
	}
	if a["into"] == "recovery_storage_group" {
		// Exchange sends the restore into the recovery storage group
		// that is there for the database: production is not touched,
		// and nothing of it is moved.
		b.at("with the backup software: restore %s of %s, temporary location for log and patch files %s; with a recovery storage group present, the restore goes into it", setsOf(a), sg, a["temp_folder"])
		return manual(step.Verb, fmt.Sprintf("Restore %s with the site's backup software to its original location: with the recovery storage group in place, Exchange writes it into %s, not over the production database; move nothing of the production database.%s", a["sets"], id, temp),
			"eseutil /mh on the recovery database's file shows the restored header; restore.env is in the restore folder."), nil
	}
	b.at("with the backup software: restore %s of %s to its original location, temporary location for log and patch files %s, Last Restore Set cleared; the damaged file is moved to an exdr-aside folder beside it first", setsOf(a), sg, a["temp_folder"])
	return manual(step.Verb, fmt.Sprintf("Restore %s of %s with the site's backup software to the original location, after moving the damaged files into an exdr-aside folder beside them. Do not let it mount the database.%s", a["sets"], serverOf(id), temp),
		"eseutil /mh on the restored file shows the restored header; restore.env is in the restore folder."), nil
}

// swap is Database Recovery Management's "Swap databases" for dial
// tone: both dismounted, the .edb files exchanged, both mounted again
// (Restore-Mailbox reads a recovery database only while it is mounted:
// the merge that follows needs it).
func (b *Builder) swap(step *providers.Step) {
	id, rdb := string(step.Identity), step.Args["rsg_database"]
	b.line("$db = Get-MailboxDatabase -Identity %s%s", b.q(id), b.dcArg())
	b.line("$rdb = Get-MailboxDatabase -Identity %s%s", b.q(rdb), b.dcArg())
	b.cmd("Dismount-Database -Identity %s -Confirm:$false%s", b.q(id), b.dcArg())
	b.cmd("Dismount-Database -Identity %s -Confirm:$false%s", b.q(rdb), b.dcArg())
	b.on(b.q(serverOf(id)), `param($a, $b)
$t = $a + '.exdr-swap'
Move-Item -LiteralPath $a -Destination $t
Move-Item -LiteralPath $b -Destination $a
Move-Item -LiteralPath $t -Destination $b`, "$db.EdbFilePath.PathName", "$rdb.EdbFilePath.PathName")
	b.cmd("Mount-Database -Identity %s%s", b.q(id), b.dcArg())
	b.cmd("Mount-Database -Identity %s%s", b.q(rdb), b.dcArg())
	b.at("between the dismounts and the mounts the two .edb files are exchanged (Database Recovery Management: Swap databases)")
}

// activateCopy is Restore-StorageGroupCopy: an LCR copy takes the
// database's place where it is; an SCR copy's files go back to the
// database's own server, which keeps the same paths.
func (b *Builder) activateCopy(step *providers.Step) {
	a, id := step.Args, string(step.Identity)
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
	// Restore-StorageGroupCopy asks for confirmation by default, which
	// fails under -NonInteractive.
	b.cmd("Restore-StorageGroupCopy -Identity %s%s -Confirm:$false%s", b.q(id), args, b.dcArg())
	if m := a["standby_machine"]; m != "" {
		b.line("Get-MailboxDatabase -StorageGroup %s%s | ForEach-Object {", b.q(id), b.dcArg())
		b.line("  $path = $_.EdbFilePath.PathName.Replace(':', '$')")
		b.line(`  $to = '\\' + $_.Server.Name + '\' + $path`)
		b.line(`  if (Test-Path -LiteralPath $to) { throw "$to exists: move it aside first" }`)
		b.line(`  Copy-Item -LiteralPath ('\\' + %s + '\' + $path) -Destination $to`, b.q(m))
		b.line("}")
		b.at("then each database file copied from %s back to its own path on %s", m, serverOf(id))
	}
}

func (b *Builder) settings(id, kind string, a map[string]string) {
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
		b.cmd("Set-%s -Identity %s %s%s", dbNoun(kind), b.q(id), strings.Join(params, " "), b.dcArg())
	}
}

func (b *Builder) mailboxSettings(a map[string]string) string {
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

func (b *Builder) restoreMailbox(id string, a map[string]string) {
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
		b.cmd("Get-Mailbox -Database %s -ResultSize Unlimited%s | ForEach-Object { Restore-Mailbox -Identity $_.Identity -RSGDatabase %s -Confirm:$false }",
			b.q(a["production_database"]), b.dcArg(), b.q(a["rsg_database"]))
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
	b.cmd("%s -Confirm:$false", s)
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

// setsOf names a restore's backup sets as the plan shows them: with their
// types and times where the planner wrote them.
func setsOf(a map[string]string) string {
	if d := a["sets_described"]; d != "" {
		return d
	}
	return a["sets"]
}
