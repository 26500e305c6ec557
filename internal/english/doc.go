// Package english writes counts as a careful person does: "1 step",
// "2 steps", "3 mailboxes", "1 message is", "2 messages are". Every
// message exdr prints that counts something goes through it, so that no
// package grows its own (slightly different) rule.
//
// Imports (exdr): none.
package english
