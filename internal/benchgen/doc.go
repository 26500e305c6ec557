// Package benchgen writes large configurations for benchmarks: an
// organization of servers × storage groups × databases, one file per
// server, as an administrator with that many would keep them. It imports
// nothing of exdr.
//
// Imports (exdr): none.
package benchgen
