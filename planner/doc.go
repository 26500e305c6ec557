// Package planner compares a desired organization (from package lang)
// with a live one (from a provider) and produces the Plan that closes the
// gap: a graph of steps in the order Exchange's recovery procedures
// require, each with its reason, its effect class, an estimate and the
// command an administrator would type. It renders plans as text, JSON,
// Markdown and DOT, and saves and loads plan files with the facts they
// were planned from.
//
// The planner holds the procedure knowledge; providers know only how to
// do one step. It never plans a step that loses data unless the
// configuration or the command line allows it, and never removes what the
// configuration does not name.
//
// planner imports org and providers; it must never import lang, executor
// or a provider implementation.
//
// Imports (exdr): internal/atomicfile, internal/english, internal/pwsh, internal/redact, org, providers, providers/ems/script.
package planner
