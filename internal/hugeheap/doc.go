// Package hugeheap asks Linux to back the Go heap of a short-lived
// command with 2 MiB pages instead of 4 KiB ones.
//
// Why: on the machine exdr is benchmarked on, a plan at 10,000 databases
// faulted in about 20,000 fresh 4 KiB pages of heap, and the kernel's
// fault path (a virtual machine's, where each fault also costs the host)
// was a fifth of the plan's CPU. Go maps its heap with ordinary pages and
// asks for huge ones only for its own metadata; where the kernel's
// transparent huge pages are set to "madvise", as on most distributions,
// the heap gets them only if someone asks. Advise asks, once, for a range
// the heap then grows into. Measured on the benchmark's 10k organization,
// GODEBUG=disablethp=1 against the default, same binary, interleaved
// (perf stat -r 5, three rounds): a cached plan 0.49-0.50 s -> 0.35-0.36 s
// wall, 19,800 faults -> 2,100-2,600; a parsed plan 1.23 s -> 0.72 s; a
// parsed validate 0.81 s -> 0.46 s.
//
// The range is an allocation freed at once, so the advice is the only
// thing left of it: untouched pages cost no memory, and the advice
// outlives the object because it belongs to the mapping. Huge pages cost
// memory only where the heap is sparse: the cached plan's peak RSS was
// 96-102 MB without them and 102-108 MB with them. GODEBUG=disablethp=1, Go's own switch for
// huge pages on the heap, turns it off.
//
// Imports (exdr): none.
package hugeheap
