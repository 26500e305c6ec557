package ems

import (
	"github.com/exdr/exdr/internal/pwsh"
	"github.com/exdr/exdr/providers/ems/script"
)

// Quote makes s a PowerShell single-quoted literal; see pwsh.Quote, the
// one quoter every line exdr shows or runs goes through.
func Quote(s string) (string, error) { return pwsh.Quote(s) }

// ReadLiteral is PowerShell's reading of a single-quoted string at the
// start of src (Quote's inverse, for tests and the fake shell).
func ReadLiteral(src string) (value, rest string, ok bool) { return pwsh.ReadLiteral(src) }

// Script is what the provider does for one step; see script.Script.
type Script = script.Script

// Options shape the scripts; see script.Options.
type Options = script.Options
