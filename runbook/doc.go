// Package runbook writes a plan as a break-glass runbook: numbered steps
// in Markdown, each with its reason, what to run (the ems provider's
// script, or what a person does) and how to verify it, then one
// PowerShell script that performs the steps in order and stops at the
// first error. It is what a recovery team follows when the machine that
// runs exdr is itself lost.
//
// Imports (exdr): internal/pwsh, planner, providers, providers/ems/script.
package runbook
