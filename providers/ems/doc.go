// Package ems is exdr's provider for a real Exchange 2007 organization,
// through the Exchange Management Shell: it reads with Get-* cmdlets
// (and eseutil /mh on each database file), exported as CliXML because
// PowerShell 1.0 has no JSON, and applies each step as the script
// package writes it: a script of cmdlets, or, where no cmdlet does the
// work, instructions for a person, asked for on a terminal.
//
// Each script runs whole in its own powershell.exe: a short loader is
// the -EncodedCommand, the script base64 on stdin (invoke.go says why
// not -Command -).
//
// Tools that must run on an Exchange server (eseutil, file moves,
// MSExchangeTransport) go through PowerShell 2.0 remoting
// (Invoke-Command), which Exchange 2007 SP2 and later run on.
//
// Imports (exdr): internal/pwsh, org, providers, providers/ems/clixml, providers/ems/script.
package ems
