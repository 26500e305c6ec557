// Package executor carries out a plan: it walks the plan's graph, starts
// a step once every step it depends on has succeeded, runs independent
// steps concurrently up to a limit, skips only what depends on a failure,
// journals each step before and after it runs, and returns every failure
// together.
//
// executor imports planner, providers and org; it must never import lang
// or a provider implementation. It calls steps through a plain function,
// so it can be tested without any provider.
//
// Imports (exdr): org, planner, providers.
package executor
