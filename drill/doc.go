// Package drill runs a configuration's disaster drills on a copy of its
// lab: it prepares the copy (mail, backups, time), takes an inventory of
// every mailbox's items, inflicts the disaster, plans and applies the
// recovery as exdr apply would, takes the inventory again, and judges the
// result against the drill's objectives: recovery time, recovery point,
// items back. The lab the drill was pointed at is never touched.
//
// drill runs a recovery through package run, on the lab provider; only
// the CLI imports it.
//
// Imports (exdr): backend, internal/atomicfile, internal/english, internal/redact, org, planner, providers, providers/lab, run.
package drill
