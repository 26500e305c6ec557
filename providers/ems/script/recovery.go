package script

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/exdr/exdr/providers"
)

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
	if a["cluster"] == "true" {
		// CCR, after a failover the dial kept from mounting: the copy is
		// on the node the server runs on now, at its paths already;
		// Restore-StorageGroupCopy overrides the loss restrictions, and
		// Mount-Database follows (aa996024; bb676314). -Force: no prompt.
		b.cmd("Restore-StorageGroupCopy -Identity %s -Force -Confirm:$false%s", b.q(id), b.dcArg())
		return
	}
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
	m := a["standby_machine"]
	if m != "" && a["on_standby"] == "true" {
		b.activateOnStandby(id, m, args)
		return
	}
	if m != "" {
		// SCR keeps the same paths: the activated files go back to the
		// databases' own server. A damaged file still at a path is set
		// aside first, before the activation, which cannot be undone,
		// and every database of the group goes back, public folder
		// databases too.
		b.line("$dbs = @(Get-MailboxDatabase -StorageGroup %s%s) + @(Get-PublicFolderDatabase -StorageGroup %s%s)", b.q(id), b.dcArg(), b.q(id), b.dcArg())
		b.line("foreach ($d in $dbs) {")
		b.line(`  $to = '\\' + $d.Server.Name + '\' + $d.EdbFilePath.PathName.Replace(':', '$')`)
		b.line(`  if (Test-Path -LiteralPath $to) {`)
		b.line(`    $aside = Join-Path (Split-Path -Parent $to) ('exdr-aside\' + (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ'))`)
		b.line(`    New-Item -ItemType Directory -Path $aside -Force | Out-Null`)
		b.line(`    Move-Item -LiteralPath $to -Destination $aside`)
		b.line("  }")
		b.line("}")
	}
	// Restore-StorageGroupCopy asks for confirmation by default, which
	// fails under -NonInteractive.
	b.cmd("Restore-StorageGroupCopy -Identity %s%s -Confirm:$false%s", b.q(id), args, b.dcArg())
	if m != "" {
		b.line("foreach ($d in $dbs) {")
		b.line("  $path = $d.EdbFilePath.PathName.Replace(':', '$')")
		b.line(`  Copy-Item -LiteralPath ('\\' + %s + '\' + $path) -Destination ('\\' + $d.Server.Name + '\' + $path)`, b.q(m))
		b.line("}")
		b.at("any damaged file at a database's path moved to an exdr-aside folder first; then each database file copied from %s back to its own path on %s", m, serverOf(id))
	}
}

// activateOnStandby is Restore-StorageGroupCopy -StandbyMachine with the
// copy left where it is, as "Standby Continuous Replication: Database
// Portability" activates it (bb738132): then, on the standby, each
// database brought to clean shutdown with eseutil /r where the cmdlet
// left it dirty, and the copy's logs set aside, as a clean database needs
// none of them and the storage group made there next starts its own
// stream in that folder.
func (b *Builder) activateOnStandby(id, m, args string) {
	b.cmd("Restore-StorageGroupCopy -Identity %s%s -Confirm:$false%s", b.q(id), args, b.dcArg())
	b.line("$sg = Get-StorageGroup -Identity %s%s", b.q(id), b.dcArg())
	b.line("$dbs = @(Get-MailboxDatabase -StorageGroup %s%s)", b.q(id), b.dcArg())
	b.on(b.q(m), `param($prefix, $logs, $system, $edbs)
foreach ($edb in $edbs.Split('|')) {
if (-not $edb) { continue }
$state = & eseutil.exe /mh $edb | Select-String -Pattern 'State:' | Select-Object -First 1
if ("$state" -notmatch 'Clean Shutdown') {
eseutil.exe /r $prefix ('/l' + $logs) ('/s' + $system) ('/d' + (Split-Path -Parent $edb))
`+ese+`
}
}
$aside = Join-Path $logs ('exdr-aside\' + (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ'))
$old = @(Get-ChildItem -LiteralPath $logs | Where-Object { -not $_.PSIsContainer -and $_.Extension -match '^\.(log|chk|jrs)$' })
if ($old.Count -gt 0) { New-Item -ItemType Directory -Path $aside -Force | Out-Null; $old | Move-Item -Destination $aside }`,
		"$sg.LogFilePrefix", "$sg.LogFolderPath.PathName", "$sg.SystemFolderPath.PathName", "(($dbs | ForEach-Object { $_.EdbFilePath.PathName }) -join '|')")
	b.at("then on %s each database brought to clean shutdown (eseutil /r where it is not) and the copy's logs set aside; the files stay there for a storage group made on %s", m, m)
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
		{"content_keywords", "ContentKeywords"}, {"recipient_keywords", "RecipientKeywords"},
		{"attachment_filenames", "AttachmentFilenames"},
		{"include_folders", "IncludeFolders"}, {"exclude_folders", "ExcludeFolders"},
	} {
		if v := a[p.arg]; v != "" {
			var parts []string
			for _, x := range strings.Split(v, "\n") { // one value a line (planner.filterList)
				parts = append(parts, b.q(x))
			}
			s += " -" + p.param + " " + strings.Join(parts, ",")
		}
	}
	if v := a["bad_item_limit"]; v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			s += fmt.Sprintf(" -BadItemLimit %d", n)
		}
	}
	if a["validate_only"] == "true" {
		s += " -ValidateOnly"
	}
	b.cmd("%s -Confirm:$false", s)
}

// copyAside moves a copy's old files (its logs, checkpoint and database
// files) into an exdr-aside folder on the copy's machine:
// Update-StorageGroupCopy refuses to seed over files left in the copy's
// folders, and exdr never passes -DeleteExistingFiles. An LCR copy is on
// the storage group's own server under its Copy* paths; an SCR copy is on
// the standby machine at the production paths.
func (b *Builder) copyAside(id, standby string) {
	b.line("$sg = Get-StorageGroup -Identity %s%s", b.q(id), b.dcArg())
	b.line("$dbs = @(Get-MailboxDatabase -StorageGroup %s%s) + @(Get-PublicFolderDatabase -StorageGroup %s%s)", b.q(id), b.dcArg(), b.q(id), b.dcArg())
	machine := "$sg.Server.Name"
	folders := "$sg.CopyLogFolderPath.PathName, $sg.CopySystemFolderPath.PathName, (($dbs | ForEach-Object { $_.CopyEdbFilePath.PathName }) -join '|')"
	if standby != "" {
		machine = b.q(standby)
		folders = "$sg.LogFolderPath.PathName, $sg.SystemFolderPath.PathName, (($dbs | ForEach-Object { $_.EdbFilePath.PathName }) -join '|')"
	}
	b.on(machine, `param($logs, $system, $edbs)
$stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ')
foreach ($dir in (@($logs, $system) | Select-Object -Unique)) {
if (-not (Test-Path -LiteralPath $dir)) { continue }
$aside = Join-Path $dir ('exdr-aside\' + $stamp)
$old = @(Get-ChildItem -LiteralPath $dir | Where-Object { -not $_.PSIsContainer -and $_.Extension -match '^\.(log|chk|jrs)$' })
if ($old.Count -gt 0) { New-Item -ItemType Directory -Path $aside -Force | Out-Null; $old | Move-Item -Destination $aside }
}
foreach ($edb in $edbs.Split('|')) {
if ($edb -and (Test-Path -LiteralPath $edb)) { $aside = Join-Path (Split-Path -Parent $edb) ('exdr-aside\' + $stamp); New-Item -ItemType Directory -Path $aside -Force | Out-Null; Move-Item -LiteralPath $edb -Destination $aside }
}`, folders)
}
