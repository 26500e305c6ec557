package memlimit

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// Available is the memory in bytes this process may use: the smaller of
// the machine's physical memory and its control group's limit (cgroup v2
// or v1), or 0 when neither can be read (another system, or a /proc that
// is not mounted).
func Available() int64 {
	return available(os.ReadFile)
}

// The control group files as a process sees its own group in a container
// (cgroup namespaces, and the usual v1 mounts); on a host where the
// process sits deeper in the hierarchy these are the root's, with no
// limit, and physical memory decides.
const (
	meminfoPath = "/proc/meminfo"
	cgroup2Max  = "/sys/fs/cgroup/memory.max"
	cgroup1Max  = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
)

func available(read func(string) ([]byte, error)) int64 {
	total := int64(0)
	if b, err := read(meminfoPath); err == nil {
		total = memTotal(b)
	}
	for _, path := range []string{cgroup2Max, cgroup1Max} {
		b, err := read(path)
		if err != nil {
			continue
		}
		if limit := cgroupLimit(b); limit > 0 && (total == 0 || limit < total) {
			total = limit
		}
	}
	return total
}

// memTotal reads "MemTotal:  24731400 kB" from /proc/meminfo; 0 when the
// line is missing or not a number of kB.
func memTotal(meminfo []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(meminfo))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		num, ok := strings.CutSuffix(strings.TrimSpace(rest), " kB")
		if !ok {
			return 0
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || kb <= 0 || kb > 1<<43 {
			return 0
		}
		return kb << 10
	}
	return 0
}

// cgroupLimit reads memory.max ("max" or bytes) or v1's
// memory.limit_in_bytes (bytes; an unlimited group shows a number near
// 2^63); 0 means no limit.
func cgroupLimit(b []byte) int64 {
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n >= 1<<62 {
		return 0
	}
	return n
}
