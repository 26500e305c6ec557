// Package atomicfile replaces files so that a reader, or a crash, sees the
// old content or the new, never half of one. It imports nothing of exdr.
//
// Imports (exdr): none.
package atomicfile
