package planner

import "github.com/exdr/exdr/org"

// rollForward is how far the live logs carry a restore past the chain:
// every generation after it, up to the first missing or damaged.
func rollForward(h *org.LogHealth, covers uint32) (reach uint32, gap uint32) {
	reach = covers
	if h == nil || !h.FolderExists {
		return reach, covers + 1
	}
	bad := map[uint32]bool{}
	for _, g := range append(append([]uint32{}, h.Missing...), h.Corrupt...) {
		bad[g] = true
	}
	top := h.OnDisk.High
	for _, g := range h.Missing {
		top = max(top, g) // a generation known to exist once, now gone
	}
	for g := covers + 1; g <= top; g++ {
		if g < h.OnDisk.Low || bad[g] {
			return reach, g
		}
		reach = g
	}
	return reach, 0
}
