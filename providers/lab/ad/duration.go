package ad

import (
	"time"

	"github.com/exdr/exdr/org"
)

func DurationOr(s string, def time.Duration) time.Duration {
	if d, err := org.ParseDuration(s); err == nil {
		return time.Duration(d)
	}
	return def
}
