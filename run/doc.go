// Package run owns one run of a recovery, the same for exdr apply and
// exdr drill: take the organization's lock, report an earlier run the
// journal shows was interrupted, read the live organization, plan, ask
// for consent, execute with the journal, read again and check the result,
// and release the lock on every way out. Interrupts (Ctrl-C, SIGTERM)
// are handled here too: before any step runs one cancels the run; while
// steps run the first stops new steps from starting and the second
// cancels the running ones.
//
// run imports backend, executor, planner, providers and org. It prints
// nothing itself except through the UI its caller gives it and the
// summary writers; it must never import lang, a provider implementation
// or package main's commands.
//
// Imports (exdr): backend, executor, internal/english, org, planner, providers.
package run
