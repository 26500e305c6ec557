package cmdlets

// The storage group and database cmdlets exdr writes. Transcribed as
// catalog.go says; each is added to Catalog at init.
var storageCmdlets = []*Cmdlet{
	{
		Name:     "Get-StorageGroup",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa998331(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Position: 1},
				{Name: "DomainController"},
				{Name: "IncludePreExchange2007", Switch: true},
				{Name: "Status", Switch: true},
			}},
			{Name: "Server", Params: []Param{
				{Name: "Server", Mandatory: true},
				{Name: "DomainController"},
				{Name: "IncludePreExchange2007", Switch: true},
				{Name: "Status", Switch: true},
			}},
		},
	},
	// NOT FOUND: written from memory
	{
		Name: "New-StorageGroup",
		Page: "",
		Sets: []Set{
			{Name: "Default", Params: []Param{
				{Name: "Server", Mandatory: true},
				{Name: "Name", Mandatory: true},
				{Name: "CircularLoggingEnabled"},
				{Name: "Confirm", Switch: true},
				{Name: "CopyLogFolderPath"},
				{Name: "CopySystemFolderPath"},
				{Name: "DomainController"},
				{Name: "HasLocalCopy"},
				{Name: "LogFolderPath"},
				{Name: "Recovery", Switch: true},
				{Name: "SystemFolderPath"},
				{Name: "TemplateInstance"},
				{Name: "WhatIf", Switch: true},
				{Name: "ZeroDatabasePages"},
			}},
		},
	},
	// NOT FOUND: written from memory
	// Only the RTM topic was found (bb691442, "Set-StorageGroup (RTM)"); its two
	// syntax lines are these, without Confirm and WhatIf, which SP1 added to
	// every cmdlet that changes something.
	{
		Name:     "Set-StorageGroup",
		Page:     "",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "CircularLoggingEnabled"},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "Name"},
				{Name: "WhatIf", Switch: true},
				{Name: "ZeroDatabasePages"},
			}},
			{Name: "Instance", Params: []Param{
				{Name: "CircularLoggingEnabled"},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "Instance"},
				{Name: "Name"},
				{Name: "WhatIf", Switch: true},
				{Name: "ZeroDatabasePages"},
			}},
		},
	},
	// Confirms: a Remove- cmdlet (ConfirmImpact High): it asks before it deletes.
	{
		Name:     "Remove-StorageGroup",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa998295(v=exchg.80)",
		Confirms: true,
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	{
		Name:     "Get-MailboxDatabase",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb124924(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Position: 1},
				{Name: "DomainController"},
				{Name: "IncludePreExchange2007", Switch: true},
				{Name: "Status", Switch: true},
			}},
			{Name: "Server", Params: []Param{
				{Name: "Server", Mandatory: true},
				{Name: "DomainController"},
				{Name: "IncludePreExchange2007", Switch: true},
				{Name: "Status", Switch: true},
			}},
			{Name: "StorageGroup", Params: []Param{
				{Name: "StorageGroup", Mandatory: true},
				{Name: "DomainController"},
				{Name: "IncludePreExchange2007", Switch: true},
				{Name: "Status", Switch: true},
			}},
		},
	},
	// NOT FOUND: written from memory
	// Pipeline: the storage group is what the 2007 New-*Database cmdlets take
	// from the pipeline (the RTM New-PublicFolderDatabase page says so).
	{
		Name:     "New-MailboxDatabase",
		Page:     "",
		Pipeline: "StorageGroup",
		Sets: []Set{
			{Name: "NonRecovery", Params: []Param{
				{Name: "StorageGroup", Mandatory: true},
				{Name: "Name", Mandatory: true},
				{Name: "Confirm", Switch: true},
				{Name: "CopyEdbFilePath"},
				{Name: "DomainController"},
				{Name: "EdbFilePath"},
				{Name: "HasLocalCopy"},
				{Name: "OfflineAddressBook"},
				{Name: "PublicFolderDatabase"},
				{Name: "TemplateInstance"},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "Recovery", Params: []Param{
				{Name: "MailboxDatabaseToRecover", Mandatory: true},
				{Name: "StorageGroup", Mandatory: true},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "EdbFilePath"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// NOT FOUND: written from memory
	{
		Name:     "Set-MailboxDatabase",
		Page:     "",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "AllowFileRestore"},
				{Name: "Confirm", Switch: true},
				{Name: "DeletedItemRetention"},
				{Name: "DomainController"},
				{Name: "EventHistoryRetentionPeriod"},
				{Name: "IndexEnabled"},
				{Name: "IssueWarningQuota"},
				{Name: "JournalRecipient"},
				{Name: "MailboxRetention"},
				{Name: "MaintenanceSchedule"},
				{Name: "MountAtStartup"},
				{Name: "Name"},
				{Name: "OfflineAddressBook"},
				{Name: "ProhibitSendQuota"},
				{Name: "ProhibitSendReceiveQuota"},
				{Name: "PublicFolderDatabase"},
				{Name: "QuotaNotificationSchedule"},
				{Name: "RetainDeletedItemsUntilBackup"},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "Instance", Params: []Param{
				{Name: "AllowFileRestore"},
				{Name: "Confirm", Switch: true},
				{Name: "DeletedItemRetention"},
				{Name: "DomainController"},
				{Name: "EventHistoryRetentionPeriod"},
				{Name: "IndexEnabled"},
				{Name: "Instance"},
				{Name: "IssueWarningQuota"},
				{Name: "JournalRecipient"},
				{Name: "MailboxRetention"},
				{Name: "MaintenanceSchedule"},
				{Name: "MountAtStartup"},
				{Name: "Name"},
				{Name: "OfflineAddressBook"},
				{Name: "ProhibitSendQuota"},
				{Name: "ProhibitSendReceiveQuota"},
				{Name: "PublicFolderDatabase"},
				{Name: "QuotaNotificationSchedule"},
				{Name: "RetainDeletedItemsUntilBackup"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// NOT FOUND: written from memory
	// Confirms: a Remove- cmdlet (ConfirmImpact High).
	{
		Name:     "Remove-MailboxDatabase",
		Page:     "",
		Confirms: true,
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	{
		Name:     "Get-PublicFolderDatabase",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa998827(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Position: 1},
				{Name: "DomainController"},
				{Name: "IncludePreExchange2007", Switch: true},
				{Name: "Status", Switch: true},
			}},
			{Name: "Server", Params: []Param{
				{Name: "Server", Mandatory: true},
				{Name: "DomainController"},
				{Name: "IncludePreExchange2007", Switch: true},
				{Name: "Status", Switch: true},
			}},
			{Name: "StorageGroup", Params: []Param{
				{Name: "StorageGroup", Mandatory: true},
				{Name: "DomainController"},
				{Name: "IncludePreExchange2007", Switch: true},
				{Name: "Status", Switch: true},
			}},
		},
	},
	// NOT FOUND: written from memory
	// Only the RTM topic was found (bb691073, "New-PublicFolderDatabase (RTM)"):
	// this is its syntax line with SP1's Confirm and WhatIf; it says StorageGroup
	// is the one parameter that takes pipeline input.
	{
		Name:     "New-PublicFolderDatabase",
		Page:     "",
		Pipeline: "StorageGroup",
		Sets: []Set{
			{Name: "Default", Params: []Param{
				{Name: "Name", Mandatory: true},
				{Name: "StorageGroup", Mandatory: true},
				{Name: "Confirm", Switch: true},
				{Name: "CopyEdbFilePath"},
				{Name: "DomainController"},
				{Name: "EdbFilePath"},
				{Name: "HasLocalCopy"},
				{Name: "TemplateInstance"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// The Instance line was cut short in the copy read; its tail is taken to be
	// the Identity line's, as on every 2007 Set- page.
	{
		Name:     "Set-PublicFolderDatabase",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa997225(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "AllowFileRestore"},
				{Name: "Confirm", Switch: true},
				{Name: "CustomReferralServerList"},
				{Name: "DeletedItemRetention"},
				{Name: "DomainController"},
				{Name: "EventHistoryRetentionPeriod"},
				{Name: "IssueWarningQuota"},
				{Name: "ItemRetentionPeriod"},
				{Name: "MaintenanceSchedule"},
				{Name: "MaxItemSize"},
				{Name: "MountAtStartup"},
				{Name: "Name"},
				{Name: "ProhibitPostQuota"},
				{Name: "QuotaNotificationSchedule"},
				{Name: "ReplicationMessageSize"},
				{Name: "ReplicationPeriod"},
				{Name: "ReplicationSchedule"},
				{Name: "RetainDeletedItemsUntilBackup"},
				{Name: "UseCustomReferralServerList"},
				{Name: "UseRusServer"},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "Instance", Params: []Param{
				{Name: "AllowFileRestore"},
				{Name: "Confirm", Switch: true},
				{Name: "CustomReferralServerList"},
				{Name: "DeletedItemRetention"},
				{Name: "DomainController"},
				{Name: "EventHistoryRetentionPeriod"},
				{Name: "Instance"},
				{Name: "IssueWarningQuota"},
				{Name: "ItemRetentionPeriod"},
				{Name: "MaintenanceSchedule"},
				{Name: "MaxItemSize"},
				{Name: "MountAtStartup"},
				{Name: "Name"},
				{Name: "ProhibitPostQuota"},
				{Name: "QuotaNotificationSchedule"},
				{Name: "ReplicationMessageSize"},
				{Name: "ReplicationPeriod"},
				{Name: "ReplicationSchedule"},
				{Name: "RetainDeletedItemsUntilBackup"},
				{Name: "UseCustomReferralServerList"},
				{Name: "UseRusServer"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// NOT FOUND: written from memory
	// Does not confirm by default (ConfirmImpact Medium).
	{
		Name:     "Mount-Database",
		Page:     "",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "AcceptDataLoss", Switch: true},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "Force", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// NOT FOUND: written from memory
	// Confirms: it asks "Are you sure you want to dismount ...?" (ConfirmImpact High).
	{
		Name:     "Dismount-Database",
		Page:     "",
		Confirms: true,
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// NOT FOUND: written from memory
	// Confirms: judged false. It only scans Active Directory and marks
	// disconnected mailboxes; it does not ask before doing so.
	{
		Name:     "Clean-MailboxDatabase",
		Page:     "",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
}

func init() {
	for _, c := range storageCmdlets {
		Catalog[c.Name] = c
	}
}
