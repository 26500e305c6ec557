// Package disk is how the lab touches its own files: opened without
// following a symbolic link planted in their place (LinkError), and
// written whole, beside the old and renamed over it. A link inside the
// lab could lead a mount, a replay or a restore to write outside it.
//
// Imports (exdr): internal/atomicfile.
package disk
