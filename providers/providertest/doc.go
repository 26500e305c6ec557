// Package providertest holds what every provider is tested with: one
// conformance suite (Run) and a fake provider made of …Func fields.
//
// providertest imports org and providers; it must never import planner,
// executor or lang, so that providers stay below them.
//
// Imports (exdr): org, providers.
package providertest
