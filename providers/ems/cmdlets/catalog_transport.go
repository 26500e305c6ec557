package cmdlets

// The transport and Edge Transport cmdlets exdr writes: queues, receive
// connectors, Edge subscriptions. Transcribed as catalog.go says; each
// is added to Catalog at init.
var transportCmdlets = []*Cmdlet{
	// Page seen in its zh-cn, de-de, ja-jp and ko-kr copies.
	{
		Name:     "Get-Queue",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb124904(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Filter", Params: []Param{
				{Name: "BookmarkIndex"},
				{Name: "BookmarkObject"},
				{Name: "Filter"},
				{Name: "IncludeBookmark"},
				{Name: "ResultSize"},
				{Name: "ReturnPageInfo"},
				{Name: "SearchForward"},
				{Name: "Server"},
				{Name: "SortOrder"},
			}},
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Position: 1},
				{Name: "BookmarkIndex"},
				{Name: "BookmarkObject"},
				{Name: "IncludeBookmark"},
				{Name: "ResultSize"},
				{Name: "ReturnPageInfo"},
				{Name: "SearchForward"},
				{Name: "SortOrder"},
			}},
		},
	},
	// Page seen in its it-it, ru-ru and fr-fr copies.
	{
		Name:     "Retry-Queue",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb124081(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "Confirm", Switch: true},
				{Name: "Resubmit"},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "Filter", Params: []Param{
				{Name: "Filter", Mandatory: true},
				{Name: "Confirm", Switch: true},
				{Name: "Resubmit"},
				{Name: "Server"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	{
		Name:     "Get-ReceiveConnector",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa998618(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Position: 1},
				{Name: "DomainController"},
			}},
			{Name: "Server", Params: []Param{
				{Name: "DomainController"},
				{Name: "Server"},
			}},
		},
	},
	// Page seen in its de-de and ja-jp copies, cut short after OrarEnabled; the
	// rest of the line (PermissionGroups ... TarpitInterval, WhatIf) and the
	// Instance line are from memory.
	{
		Name:     "Set-ReceiveConnector",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb125140(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Mandatory: true, Position: 1},
				{Name: "AuthMechanism"},
				{Name: "Banner"},
				{Name: "BinaryMimeEnabled"},
				{Name: "Bindings"},
				{Name: "ChunkingEnabled"},
				{Name: "Comment"},
				{Name: "Confirm", Switch: true},
				{Name: "ConnectionInactivityTimeout"},
				{Name: "ConnectionTimeout"},
				{Name: "DefaultDomain"},
				{Name: "DeliveryStatusNotificationEnabled"},
				{Name: "DomainController"},
				{Name: "DomainSecureEnabled"},
				{Name: "EightBitMimeEnabled"},
				{Name: "EnableAuthGSSAPI"},
				{Name: "Enabled"},
				{Name: "EnhancedStatusCodesEnabled"},
				{Name: "Fqdn"},
				{Name: "LongAddressesEnabled"},
				{Name: "MaxHeaderSize"},
				{Name: "MaxHopCount"},
				{Name: "MaxInboundConnection"},
				{Name: "MaxInboundConnectionPercentagePerSource"},
				{Name: "MaxInboundConnectionPerSource"},
				{Name: "MaxLocalHopCount"},
				{Name: "MaxLogonFailures"},
				{Name: "MaxMessageSize"},
				{Name: "MaxProtocolErrors"},
				{Name: "MaxRecipientsPerMessage"},
				{Name: "MessageRateLimit"},
				{Name: "Name"},
				{Name: "OrarEnabled"},
				{Name: "PermissionGroups"},
				{Name: "PipeliningEnabled"},
				{Name: "ProtocolLoggingLevel"},
				{Name: "RemoteIPRanges"},
				{Name: "RequireEHLODomain"},
				{Name: "RequireTLS"},
				{Name: "SizeEnabled"},
				{Name: "TarpitInterval"},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "Instance", Params: []Param{
				{Name: "Instance"},
				{Name: "AuthMechanism"},
				{Name: "Banner"},
				{Name: "BinaryMimeEnabled"},
				{Name: "Bindings"},
				{Name: "ChunkingEnabled"},
				{Name: "Comment"},
				{Name: "Confirm", Switch: true},
				{Name: "ConnectionInactivityTimeout"},
				{Name: "ConnectionTimeout"},
				{Name: "DefaultDomain"},
				{Name: "DeliveryStatusNotificationEnabled"},
				{Name: "DomainController"},
				{Name: "DomainSecureEnabled"},
				{Name: "EightBitMimeEnabled"},
				{Name: "EnableAuthGSSAPI"},
				{Name: "Enabled"},
				{Name: "EnhancedStatusCodesEnabled"},
				{Name: "Fqdn"},
				{Name: "LongAddressesEnabled"},
				{Name: "MaxHeaderSize"},
				{Name: "MaxHopCount"},
				{Name: "MaxInboundConnection"},
				{Name: "MaxInboundConnectionPercentagePerSource"},
				{Name: "MaxInboundConnectionPerSource"},
				{Name: "MaxLocalHopCount"},
				{Name: "MaxLogonFailures"},
				{Name: "MaxMessageSize"},
				{Name: "MaxProtocolErrors"},
				{Name: "MaxRecipientsPerMessage"},
				{Name: "MessageRateLimit"},
				{Name: "Name"},
				{Name: "OrarEnabled"},
				{Name: "PermissionGroups"},
				{Name: "PipeliningEnabled"},
				{Name: "ProtocolLoggingLevel"},
				{Name: "RemoteIPRanges"},
				{Name: "RequireEHLODomain"},
				{Name: "RequireTLS"},
				{Name: "SizeEnabled"},
				{Name: "TarpitInterval"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// Page seen at technet.microsoft.com/en-us/library/bb123800(EXCHG.80).aspx.
	// In Exchange 2007 the subscription file is named by -FileName on both the
	// Edge and the hub; -FileData (and -AccountExpiryDuration) came with
	// Exchange 2010.
	// Confirms: false. On the Edge it asks whether to delete the existing
	// configuration, but that is a -Force question, which -Confirm:$false
	// does not answer.
	{
		Name: "New-EdgeSubscription",
		Page: "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb123800(v=exchg.80)",
		Sets: []Set{
			{Name: "Default", Params: []Param{
				{Name: "FileName", Mandatory: true},
				{Name: "Confirm", Switch: true},
				{Name: "CreateInboundSendConnector"},
				{Name: "CreateInternetSendConnector"},
				{Name: "DomainController"},
				{Name: "Force", Switch: true},
				{Name: "Site"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// NOT FOUND: written from memory
	// The RTM text (unifiedpeople.ru mirror of the 2007 help, topic
	// bbf6c935-da4f-434c-b94c-4c20fd33abaa) lists -Identity and -DomainController;
	// SP1 adds Confirm and WhatIf. Confirms: a Remove- cmdlet (ConfirmImpact High).
	{
		Name:     "Remove-EdgeSubscription",
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
		Name: "Test-EdgeSynchronization",
		Page: "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa996925(v=exchg.80)",
		Sets: []Set{
			{Name: "Default", Params: []Param{
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "ExcludeRecipientTest", Switch: true},
				{Name: "MaxReportSize"},
				{Name: "MonitoringContext"},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "VerifyRecipient", Params: []Param{
				{Name: "VerifyRecipient", Mandatory: true},
				{Name: "Confirm", Switch: true},
				{Name: "DomainController"},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
}

func init() {
	for _, c := range transportCmdlets {
		Catalog[c.Name] = c
	}
}
