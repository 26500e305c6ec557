// Package redact replaces the values of sensitive variables in what exdr
// prints: plans in every rendering, check's findings, diagnostics.
//
// Imports (exdr): none.
package redact
