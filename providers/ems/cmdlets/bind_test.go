package cmdlets

import (
	"strings"
	"testing"
)

// Each line exdr wrote before its fix fails as PowerShell would fail it;
// its fixed form binds.
func TestBind(t *testing.T) {
	tests := []struct {
		script string
		want   string // in the error; empty: binds
	}{
		{"Invoke-Command -ComputerName 'HUB01' -ArgumentList  -ScriptBlock {\n  Stop-Service -Name MSExchangeTransport\n}", "Missing an argument for parameter 'ArgumentList'"},
		{"Invoke-Command -ComputerName 'HUB01' -ScriptBlock {\n  Stop-Service -Name MSExchangeTransport\n}", ""},
		{"Invoke-Command -ComputerName $server -ArgumentList $edb, $false -ScriptBlock { param($p, $m) }", ""},
		{`Restore-Mailbox -Identity 'alice' -RSGDatabase 'MBX01\RSG\DB1' -RSGMailbox 'alice' -Confirm:$false`, "TargetFolder"},
		{`Restore-Mailbox -Identity 'alice' -RSGDatabase 'MBX01\RSG\DB1' -Confirm:$false -DomainController 'dc01'`,
			"A parameter cannot be found that matches parameter name 'DomainController'"},
		{`Restore-Mailbox -Identity 'alice' -RSGDatabase 'MBX01\RSG\DB1' -Confirm:$false`, ""},
		{`Restore-Mailbox -Identity 'bob' -RSGDatabase 'MBX01\RSG\DB1' -RSGMailbox 'alice' -TargetFolder 'Recovered' -Confirm:$false`, ""},
		{`Restore-Mailbox -Identity 'alice' -RSGDatabase 'MBX01\RSG\DB1'`, "asks for confirmation"},
		{`Update-StorageGroupCopy -Identity 'MBX01\SG1' -StandbyMachine 'MBX03'`, "asks for confirmation"},
		{`Update-StorageGroupCopy -Identity 'MBX01\SG1' -StandbyMachine 'MBX03' -Confirm:$false`, ""},
		{`Restore-StorageGroupCopy -Identity 'MBX01\SG1' -ReplaceLocations -Confirm:$false`, ""},
		{`Move-ClusteredMailboxServer -Identity 'CMS1' -TargetMachine 'NODE2' -Confirm:$false`, "MoveComment"},
		{`Move-ClusteredMailboxServer -Identity 'CMS1' -TargetMachine 'NODE2' -MoveComment 'patch' -Confirm:$false`, ""},
		{`Mount-Database`, "missing mandatory parameters: Identity"},
		{`Get-MailboxDatabase | Mount-Database`, ""},
		{`Mount-Database -Identity 'a' -Identity 'b'`, "specified more than once"},
		{`Dismount-Database -Identity 'a' -Confirm:$false -ErrorAction Stop`, ""},
		{`Get-MailboxStatistics -Server 'MBX01' -DomainController 'dc01'`, ""},
		{`Get-MailboxStatistics -Server 'MBX01' -Database 'x'`, "Parameter set cannot be resolved"},
		{`Connect-Mailbox -Identity '5f0b7a4c-8e0e-4a2b-9b1c-1d2e3f405162' -Database 'MBX01\SG1\DB1' -User 'CONTOSO\alice' -Alias 'alice'`, ""},
	}
	for _, tt := range tests {
		err := Check(tt.script)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s\n  refused: %v", tt.script, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s\n  got %v, want an error with %q", tt.script, err, tt.want)
		}
	}
}

// Every entry says where it was written from, and is well formed.
func TestCatalogEntries(t *testing.T) {
	for name, cl := range Catalog {
		if cl.Name != name || len(cl.Sets) == 0 {
			t.Errorf("%s: name %q, %d sets", name, cl.Name, len(cl.Sets))
		}
		if cl.Page != "" && !strings.HasPrefix(cl.Page, "https://") {
			t.Errorf("%s: page %q", name, cl.Page)
		}
		for _, s := range cl.Sets {
			seen := map[string]bool{}
			for _, p := range s.Params {
				k := strings.ToLower(p.Name)
				if seen[k] {
					t.Errorf("%s: set %s lists %s twice", name, s.Name, p.Name)
				}
				seen[k] = true
				if _, isCommon := common[k]; isCommon {
					t.Errorf("%s: %s is a common parameter", name, p.Name)
				}
			}
		}
	}
}
