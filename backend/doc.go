// Package backend keeps what the people recovering an organization share
// about it, apart from the organization itself: the lock that lets one run
// change it at a time, and the journal of the steps each run started and
// ended.
//
// Dir is the local backend: a lock file and a journal file in a directory
// (the lab's own directory, or .exdr beside an ems configuration).
//
// backend imports providers (for the journal's types) and nothing else of
// exdr; it must never import planner, executor, lang or a provider
// implementation.
//
// Imports (exdr): providers.
package backend
