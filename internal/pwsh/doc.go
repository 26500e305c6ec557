// Package pwsh is exdr's one quoter for PowerShell: every value that
// reaches a line exdr shows or runs (the plan's commands, the ems
// provider's scripts, the runbook) goes through Quote or Display, so a
// name or path can never end its literal and run as a command.
//
// Imports (exdr): none.
package pwsh
