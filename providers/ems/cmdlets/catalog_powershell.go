package cmdlets

// The Windows PowerShell 2.0 cmdlets exdr writes (remoting, services):
// their pages are the PowerShell 2.0 reference. Transcribed as
// catalog.go says; each is added to Catalog at init.
var powerShellCmdlets = []*Cmdlet{
	// The copy read was cut short in the fourth line (ConnectionURI+FilePath,
	// whose tail is taken from the ConnectionURI line's parameters); the
	// in-process, Session+ScriptBlock and ConnectionURI+ScriptBlock lines are
	// from memory. Positions are the help's: ComputerName, Session or
	// ConnectionURI first, then ScriptBlock or FilePath.
	{
		Name:     "Invoke-Command",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/dd347578(v=technet.10)",
		Pipeline: "InputObject",
		Sets: []Set{
			{Name: "ComputerName", Params: []Param{
				{Name: "ComputerName", Position: 1},
				{Name: "ScriptBlock", Mandatory: true, Position: 2},
				{Name: "ApplicationName"},
				{Name: "ArgumentList"},
				{Name: "AsJob", Switch: true},
				{Name: "Authentication"},
				{Name: "CertificateThumbprint"},
				{Name: "ConfigurationName"},
				{Name: "Credential"},
				{Name: "HideComputerName", Switch: true},
				{Name: "InputObject"},
				{Name: "JobName"},
				{Name: "Port"},
				{Name: "SessionOption"},
				{Name: "ThrottleLimit"},
				{Name: "UseSSL", Switch: true},
			}},
			{Name: "FilePathComputerName", Params: []Param{
				{Name: "ComputerName", Position: 1},
				{Name: "FilePath", Mandatory: true, Position: 2},
				{Name: "ApplicationName"},
				{Name: "ArgumentList"},
				{Name: "AsJob", Switch: true},
				{Name: "Authentication"},
				{Name: "ConfigurationName"},
				{Name: "Credential"},
				{Name: "HideComputerName", Switch: true},
				{Name: "InputObject"},
				{Name: "JobName"},
				{Name: "Port"},
				{Name: "SessionOption"},
				{Name: "ThrottleLimit"},
				{Name: "UseSSL", Switch: true},
			}},
			{Name: "FilePathSession", Params: []Param{
				{Name: "Session", Position: 1},
				{Name: "FilePath", Mandatory: true, Position: 2},
				{Name: "ArgumentList"},
				{Name: "AsJob", Switch: true},
				{Name: "HideComputerName", Switch: true},
				{Name: "InputObject"},
				{Name: "JobName"},
				{Name: "ThrottleLimit"},
			}},
			{Name: "FilePathUri", Params: []Param{
				{Name: "ConnectionURI", Position: 1},
				{Name: "FilePath", Mandatory: true, Position: 2},
				{Name: "AllowRedirection", Switch: true},
				{Name: "ArgumentList"},
				{Name: "AsJob", Switch: true},
				{Name: "Authentication"},
				{Name: "ConfigurationName"},
				{Name: "Credential"},
				{Name: "HideComputerName", Switch: true},
				{Name: "InputObject"},
				{Name: "JobName"},
				{Name: "SessionOption"},
				{Name: "ThrottleLimit"},
			}},
			{Name: "InProcess", Params: []Param{
				{Name: "ScriptBlock", Mandatory: true, Position: 1},
				{Name: "ArgumentList"},
				{Name: "InputObject"},
			}},
			{Name: "Session", Params: []Param{
				{Name: "Session", Position: 1},
				{Name: "ScriptBlock", Mandatory: true, Position: 2},
				{Name: "ArgumentList"},
				{Name: "AsJob", Switch: true},
				{Name: "HideComputerName", Switch: true},
				{Name: "InputObject"},
				{Name: "JobName"},
				{Name: "ThrottleLimit"},
			}},
			{Name: "Uri", Params: []Param{
				{Name: "ConnectionURI", Position: 1},
				{Name: "ScriptBlock", Mandatory: true, Position: 2},
				{Name: "AllowRedirection", Switch: true},
				{Name: "ArgumentList"},
				{Name: "AsJob", Switch: true},
				{Name: "Authentication"},
				{Name: "CertificateThumbprint"},
				{Name: "ConfigurationName"},
				{Name: "Credential"},
				{Name: "HideComputerName", Switch: true},
				{Name: "InputObject"},
				{Name: "JobName"},
				{Name: "SessionOption"},
				{Name: "ThrottleLimit"},
			}},
		},
	},
	// Page seen in its zh-cn, ko-kr and ja-jp copies: one syntax line.
	{
		Name: "Test-Connection",
		Page: "https://learn.microsoft.com/en-us/previous-versions/dd315259(v=technet.10)",
		Sets: []Set{
			{Name: "Default", Params: []Param{
				{Name: "ComputerName", Mandatory: true, Position: 1},
				{Name: "Source", Position: 2},
				{Name: "AsJob", Switch: true},
				{Name: "Authentication"},
				{Name: "BufferSize"},
				{Name: "Count"},
				{Name: "Credential"},
				{Name: "Delay"},
				{Name: "Impersonation"},
				{Name: "Quiet", Switch: true},
				{Name: "ThrottleLimit"},
				{Name: "TimeToLive"},
			}},
		},
	},
	// Page seen in its it-it copy.
	{
		Name:     "Start-Service",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/dd347637(v=technet.10)",
		Pipeline: "InputObject",
		Sets: []Set{
			{Name: "Default", Params: []Param{
				{Name: "Name", Mandatory: true, Position: 1},
				{Name: "Exclude"},
				{Name: "Include"},
				{Name: "PassThru", Switch: true},
				{Name: "Confirm", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "DisplayName", Params: []Param{
				{Name: "DisplayName", Mandatory: true},
				{Name: "Exclude"},
				{Name: "Include"},
				{Name: "PassThru", Switch: true},
				{Name: "Confirm", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "InputObject", Params: []Param{
				{Name: "InputObject"},
				{Name: "Exclude"},
				{Name: "Include"},
				{Name: "PassThru", Switch: true},
				{Name: "Confirm", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
	// Confirms: false; Stop-Service is ConfirmImpact Medium and does not ask.
	{
		Name:     "Stop-Service",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/dd347576(v=technet.10)",
		Pipeline: "InputObject",
		Sets: []Set{
			{Name: "Default", Params: []Param{
				{Name: "Name", Mandatory: true, Position: 1},
				{Name: "Exclude"},
				{Name: "Force", Switch: true},
				{Name: "Include"},
				{Name: "PassThru", Switch: true},
				{Name: "Confirm", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "DisplayName", Params: []Param{
				{Name: "DisplayName", Mandatory: true},
				{Name: "Exclude"},
				{Name: "Force", Switch: true},
				{Name: "Include"},
				{Name: "PassThru", Switch: true},
				{Name: "Confirm", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
			{Name: "InputObject", Params: []Param{
				{Name: "InputObject"},
				{Name: "Exclude"},
				{Name: "Force", Switch: true},
				{Name: "Include"},
				{Name: "PassThru", Switch: true},
				{Name: "Confirm", Switch: true},
				{Name: "WhatIf", Switch: true},
			}},
		},
	},
}

func init() {
	for _, c := range powerShellCmdlets {
		Catalog[c.Name] = c
	}
}
