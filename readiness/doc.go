// Package readiness says whether an organization could be recovered as
// its configuration declares, today: the checks an administrator runs
// between drills (exdr check). Each finding names its rule, the block it
// concerns, what is wrong and what to do; renderings are text and JSON.
//
// Where the planner says what a recovery would do, readiness says what
// would stop one meeting the objectives. It reads a desired and a live
// organization and changes neither.
//
// readiness imports org only; it must never import lang, planner,
// executor or a provider.
//
// Imports (exdr): internal/english, org.
package readiness
