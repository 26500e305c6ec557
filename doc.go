// Command exdr is disaster recovery as code for Microsoft Exchange Server
// 2007: HCL files declare the state an organization must be in after a
// recovery, and exdr checks, plans and carries out the way back.
//
// Package main only starts the command line (internal/command).
//
// Imports (exdr): internal/command.
package main
