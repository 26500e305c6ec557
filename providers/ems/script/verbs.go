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

// userMailboxes passes users' mailboxes on, not a database's system
// mailboxes.
const userMailboxes = "Where-Object { $_.ObjectClass -notmatch '(SystemAttendantMailbox|ExOleDbSystemMailbox)' }"

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
		return manual(step.Verb, fmt.Sprintf("On %s, %s: copy %s into an exdr-aside folder beside it, then run %s in PowerShell (the Exchange Management Shell) and confirm the warning on the console. This loses data: %s.", serverOf(id), stopped(step), file, p, step.Loss),
			"eseutil /mh shows State: Clean Shutdown and a higher Repair Count."), b.err
	},
	providers.VerbIntegrityCheck: func(b *Builder, step *providers.Step) (*Script, error) {
		id := string(step.Identity)
		// isinteg lists the server's databases and asks which to check.
		p := b.show("isinteg.exe -s %s -fix -test alltests", b.q(serverOf(id)))
		b.at("choose %s; run again until it reports 0 fixes", id)
		return manual(step.Verb, fmt.Sprintf("On %s, in PowerShell (the Exchange Management Shell): %s; choose %s when it asks, and run it again until it reports 0 fixes.", serverOf(id), p, id), "isinteg reports 0 fixes on its last run."), b.err
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
		if a["set_aside"] == "true" {
			// Failback: the old file at the database's own path, from
			// before its copy was activated elsewhere, is kept aside.
			b.on(b.q(serverOf(id)), setAside, b.q(dst), "$true")
		}
		b.line("if (Test-Path -LiteralPath %s) { throw %s }", b.q(to), b.q(to+" exists: move it aside first"))
		b.line("New-Item -ItemType Directory -Path %s -Force | Out-Null", b.q(parentPath(to)))
		b.cmd("Copy-Item -LiteralPath %s -Destination %s", b.q(from), b.q(to))
		b.at("the original stays where it is")
		return b.script(step.Verb, "The file is at the new path; the old one stays.")
	},
	providers.VerbRemoveDatabase: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		if a["storage_group"] == "" || a["edb_file_path"] == "" {
			return nil, fmt.Errorf("%s: no storage_group or edb_file_path: plan again", step.Verb)
		}
		// Refused by Exchange while a mailbox is homed in it; the
		// storage group's removal, once it holds no database. The files
		// stay on disk (neither cmdlet deletes them), moved aside here.
		b.line("if (@(Get-Mailbox -Database %s -ResultSize Unlimited%s | %s).Count -gt 0) { throw %s }", b.q(id), b.dcArg(), userMailboxes, b.q(id+" still has mailboxes: re-home them first"))
		b.line("$sg = Get-StorageGroup -Identity %s%s", b.q(a["storage_group"]), b.dcArg())
		b.cmd("Remove-MailboxDatabase -Identity %s -Confirm:$false%s", b.q(id), b.dcArg())
		b.cmd("Remove-StorageGroup -Identity %s -Confirm:$false%s", b.q(a["storage_group"]), b.dcArg())
		b.on(b.q(serverOf(id)), `param($edb, $logs, $system)
$stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ')
foreach ($dir in (@($logs, $system) | Select-Object -Unique)) {
if (-not (Test-Path -LiteralPath $dir)) { continue }
$old = @(Get-ChildItem -LiteralPath $dir | Where-Object { -not $_.PSIsContainer -and $_.Extension -match '^\.(log|chk|jrs)$' })
if ($old.Count -gt 0) { $aside = Join-Path $dir ('exdr-aside\' + $stamp); New-Item -ItemType Directory -Path $aside -Force | Out-Null; $old | Move-Item -Destination $aside }
}
if (Test-Path -LiteralPath $edb) { $aside = Join-Path (Split-Path -Parent $edb) ('exdr-aside\' + $stamp); New-Item -ItemType Directory -Path $aside -Force | Out-Null; Move-Item -LiteralPath $edb -Destination $aside }`,
			b.q(a["edb_file_path"]), "$sg.LogFolderPath.PathName", "$sg.SystemFolderPath.PathName")
		b.at("then its files on %s moved to exdr-aside folders: kept, not deleted", serverOf(id))
		return b.script(step.Verb, "Get-StorageGroup no longer lists it; its files are in exdr-aside.")
	},
	providers.VerbRehomeMailboxes: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		// The system mailboxes stay with their database, as "Standby
		// Continuous Replication: Database Portability" filters them
		// (learn.microsoft.com/.../exchange-server-2007/bb738132(v=exchg.80)).
		b.cmd("Get-Mailbox -Database %s -ResultSize Unlimited%s | %s | Move-Mailbox -ConfigurationOnly -TargetDatabase %s -Confirm:$false", b.q(a["source"]), b.dcArg(), userMailboxes, b.q(id))
		b.at("then wait for Active Directory replication")
		return b.script(step.Verb, "Get-Mailbox -Database on the new database lists the users.")
	},
	providers.VerbCreateMailbox: func(b *Builder, step *providers.Step) (*Script, error) {
		a := step.Args
		id := string(step.Identity)
		// -Identity is the user account (a UserIdParameter, which takes
		// its name as well as DOMAIN\\user): without a declared owner,
		// the account named as the alias, never an empty identity.
		owner := a["owner"]
		if owner == "" {
			owner = a["mailbox"]
		}
		b.cmd("Enable-Mailbox -Identity %s -Alias %s -Database %s%s", b.q(owner), b.q(a["mailbox"]), b.q(id), b.dcArg())
		return b.script(step.Verb, "Get-Mailbox lists it in the database"+b.retention(a)+".")
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
		// -User is the user account it joins, which must exist and have
		// no mailbox (a UserIdParameter, as Enable-Mailbox's -Identity):
		// without a declared owner, the account named as the alias, never
		// an empty -User. Disable-Mailbox keeps the account; one deleted
		// is not there to join, and Connect-Mailbox does not make it: the
		// script stops first, saying so (Get-User, aa996896).
		user := a["owner"]
		if user == "" {
			user = a["mailbox"]
		}
		b.line("if (-not (Get-User -Identity %s -ErrorAction SilentlyContinue%s)) { throw %s }", b.q(user), b.dcArg(),
			b.q("no user account "+user+": Connect-Mailbox joins a mailbox to an existing account; create it in Active Directory (its account was deleted?), then run this again"))
		b.cmd("Connect-Mailbox -Identity %s -Database %s -User %s -Alias %s%s", b.q(identity), b.q(id), b.q(user), b.q(a["mailbox"]), b.dcArg())
		return b.script(step.Verb, "Get-Mailbox lists it"+b.retention(a)+"; Get-MailboxStatistics shows its items.")
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
		if step.Args["validate_only"] == "true" {
			return b.script(step.Verb, "Restore-Mailbox reports that the restore would succeed; nothing is copied.")
		}
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
			// The copy's path is made as text: this line runs in the
			// management shell, where Join-Path and Split-Path throw
			// "Cannot find drive" for a drive only the server has.
			b.line(`Get-MailboxDatabase -StorageGroup %s%s | ForEach-Object { Enable-DatabaseCopy -Identity $_.Identity -CopyEdbFilePath (%s.TrimEnd('\') + '\' + ($_.EdbFilePath.PathName -split '\\')[-1]) }`, b.q(id), b.dcArg(), b.q(a["copy_path"]))
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
		b.copyAside(id, a["standby_machine"])
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
	providers.VerbMoveClusteredServer: func(b *Builder, step *providers.Step) (*Script, error) {
		// A handoff: every log copied and replayed on the passive node
		// first, and refused while replication is not healthy (How to
		// Move a CMS, 5ac92b11; Move-ClusteredMailboxServer, d13d8ae3).
		a := step.Args
		b.cmd("Move-ClusteredMailboxServer -Identity %s -TargetMachine %s -MoveComment %s -Confirm:$false%s", b.q(string(step.Identity)), b.q(a["target"]), b.q(a["comment"]), b.dcArg())
		return b.script(step.Verb, fmt.Sprintf("Get-ClusteredMailboxServerStatus shows %s Online on %s.", step.Identity, a["target"]))
	},
	providers.VerbSetMailboxServer: func(b *Builder, step *providers.Step) (*Script, error) {
		// The values as "How to Tune Failover and Mount Settings for
		// CCR" (bc9f85ff) and Set-MailboxServer (6a229126) name them.
		dial := map[string]string{"lossless": "Lossless", "good_availability": "GoodAvailability", "best_availability": "BestAvailability"}[step.Args["auto_database_mount_dial"]]
		if dial == "" {
			return nil, fmt.Errorf("AutoDatabaseMountDial %q is not lossless, good_availability or best_availability", step.Args["auto_database_mount_dial"])
		}
		b.cmd("Set-MailboxServer -Identity %s -AutoDatabaseMountDial %s%s", b.q(string(step.Identity)), dial, b.dcArg())
		return b.script(step.Verb, fmt.Sprintf("Get-MailboxServer %s shows AutoDatabaseMountDial %s.", step.Identity, dial))
	},
	providers.VerbNewPublicFolder: func(b *Builder, step *providers.Step) (*Script, error) {
		// New-PublicFolder -Name -Path -Server (aa996405): -Path is the
		// parent; a top-level folder takes none (the root).
		path := step.Args["path"]
		cut := strings.LastIndex(path, `\`)
		if cut < 0 || cut == len(path)-1 {
			return nil, fmt.Errorf("public folder path %q is not \\Name or \\Parent\\Name", path)
		}
		parent := ""
		if cut > 0 {
			parent = " -Path " + b.q(path[:cut])
		}
		b.cmd("New-PublicFolder -Name %s%s -Server %s%s", b.q(path[cut+1:]), parent, b.q(step.Args["server"]), b.dcArg())
		return b.script(step.Verb, fmt.Sprintf("Get-PublicFolder %s shows the folder, its replica on %s.", path, step.Args["server"]))
	},
	providers.VerbSetPublicFolderReplicas: func(b *Builder, step *providers.Step) (*Script, error) {
		var reps []string
		for _, r := range providers.SplitList(step.Args["replicas"]) {
			reps = append(reps, b.q(r))
		}
		if len(reps) == 0 {
			return nil, fmt.Errorf("public folder %s: no replica given; a folder keeps at least one", step.Args["path"])
		}
		b.cmd("Set-PublicFolder -Identity %s -Replicas %s%s", b.q(step.Args["path"]), strings.Join(reps, ","), b.dcArg())
		return b.script(step.Verb, fmt.Sprintf("Get-PublicFolder %s | Format-List Replicas shows the replicas as configured.", step.Args["path"]))
	},
	providers.VerbUpdatePublicFolders: func(b *Builder, step *providers.Step) (*Script, error) {
		// Update-PublicFolderHierarchy (bb124741) and Update-PublicFolder
		// (aa997451): -Server names the source of the replication.
		sources := providers.SplitList(step.Args["sources"])
		if len(sources) == 0 {
			return nil, fmt.Errorf("%s: no other public folder server to backfill from", step.Identity)
		}
		for _, s := range sources {
			b.cmd("Update-PublicFolderHierarchy -Server %s -Confirm:$false%s", b.q(s), b.dcArg())
		}
		for _, f := range providers.SplitList(step.Args["folders"]) {
			path, src, ok := strings.Cut(f, "=")
			if !ok || src == "" {
				return nil, fmt.Errorf("folder %q names no source server", f)
			}
			b.cmd("Update-PublicFolder -Identity %s -Server %s -Confirm:$false%s", b.q(path), b.q(src), b.dcArg())
		}
		return b.script(step.Verb, fmt.Sprintf("Get-PublicFolderStatistics -Server %s shows each folder's item count as on its other replicas once backfill is done.", step.Args["server"]))
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
	// A step without an argument its verb needs was planned by an older
	// exdr (a saved plan): written anyway, it would guess (Setup's mode,
	// the cmdlet's noun). It is refused instead.
	spec, _ := providers.Spec(step.Verb)
	for _, need := range spec.Needs {
		if _, ok := step.Args[need]; !ok {
			return nil, fmt.Errorf("%s: the step carries no %s (a plan made by an older exdr?): plan again", step.Verb, need)
		}
	}
	return r(b, step)
}
