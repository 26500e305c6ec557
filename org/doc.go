// Package org is the domain model of an Exchange Server 2007 organization as
// exdr sees it: servers and their roles, storage groups, mailbox and public
// folder databases, recovery storage groups, mailboxes and transport queue
// databases, with their Exchange identities and their config addresses.
//
// The same types describe both the desired organization (decoded from HCL by
// package lang) and the live one (read by a provider), so the planner can
// compare them field by field.
//
// org is plain data and pure functions: no I/O, no goroutines. It must never
// import another exdr package; every other package may import it.
//
// Imports (exdr): none.
package org
