package script

import (
	"fmt"
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
