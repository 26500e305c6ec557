// Package memlimit says how much memory this process may use: the
// machine's physical memory, or its control group's limit when a
// container sets a lower one. The command line derives the garbage
// collector's soft limit from it, so that a short command may let its
// heap grow on a large machine and still stops short of what the machine
// (or container) has.
//
// Imports (exdr): none.
package memlimit
