package cmdlets

// The entries below are transcribed from the Microsoft pages named in
// each Page: the Exchange Server 2007 (SP1-SP3) cmdlet reference, and
// the Windows PowerShell 2.0 reference for the PowerShell cmdlets. One
// Set is one syntax line of the page, in the page's order; a parameter
// shown without brackets is Mandatory, one typed <SwitchParameter> (or
// [<SwitchParameter>]) is a Switch. PowerShell's common parameters are
// not listed: Bind adds them. A parameter a page does not list is not
// here, deliberately: exdr writing it is an error, as it would be on
// the server.
//
// Exchange 2007 syntax lines do not mark positional parameters. Identity
// is given Position 1 throughout, because Exchange binds it by position
// (its later pages show it as [-Identity]); every other Exchange
// parameter must be named (Position 0), which is how exdr writes them.
//
// An entry whose page could not be found in the searchable copies of the
// documentation has Page "" and a "NOT FOUND: written from memory"
// comment; any page that was found for it (the Exchange 2007 RTM topic,
// a mirror of the 2007 help) is named in that comment.

// Catalog is every cmdlet exdr writes that Bind checks, by name.
var Catalog = map[string]*Cmdlet{
	"Get-OrganizationConfig": {
		Name: "Get-OrganizationConfig",
		Page: "https://learn.microsoft.com/zh-tw/previous-versions/office/exchange-server-2007/aa997571(v=exchg.80)",
		Sets: []Set{{Name: "Default", Params: []Param{{Name: "DomainController"}}}},
	},
	"Get-EdgeSubscription": {
		Name: "Get-EdgeSubscription",
		Page: "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb124801(v=exchg.80)",
		Sets: []Set{{Name: "Default", Params: []Param{{Name: "Identity", Position: 1}, {Name: "DomainController"}}}},
	},
	"Get-ExchangeServer": {
		Name:     "Get-ExchangeServer",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb123873(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Position: 1},
				{Name: "DomainController"},
				{Name: "Status", Switch: true},
			}},
			{Name: "Domain", Params: []Param{
				{Name: "Domain", Mandatory: true},
				{Name: "DomainController"},
				{Name: "Status", Switch: true},
			}},
		},
	},
	// Page seen in its zh-cn copy (the en-us copy was not in the searchable set).
	"Get-MailboxServer": {
		Name:     "Get-MailboxServer",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb123539(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Position: 1},
				{Name: "DomainController"},
				{Name: "Status", Switch: true},
			}},
		},
	},
	"Get-TransportServer": {
		Name:     "Get-TransportServer",
		Page:     "https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb125246(v=exchg.80)",
		Pipeline: "Identity",
		Sets: []Set{
			{Name: "Identity", Params: []Param{
				{Name: "Identity", Position: 1},
				{Name: "DomainController"},
			}},
		},
	},
}
