package hugeheap

import (
	"strconv"
	"strings"
)

// Size is how much of the heap Advise covers: a plan at 10,000 databases
// peaks near 100 MB with its configuration cached and near 300 MB while
// parsing it, and one at 100,000 near 800 MB. Pages beyond it are
// ordinary ones.
const Size = 512 << 20

// Disabled reports whether GODEBUG turns huge pages off for the heap
// (disablethp set to a number other than 0), read as the runtime reads it
// at start: settings left to right, a later one overwriting an earlier.
func Disabled(godebug string) bool {
	off := false
	for _, field := range strings.Split(godebug, ",") {
		if name, value, ok := strings.Cut(field, "="); ok && name == "disablethp" {
			if n, err := strconv.Atoi(value); err == nil {
				off = n != 0
			}
		}
	}
	return off
}

// mode is the bracketed word of the kernel's
// /sys/kernel/mm/transparent_hugepage/enabled ("always [madvise] never").
func mode(enabled string) string {
	if i := strings.IndexByte(enabled, '['); i >= 0 {
		if j := strings.IndexByte(enabled[i:], ']'); j > 0 {
			return enabled[i+1 : i+j]
		}
	}
	return ""
}
