// Package emsfake is a stand-in for the Exchange Management Shell, for
// tests: a small organization that answers exdr's read script and carries
// out its cmdlets. It is never used against a real organization.
//
// Imports (exdr): internal/pwsh, providers/ems, providers/ems/cmdlets.
package emsfake
