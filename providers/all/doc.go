// Package all is the one place where provider implementations are
// registered: explicitly, by name, with no init() side effects.
//
// all imports backend, providers, org and every implementation; only
// package main imports it.
//
// Imports (exdr): backend, backend/pg, org, providers, providers/ems, providers/lab.
package all
