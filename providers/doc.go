// Package providers is the vocabulary shared by the planner, the executor
// and the provider implementations: the Provider contract, the Step a plan
// is made of, the table of Verbs (each declared once with its effect, its
// arguments, its estimate and what it does) and Effect, Progress
// reporting, and the Journal a backend keeps of every step.
//
// providers imports org and nothing else of exdr; it must never import
// planner, executor or lang. Implementations live in subpackages (lab,
// ems) and are registered explicitly in package all, never from init().
//
// Imports (exdr): org.
package providers
