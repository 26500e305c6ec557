package cmdlets

import (
	"fmt"
	"strings"
	"testing"
)

func describe(cmds []Command) string {
	var out []string
	for _, c := range cmds {
		var args []string
		for _, a := range c.Args {
			switch {
			case a.isValue():
				args = append(args, a.Value)
			case a.Colon:
				args = append(args, "-"+a.Param+":"+a.Value)
			default:
				args = append(args, "-"+a.Param)
			}
		}
		piped := ""
		if c.Piped {
			piped = "|"
		}
		out = append(out, fmt.Sprintf("%s%s[%s]", piped, c.Name, strings.Join(args, " ")))
	}
	return strings.Join(out, "; ")
}

func TestCommands(t *testing.T) {
	tests := []struct{ in, want string }{
		{`Mount-Database -Identity 'MBX01\SG1\DB1'`, `Mount-Database[-Identity 'MBX01\SG1\DB1']`},
		{`Dismount-Database -Identity 'O''Brien' -Confirm:$false -DomainController 'dc01'`,
			`Dismount-Database[-Identity 'O'Brien' -Confirm:$false -DomainController 'dc01']`},
		{"$db = Get-MailboxDatabase -Identity 'x' -Status\n$server = $db.Server.Name",
			`Get-MailboxDatabase[-Identity 'x' -Status]`},
		{`Get-Mailbox -Database 'D' | ForEach-Object { Restore-Mailbox -Identity $_.Identity -RSGDatabase 'R' -Confirm:$false }`,
			`Get-Mailbox[-Database 'D']; Restore-Mailbox[-Identity $_.Identity -RSGDatabase 'R' -Confirm:$false]; |ForEach-Object[{…]`},
		{"Invoke-Command -ComputerName $server -ArgumentList $edb, $false -ScriptBlock {\n  param($path, $move)\n  Stop-Service -Name MSExchangeTransport\n}",
			`Stop-Service[-Name MSExchangeTransport]; Invoke-Command[-ComputerName $server -ArgumentList $edb, $false -ScriptBlock {…]`},
		{"Invoke-Command -ComputerName 'HUB01' -ArgumentList  -ScriptBlock {\n}", `Invoke-Command[-ComputerName 'HUB01' -ArgumentList -ScriptBlock {…]`},
		{"if (-not (Test-Path -LiteralPath $dir)) { return 'missing' } # a comment: Remove-Item", `Test-Path[-LiteralPath $dir]`},
		{"& eseutil.exe /mh $edb 2>&1 | Out-String", `|Out-String[]`},
		{`$out['Now'] = (Get-Date).ToUniversalTime()`, `Get-Date[]; .ToUniversalTime[(…]`},
		{`throw "eseutil exited with $LASTEXITCODE; Remove-Item"`, ``},
		// A $( ) in double quotes runs when the string is expanded.
		{`eseutil /p "E:\x$(Remove-Item -Path C:\pwned)\DB1.edb"`, `Remove-Item[-Path C:\pwned]; eseutil[/p 'E:\x$(Remove-Item -Path C:\pwned)\DB1.edb']`},
	}
	for _, tt := range tests {
		cmds, err := Commands(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if got := describe(cmds); got != tt.want {
			t.Errorf("%q\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{`Mount-Database -Identity 'x`, `Get-Date)`, `@(Get-Date`} {
		if _, err := Commands(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// PowerShell closes a single-quoted string at U+2018-U+201B as at the
// apostrophe; doubled, each stands for itself.
func TestSmartQuotes(t *testing.T) {
	cmds, err := Commands("Mount-Database -Identity 'O\u2019\u2019Brien' -DomainController \u2018dc01\u2019")
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(cmds); got != "Mount-Database[-Identity 'O\u2019Brien' -DomainController 'dc01']" {
		t.Fatalf("got %s", got)
	}
	// An undoubled one ends the literal: what follows runs.
	cmds, err = Commands("Write-Host 'Step 1: mailbox.users[\"o\u2019\"]; Remove-Item C:\\ -Recurse; x'")
	if err == nil && !strings.Contains(describe(cmds), "Remove-Item") {
		t.Fatalf("a literal broken by U+2019 read as one value: %s", describe(cmds))
	}
}
