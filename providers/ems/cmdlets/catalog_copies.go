package cmdlets

// The LCR, SCR and CCR cmdlets exdr writes: storage group copies and
// clustered mailbox servers. Transcribed as catalog.go says; each is
// added to Catalog at init.
var copyCmdlets = []*Cmdlet{
	{
		Name:     "Get-StorageGroupCopyStatus",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa997246(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Position: 1},
				{Name: "DomainController"},
				{Name: "DumpsterStatistics", Switch: true},
				{Name: "StandbyMachine"},
			}},
			{Name: "Server", Params: []Param{
				{Name: "Server", Mandatory: true},
				{Name: "DomainController"},
				{Name: "DumpsterStatistics", Switch: true},
				{Name: "StandbyMachine"},
			}},
		},
	},
	// NOT FOUND: written from memory
	{
		Name:     "Enable-StorageGroupCopy",
		Page:     "",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "Confirm", Switch: true},
				{Name: "CopyLogFolderPath"},
				{Name: "CopySystemFolderPath"},
				{Name: "DomainController"},
				{Name: "ReplayLagTime"},
				{Name: "SeedingPostponed", Switch: true},
				{Name: "StandbyMachine"},
				{Name: "TruncationLagTime"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// NOT FOUND: written from memory
	{
		Name:     "Enable-DatabaseCopy",
		Page:     "",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "Confirm", Switch: true},
				{Name: "CopyEdbFilePath"},
				{Name: "DomainController"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// The copy of the page read (technet.microsoft.com/en-us/library/aa998182.aspx,
	// the SP1 text: LCR, CCR or SCR) lacked its syntax block; the line is from
	// memory. Confirms: it asks before it suspends the copy.
	{
		Name:     "Suspend-StorageGroupCopy",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa998182(v=exchg.80)",
		Confirms: true,
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "StandbyMachine"},
				{Name: "SuspendComment"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// Confirms: the page gives Confirm's default as $true.
	{
		Name:     "Update-StorageGroupCopy",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa998853(v=exchg.80)",
		Confirms: true,
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "Confirm", Switch: true},
				{Name: "DataHostNames"},
				{Name: "DeleteExistingFiles", Switch: true},
				{Name: "DomainController"},
				{Name: "Force", Switch: true},
				{Name: "ManualResume", Switch: true},
				{Name: "StandbyMachine"},
				{Name: "TargetPath"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// Confirms: the page gives Confirm's default as $true.
	{
		Name:     "Restore-StorageGroupCopy",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa996024(v=exchg.80)",
		Confirms: true,
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "Force", Switch: true},
				{Name: "ReplaceLocations", Switch: true},
				{Name: "StandbyMachine"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// Only the parameters exdr passes, from the Exchange 2007 help's
	// page (6a229126-b863-4f07-b024-a39c93b253f7) and "How to Tune
	// Failover and Mount Settings for CCR" (bc9f85ff).
	{
		Name:     "Set-MailboxServer",
		Page:     "https://unifiedpeople.ru/exchhelp.en/html/6a229126-b863-4f07-b024-a39c93b253f7.htm",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "AutoDatabaseMountDial"},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "ForcedDatabaseMountAfter"},
				{Name: "RedundantMachines"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// The Exchange 2007 SP1-SP3 help's page (2008-01-22), read in its
	// unifiedpeople.ru copy: d13d8ae3-0288-4225-8b6a-c46e94f703db.
	{
		Name:     "Move-ClusteredMailboxServer",
		Page:     "https://unifiedpeople.ru/exchhelp.en/html/d13d8ae3-0288-4225-8b6a-c46e94f703db.htm",
		Confirms: true,
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "MoveComment", Mandatory: true},
				{Name: "TargetMachine", Mandatory: true},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "IgnoreDismounted", Switch: true},
				{Name: "ValidateOnly", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
}

func init() {
	for _, c := range copyCmdlets {
		Catalog[c.Name] = c
	}
}
