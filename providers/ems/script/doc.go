// Package script turns a plan's step into PowerShell for the Exchange
// Management Shell: the one renderer of every command exdr shows or runs
// for a step. For writes the script the ems provider runs (or, where no
// cmdlet does the work, what a person does, with a script to help);
// Show writes the line a plan shows for the step. One function per verb
// writes both, from the step's arguments, through the one quoter
// (internal/pwsh), so what is reviewed is what runs.
//
// It does no I/O: a step in, text out. The planner imports it for the
// plan's lines, the ems provider and the runbook for the scripts.
//
// Imports (exdr): internal/pwsh, org, providers.
package script
