package cmdlets

// The public folder cmdlets exdr writes, transcribed as catalog.go's
// entries are: the parameters each Exchange 2007 page lists that exdr
// may write, Identity at Position 1.
var publicFolderCmdlets = []*Cmdlet{
	{
		Name: "New-PublicFolder",
		Page: "https://learn.microsoft.com/fr-fr/previous-versions/office/exchange-server-2007/aa996405(v=exchg.80)",
		Sets: []Set{{Name: "Default", Params: []Param{
			{Name: "Name", Mandatory: true, Position: 1},
			{Name: "Confirm", Switch: true},
			{Name: "DomainController"},
			{Name: "Path"},
			{Name: "Server"},
			{Name: "WhatIf", Switch: true},
		}}},
	},
	{
		// -Replicas takes the whole list, replacing the one the folder
		// has (DatabaseIdParameter[]).
		Name:     "Set-PublicFolder",
		Page:     "https://technet.microsoft.com/en-us/library/aa998596(v=exchg.80).aspx",
		Pipeline: "Identity",
		Sets: []Set{{Name: "Identity", Params: []Param{
			{Name: "Identity", Mandatory: true, Position: 1},
			{Name: "Confirm", Switch: true},
			{Name: "DomainController"},
			{Name: "Replicas"},
			{Name: "ReplicationSchedule"},
			{Name: "Server"},
			{Name: "UseDatabaseReplicationSchedule"},
			{Name: "WhatIf", Switch: true},
		}}},
	},
	{
		// -Server is the source of the replication: "a Mailbox server
		// with a public folder database that will be the source".
		Name:     "Update-PublicFolder",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa997451(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{{Name: "Identity", Params: []Param{
			{Name: "Identity", Mandatory: true, Position: 1},
			{Name: "Server", Mandatory: true},
			{Name: "Confirm", Switch: true},
			{Name: "DomainController"},
			{Name: "WhatIf", Switch: true},
		}}},
	},
	{
		Name: "Update-PublicFolderHierarchy",
		Page: "https://learn.microsoft.com/he-il/previous-versions/office/exchange-server-2007/bb124741(v=exchg.80)",
		Sets: []Set{{Name: "Identity", Params: []Param{
			{Name: "Server", Mandatory: true},
			{Name: "Confirm", Switch: true},
			{Name: "DomainController"},
			{Name: "WhatIf", Switch: true},
		}}},
	},
}

func init() {
	for _, c := range publicFolderCmdlets {
		Catalog[c.Name] = c
	}
}
