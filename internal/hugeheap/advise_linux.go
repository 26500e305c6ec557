//go:build linux

package hugeheap

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Advise marks up to size bytes of address space that the Go heap will
// grow into as eligible for transparent huge pages, and reports whether
// it did. It does nothing where the kernel gives huge pages to every
// mapping already ("always") or to none ("never"), where GODEBUG sets
// disablethp=1, on a 32-bit build, or when the memory limit is too
// small to hold the range twice.
func Advise(size int) bool {
	if unsafe.Sizeof(uintptr(0)) < 8 || Disabled(os.Getenv("GODEBUG")) {
		return false
	}
	enabled, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || mode(string(enabled)) != "madvise" {
		return false
	}
	huge := hugePageSize()
	// The range counts against the soft memory limit until the heap uses
	// it; half the limit leaves the collector room.
	if limit := debug.SetMemoryLimit(-1); int64(size) > limit/2 {
		size = int(limit / 2)
	}
	if huge <= 0 || size < 2*huge {
		return false
	}
	// A fresh large allocation is mapped but not touched (the runtime
	// knows new pages are zero), so it costs address space only.
	b := make([]byte, size)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg := (start + uintptr(huge) - 1) &^ (uintptr(huge) - 1)
	end := (start + uintptr(size)) &^ (uintptr(huge) - 1)
	err = unix.Madvise(b[beg-start:end-start], unix.MADV_HUGEPAGE)
	runtime.KeepAlive(b)
	b = nil
	// Free the range now, so that the heap's next spans come from it
	// (the runtime allocates pages lowest address first).
	runtime.GC()
	return err == nil
}

// hugePageSize is the kernel's transparent huge page size: 2 MiB on
// amd64, larger on some arm64 kernels.
func hugePageSize() int {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size")
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return n
}
