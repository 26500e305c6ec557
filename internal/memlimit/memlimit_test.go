package memlimit

import (
	"io/fs"
	"os"
	"testing"
)

const gib = 1 << 30

func TestAvailable(t *testing.T) {
	meminfo := "MemTotal:       24731400 kB\nMemFree:        21948852 kB\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  int64
	}{
		{"physical memory alone", map[string]string{meminfoPath: meminfo}, 24731400 << 10},
		{"cgroup v2 limit lower", map[string]string{meminfoPath: meminfo, cgroup2Max: "2147483648\n"}, 2 * gib},
		{"cgroup v2 unlimited", map[string]string{meminfoPath: meminfo, cgroup2Max: "max\n"}, 24731400 << 10},
		{"cgroup v1 unlimited", map[string]string{meminfoPath: meminfo, cgroup1Max: "9223372036854771712\n"}, 24731400 << 10},
		{"cgroup v1 limit lower", map[string]string{meminfoPath: meminfo, cgroup1Max: "536870912"}, gib / 2},
		{"cgroup limit above physical memory", map[string]string{meminfoPath: meminfo, cgroup2Max: "107374182400"}, 24731400 << 10},
		{"no meminfo, cgroup limit", map[string]string{cgroup2Max: "1073741824"}, gib},
		{"nothing readable", map[string]string{}, 0},
		{"meminfo without MemTotal", map[string]string{meminfoPath: "MemFree: 10 kB\n"}, 0},
		{"meminfo in other units", map[string]string{meminfoPath: "MemTotal: 10 MB\n"}, 0},
		{"meminfo garbage", map[string]string{meminfoPath: "MemTotal: lots kB\n"}, 0},
		{"cgroup garbage", map[string]string{meminfoPath: meminfo, cgroup2Max: "-1"}, 24731400 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			read := func(path string) ([]byte, error) {
				if s, ok := tc.files[path]; ok {
					return []byte(s), nil
				}
				return nil, fs.ErrNotExist
			}
			if got := available(read); got != tc.want {
				t.Errorf("available = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestAvailableHere reads this machine's own files: wherever the tests run
// on Linux, the answer is some memory and no more than 2^50 bytes.
func TestAvailableHere(t *testing.T) {
	got := Available()
	if _, err := readMeminfo(); err != nil {
		t.Skipf("no /proc/meminfo: %v", err)
	}
	if got <= 0 || got > 1<<50 {
		t.Errorf("Available() = %d", got)
	}
}

func readMeminfo() ([]byte, error) { return os.ReadFile(meminfoPath) }
