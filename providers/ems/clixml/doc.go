// Package clixml decodes what PowerShell's Export-Clixml writes: the
// objects a script returns, with their type names, properties and member
// sets, back-references (RefId) resolved. PowerShell 1.0, which Exchange
// 2007's shell runs on, has no JSON; CliXML is how its objects leave it.
//
// Only decoding: exdr never writes CliXML.
//
// Imports (exdr): none.
package clixml
