package ems

import "github.com/exdr/exdr/internal/pwsh"

// Quote makes s a PowerShell single-quoted literal; see pwsh.Quote, the
// one quoter every line exdr shows or runs goes through.
func Quote(s string) (string, error) { return pwsh.Quote(s) }

// ReadLiteral is PowerShell's reading of a single-quoted string at the
// start of src (Quote's inverse, for tests and the fake shell).
func ReadLiteral(src string) (value, rest string, ok bool) { return pwsh.ReadLiteral(src) }
