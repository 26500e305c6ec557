package planner

import "github.com/exdr/exdr/org"

// rollForward is org.LogHealth.RollForward: one measure of a chain for
// the planner and exdr check alike.
func rollForward(h *org.LogHealth, c *org.BackupChain) (reach uint32, gap uint32) {
	return h.RollForward(c.Covers, c.LogSignature())
}
