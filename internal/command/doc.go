// Package command is exdr's command line: each command's flags, its
// printing and its exit code, and terminal detection. What a recovery
// does is decided elsewhere (lang, planner, run, drill, readiness); a
// command parses, calls and prints.
//
// command may import every exdr package; none imports it but main.
//
// Imports (exdr): backend, drill, generate, internal/atomicfile, internal/english, internal/hugeheap, internal/memlimit, internal/pwsh, internal/redact, lang, org, planner, providers, providers/all, providers/ems, providers/lab, readiness, run, runbook.
package command
