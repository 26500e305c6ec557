// Package cmdlets knows what the Exchange 2007 (SP1-SP3) cmdlets exdr
// writes accept, as Microsoft documents them: each cmdlet's parameter
// sets (which parameters, which take a value, which are mandatory) and
// whether it asks for confirmation. Bind checks a command line against
// it and fails as PowerShell would ("A parameter cannot be found that
// matches parameter name ...", "Missing an argument for parameter ...",
// "Parameter set cannot be resolved ..."), so a script that would not
// run on a real Exchange server fails in tests, without one.
//
// Imports (exdr): internal/pwsh.
package cmdlets
