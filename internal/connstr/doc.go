// Package connstr reads PostgreSQL connection strings as libpq does, for
// one purpose: to find the password in one, so that the configuration
// can refuse it and every message can leave it out. It understands both
// forms (a postgres:// URL, and key=value words with optional spaces
// around "=", quoted values and backslash escapes) and, where a string
// cannot be read either way, assumes the worst: Redact then hides
// everything after the scheme.
//
// Imports (exdr): none.
package connstr
