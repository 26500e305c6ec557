package cmdlets

// The cmdlets exdr writes that read or move what a mailbox holds:
// its statistics, Move-Mailbox and Restore-Mailbox. Transcribed as
// catalog.go says; each is added to Catalog at init.
var mailboxDataCmdlets = []*Cmdlet{
	// Page seen in its zh-tw copy, cut short in the second line (after
	// SourceForestGlobalCatalog); that line's tail and the third line
	// (ConfigurationOnly) are from memory and the RTM page (bb691407).
	// Confirms: Move-Mailbox asks before it moves each mailbox.
	{
		Name:     "Move-Mailbox",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa997599(v=exchg.80)",
		Confirms: true,
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Default", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "TargetDatabase", Mandatory: true},
				{Name: "BadItemLimit"},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "GlobalCatalog"},
				{Name: "IgnorePolicyMatch", Switch: true},
				{Name: "IgnoreRuleLimitErrors", Switch: true},
				{Name: "MaxThreads"},
				{Name: "ReportFile"},
				{Name: "UseRusServer"},
				{Name: "ValidateOnly", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "CrossForest", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "TargetDatabase", Mandatory: true},
				{Name: "AllContentKeywords"},
				{Name: "AllowDuplicates", Switch: true},
				{Name: "AllowMerge", Switch: true},
				{Name: "AttachmentFilenames"},
				{Name: "BadItemLimit"},
				{Name: "Confirm", Switch: true},
				{Name: "ContentKeywords"},
				{Name: "DomainController"},
				{Name: "EndDate"},
				{Name: "ExcludeFolders"},
				{Name: "GlobalCatalog"},
				{Name: "IgnorePolicyMatch", Switch: true},
				{Name: "IgnoreRuleLimitErrors", Switch: true},
				{Name: "IncludeFolders"},
				{Name: "Locale"},
				{Name: "MaxThreads"},
				{Name: "NTAccountOU"},
				{Name: "PreserveMailboxSizeLimit", Switch: true},
				{Name: "RecipientKeywords"},
				{Name: "ReportFile"},
				{Name: "RetryInterval"},
				{Name: "RetryTimeout"},
				{Name: "SenderKeywords"},
				{Name: "SourceForestCredential"},
				{Name: "SourceForestGlobalCatalog"},
				{Name: "SourceMailboxCleanupOptions"},
				{Name: "StartDate"},
				{Name: "SubjectKeywords"},
				{Name: "TargetForestCredential"},
				{Name: "UseRusServer"},
				{Name: "ValidateOnly", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "ConfigurationOnly", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "ConfigurationOnly", Switch: true, Mandatory: true},
				{Name: "TargetDatabase", Mandatory: true},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "GlobalCatalog"},
				{Name: "IgnorePolicyMatch", Switch: true},
				{Name: "ReportFile"},
				{Name: "UseRusServer"},
				{Name: "ValidateOnly", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// Page seen in its es-es and ja-jp copies.
	{
		Name:     "Get-MailboxStatistics",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb124612(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Position: 1},
				{Name: "DomainController"},
			}},
			{Name: "Database", Params: []Param{
				{Name: "Database", Mandatory: true},
				{Name: "DomainController"},
			}},
			{Name: "Server", Params: []Param{
				{Name: "Server", Mandatory: true},
				{Name: "DomainController"},
			}},
		},
	},
	// NOT FOUND: written from memory
	// The Exchange 2010 page has the same two lines with RSGDatabase and
	// RSGMailbox renamed RecoveryDatabase and RecoveryMailbox: no
	// DomainController (the directory parameter is GlobalCatalog), and the
	// RSGMailbox line requires TargetFolder.
	// Confirms: it asks before it writes into the target mailbox.
	{
		Name:     "Restore-Mailbox",
		Page:     "",
		Confirms: true,
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "SameMailbox", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "RSGDatabase", Mandatory: true},
				{Name: "AllContentKeywords"},
				{Name: "AllowDuplicates", Switch: true},
				{Name: "AttachmentFilenames"},
				{Name: "BadItemLimit"},
				{Name: "Confirm", Switch: true},
				{Name: "ContentKeywords"},
				{Name: "EndDate"},
				{Name: "ExcludeFolders"},
				{Name: "GlobalCatalog"},
				{Name: "IncludeFolders"},
				{Name: "Locale"},
				{Name: "MaxThreads"},
				{Name: "RecipientKeywords"},
				{Name: "SenderKeywords"},
				{Name: "StartDate"},
				{Name: "SubjectKeywords"},
				{Name: "ValidateOnly", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "RSGMailbox", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "RSGDatabase", Mandatory: true},
				{Name: "RSGMailbox", Mandatory: true},
				{Name: "TargetFolder", Mandatory: true},
				{Name: "AllContentKeywords"},
				{Name: "AllowDuplicates", Switch: true},
				{Name: "AttachmentFilenames"},
				{Name: "BadItemLimit"},
				{Name: "Confirm", Switch: true},
				{Name: "ContentKeywords"},
				{Name: "EndDate"},
				{Name: "ExcludeFolders"},
				{Name: "GlobalCatalog"},
				{Name: "IncludeFolders"},
				{Name: "Locale"},
				{Name: "MaxThreads"},
				{Name: "RecipientKeywords"},
				{Name: "SenderKeywords"},
				{Name: "StartDate"},
				{Name: "SubjectKeywords"},
				{Name: "ValidateOnly", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
}

func init() {
	for _, c := range mailboxDataCmdlets {
		Catalog[c.Name] = c
	}
}
