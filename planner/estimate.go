package planner

import (
	"time"

	"github.com/exdr/exdr/providers"
)

// Estimates for real Exchange 2007 hardware, before drills have measured
// anything better. Per-unit figures scale with the work: log generations
// replayed, bytes repaired.
var (
	fixedEstimate = map[providers.Verb]time.Duration{
		providers.VerbCreateServer:        45 * time.Minute, // Setup /m:RecoverServer or a fresh install
		providers.VerbCreateStorageGroup:  5 * time.Second,
		providers.VerbCreateDatabase:      10 * time.Second,
		providers.VerbCreateEmptyDatabase: 30 * time.Second,
		providers.VerbMount:               15 * time.Second,
		providers.VerbDismount:            10 * time.Second,
		providers.VerbSetDatabase:         2 * time.Second,
		providers.VerbSetStorageGroup:     2 * time.Second,
		providers.VerbReplayLogs:          10 * time.Second,
		providers.VerbRepairDatabase:      time.Minute,
		providers.VerbAllowFileRestore:    2 * time.Second,
		providers.VerbRestoreBackup:       time.Minute,
		providers.VerbHardRecovery:        10 * time.Second,
		providers.VerbIntegrityCheck:      5 * time.Minute,
		providers.VerbDefragment:          time.Minute,
		providers.VerbPlaceDatabase:       time.Minute,
		providers.VerbRehomeMailboxes:     30 * time.Second, // Move-Mailbox -ConfigurationOnly, then AD replication
		providers.VerbCreateRecoveryGroup: 5 * time.Second,
		providers.VerbCreateRecoveryDB:    10 * time.Second,
		providers.VerbRestoreMailbox:      time.Minute,
		providers.VerbRemoveRecoveryGroup: 30 * time.Second,
		providers.VerbCreateMailbox:       10 * time.Second,
		providers.VerbConnectMailbox:      10 * time.Second,
		providers.VerbCleanMailboxDB:      30 * time.Second,
		providers.VerbSetMailbox:          2 * time.Second,
		providers.VerbValidateEdgeConfig:  time.Minute,
		providers.VerbImportEdgeConfig:    5 * time.Minute,
		providers.VerbSubscribeEdge:       15 * time.Minute, // the subscription file, then EdgeSync
		providers.VerbStopTransport:       30 * time.Second,
		providers.VerbStartTransport:      time.Minute, // the service, then the queues' first delivery
		providers.VerbMoveQueueDatabase:   2 * time.Minute,
		providers.VerbImportQueue:         5 * time.Minute, // copy the files, soft recovery, start
		providers.VerbDrainQueue:          15 * time.Minute,
		providers.VerbRestoreQueue:        2 * time.Minute,
		providers.VerbRotateQueue:         20 * time.Minute, // most of it waiting for the queues to empty
		providers.VerbRetryQueue:          time.Minute,
		providers.VerbEnableCopy:          2 * time.Minute, // then the seed, by size
		providers.VerbSeedCopy:            2 * time.Minute,
		providers.VerbActivateCopy:        30 * time.Second, // Restore-StorageGroupCopy, then the files, by size
		providers.VerbSetAsideLogs:        2 * time.Minute,  // by hand, on the server
	}
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
	d := fixedEstimate[v]
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
