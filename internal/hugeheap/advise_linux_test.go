//go:build linux

package hugeheap

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// After Advise, what the heap allocates next lies in a mapping the kernel
// may back with huge pages: the advice reached the memory the program
// goes on to use, not only the object that carried it.
func TestAdviseCoversWhatTheHeapUsesNext(t *testing.T) {
	enabled, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || mode(string(enabled)) != "madvise" {
		t.Skipf("transparent huge pages are not in madvise mode here (%q, %v): Advise does nothing by design", enabled, err)
	}
	t.Setenv("GODEBUG", "")
	if !Advise(64 << 20) {
		t.Fatal("Advise(64 MiB) = false in madvise mode")
	}
	const n = 8 << 20
	next := make([]byte, n)
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(next)))
	// Only whole huge pages can be advised: the range's first and last
	// huge page may be left out, so 6 of the 8 MiB must be covered.
	if covered := advisedBytes(t, lo, lo+n); covered < 6<<20 {
		t.Errorf("%d KiB of the next 8 MiB allocation (%#x) lie in mappings with the hg (MADV_HUGEPAGE) flag, want at least 6144", covered>>10, lo)
	}
	runtime.KeepAlive(next)
}

func TestAdviseHonoursGODEBUG(t *testing.T) {
	t.Setenv("GODEBUG", "disablethp=1")
	if Advise(64 << 20) {
		t.Error("Advise = true with GODEBUG=disablethp=1")
	}
}

// advisedBytes is how much of [lo, hi) lies in mappings whose VmFlags in
// /proc/self/smaps carry hg.
func advisedBytes(t *testing.T, lo, hi uintptr) uintptr {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	var covered, overlap uintptr
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if a, b, ok := mappingRange(line); ok {
			overlap = 0
			if a < hi && lo < b {
				overlap = min(b, hi) - max(a, lo)
			}
			continue
		}
		if rest, ok := strings.CutPrefix(line, "VmFlags:"); ok && strings.Contains(rest+" ", " hg ") {
			covered += overlap
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return covered
}

// mappingRange reads the "lo-hi perms ..." header of an smaps entry.
func mappingRange(line string) (lo, hi uintptr, ok bool) {
	field, _, _ := strings.Cut(line, " ")
	l, h, found := strings.Cut(field, "-")
	if !found {
		return 0, 0, false
	}
	a, err1 := strconv.ParseUint(l, 16, 64)
	b, err2 := strconv.ParseUint(h, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(a), uintptr(b), true
}
