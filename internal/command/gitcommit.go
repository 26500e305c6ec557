package command

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// gitCommit is the commit the configuration's folder is at, with
// "-dirty" when its files have changes not committed, for the run's
// history; "" when the folder is not in git or git is not installed.
// It only reads.
func gitCommit(dir string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return ""
	}
	commit := strings.TrimSpace(string(out))
	status, err := exec.CommandContext(ctx, "git", "-C", dir, "status", "--porcelain", "--", ".").Output()
	if err == nil && len(strings.TrimSpace(string(status))) > 0 {
		commit += "-dirty"
	}
	return commit
}
