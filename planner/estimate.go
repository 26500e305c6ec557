package planner

import (
	"time"

	"github.com/exdr/exdr/providers"
)

// Per-unit figures for real Exchange 2007 hardware, before drills have
// measured anything better; each verb's fixed part is its Estimate in
// providers.Verbs. The work is log generations replayed, or bytes.
var (
	perLogGeneration = 2 * time.Second // eseutil /r, 1 MiB generations
	repairPerGB      = 20 * time.Minute
	restorePerGB     = 10 * time.Minute // streaming restore from disk or tape
	defragPerGB      = 15 * time.Minute // eseutil /d, 4-9 GB an hour
	copyPerGB        = 2 * time.Minute  // a database file copied disk to disk, or over a LAN
)

// estimate is a step's expected duration: from the rate the provider
// measured for its verb on earlier runs when it has one, from the
// defaults otherwise. units is the step's work (bytes, or log
// generations for replays).
func (b *builder) estimate(v providers.Verb, units int64) time.Duration {
	if rate := b.live.Throughput[string(v)]; rate > 0 && units > 0 {
		return max(time.Second, time.Duration(float64(units)/rate*float64(time.Second)))
	}
	return estimate(v, units)
}

// estimate is the default for a verb and its work.
func estimate(v providers.Verb, units int64) time.Duration {
	spec, _ := providers.Spec(v)
	d := spec.Estimate
	switch v {
	case providers.VerbReplayLogs:
		d += time.Duration(units) * perLogGeneration
	case providers.VerbRepairDatabase:
		d += time.Duration(float64(repairPerGB) * float64(units) / (1 << 30))
	case providers.VerbDefragment:
		d += time.Duration(float64(defragPerGB) * float64(units) / (1 << 30))
	case providers.VerbRestoreBackup:
		d += time.Duration(float64(restorePerGB) * float64(units) / (1 << 30))
	case providers.VerbHardRecovery:
		d += time.Duration(units) * perLogGeneration
	case providers.VerbEnableCopy, providers.VerbSeedCopy, providers.VerbActivateCopy:
		d += time.Duration(float64(copyPerGB) * float64(units) / (1 << 30))
	}
	return d
}
