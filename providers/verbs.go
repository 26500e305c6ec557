package providers

import "time"

// VerbSpec is what exdr knows of a verb, declared once: the planner, the
// lab, the ems scripts and the tests iterate Verbs, so a verb without an
// estimate, a lab implementation or a script fails a test instead of
// being forgotten.
type VerbSpec struct {
	Verb Verb
	// Effect is the mildest class a step of the verb carries: a step may
	// be graver (an activation that loses log generations is data_loss),
	// never milder.
	Effect Effect
	// Needs are the step arguments every step of the verb carries.
	Needs []string
	// Estimate is its fixed duration on real Exchange 2007 hardware
	// before drills have measured better; the planner adds the per-unit
	// work (log generations, bytes) of the verbs that have one.
	Estimate time.Duration
	// Says is what it does, as an administrator would say it.
	Says string
}

// queue is the argument of a step on a transport server's queue database.
var queue = []string{"queue_server"}

// Verbs is every verb exdr plans, in the order an administrator meets
// them: servers, storage, recovery, mailboxes, recovery storage groups,
// Edge, transport, standby copies.
var Verbs = []VerbSpec{
	{VerbCreateServer, Reversible, []string{"server", "roles", "setup"}, 45 * time.Minute,
		"install a server with its roles, or rebuild a lost one with Setup /m:RecoverServer"},
	{VerbCreateStorageGroup, Reversible, []string{"server", "name", "log_folder_path", "system_folder_path"}, 5 * time.Second,
		"New-StorageGroup"},
	{VerbSetStorageGroup, Reversible, []string{"circular_logging"}, 2 * time.Second,
		"Set-StorageGroup: circular logging"},
	{VerbCreateDatabase, Reversible, []string{"storage_group", "name", "kind", "edb_file_path"}, 10 * time.Second,
		"New-MailboxDatabase or New-PublicFolderDatabase"},
	{VerbCreateEmptyDatabase, Irreversible, []string{"edb_file_path"}, 30 * time.Second,
		"an empty file for a database whose file is lost (Mount-Database -Force), the damaged one set aside"},
	{VerbMount, Reversible, nil, 15 * time.Second, "Mount-Database"},
	{VerbDismount, Downtime, nil, 10 * time.Second, "Dismount-Database"},
	{VerbSetDatabase, Reversible, []string{"kind"}, 2 * time.Second,
		"Set-MailboxDatabase or Set-PublicFolderDatabase: retention and other settings"},
	{VerbReplayLogs, Reversible, []string{"log_file_prefix"}, 10 * time.Second,
		"soft recovery: eseutil /r replays the logs"},
	{VerbRepairDatabase, DataLoss, nil, time.Minute,
		"eseutil /p: discards the pages that fail their checksums and what they hold"},
	{VerbAllowFileRestore, Reversible, []string{"value"}, 2 * time.Second,
		"Set-MailboxDatabase -AllowFileRestore"},
	{VerbRestoreBackup, Reversible, []string{"sets"}, time.Minute,
		"restore a backup chain's files with the site's backup software (the old ones set aside)"},
	{VerbHardRecovery, Reversible, []string{"restore_env_folder", "roll_forward"}, 10 * time.Second,
		"eseutil /cc: replay the restored logs, and roll forward"},
	{VerbIntegrityCheck, Reversible, nil, 5 * time.Minute, "isinteg -fix after a repair"},
	{VerbDefragment, Downtime, nil, time.Minute,
		"eseutil /d: compact into a new file (the old one set aside)"},
	{VerbPlaceDatabase, Reversible, []string{"source", "source_server", "source_edb_file_path", "edb_file_path"}, time.Minute,
		"put a moved database's file at its new path (the original stays)"},
	{VerbRehomeMailboxes, Reversible, []string{"source"}, 30 * time.Second,
		"Move-Mailbox -ConfigurationOnly to the moved database, then Active Directory replication"},
	{VerbCreateMailbox, Reversible, []string{"mailbox", "owner"}, 10 * time.Second, "Enable-Mailbox: a new, empty mailbox"},
	{VerbConnectMailbox, Reversible, []string{"mailbox", "owner"}, 10 * time.Second,
		"Connect-Mailbox: a disconnected mailbox joined to its user again"},
	{VerbCleanMailboxDB, ReadOnly, nil, 30 * time.Second,
		"Clean-MailboxDatabase: the store notices disconnected mailboxes"},
	{VerbSetMailbox, Reversible, []string{"mailbox"}, 2 * time.Second, "Set-Mailbox: per-mailbox retention"},
	{VerbCreateRecoveryGroup, Reversible, []string{"server", "name", "log_folder_path", "system_folder_path"}, 5 * time.Second,
		"New-StorageGroup -Recovery"},
	{VerbCreateRecoveryDB, Reversible, []string{"storage_group", "edb_file_path", "recovery_of"}, 10 * time.Second,
		"New-MailboxDatabase -MailboxDatabaseToRecover"},
	{VerbRestoreMailbox, ReadOnly, []string{"rsg_database", "mailbox"}, time.Minute,
		"Restore-Mailbox out of a recovery database (-ValidateOnly: the checks alone, read only)"},
	{VerbRemoveRecoveryGroup, Irreversible, nil, 30 * time.Second,
		"dismount and remove a recovery storage group; its files stay"},
	{VerbSwapDatabases, Downtime, []string{"rsg_database"}, 30 * time.Second,
		"dial tone: exchange the dial-tone and the restored files"},
	{VerbValidateEdgeConfig, ReadOnly, []string{"server", "cloned_config"}, time.Minute,
		"ImportEdgeConfig.ps1 -IsImport $false: the answer file"},
	{VerbImportEdgeConfig, Reversible, []string{"server", "cloned_config"}, 5 * time.Minute,
		"ImportEdgeConfig.ps1 -IsImport $true"},
	{VerbSubscribeEdge, Reversible, []string{"server"}, 15 * time.Minute,
		"New-EdgeSubscription on the Edge and on a hub, then EdgeSync"},
	{VerbStopTransport, Downtime, queue, 30 * time.Second, "Stop-Service MSExchangeTransport"},
	{VerbStartTransport, Reversible, queue, time.Minute,
		"Start-Service MSExchangeTransport (a new mail.que if there is none), then the queues' first delivery"},
	{VerbMoveQueueDatabase, Downtime, []string{"queue_server", "path", "logging_path"}, 2 * time.Minute,
		"EdgeTransport.exe.config's queue paths, the files moved while the service is stopped"},
	{VerbImportQueue, Downtime, []string{"queue_server", "source"}, 5 * time.Minute,
		"portability: another server's mail.que in place of the target's, soft recovery, start"},
	{VerbDrainQueue, Reversible, queue, 15 * time.Minute,
		"Get-Queue until the imported messages are delivered"},
	{VerbRestoreQueue, Downtime, queue, 2 * time.Minute,
		"the target's own mail.que back; the drained one set aside"},
	{VerbRotateQueue, Downtime, queue, 20 * time.Minute,
		"stop accepting, deliver everything, start a new mail.que (most of it waiting for the queues to empty)"},
	{VerbRetryQueue, Reversible, []string{"queue_server", "queues"}, time.Minute,
		"Retry-Queue (-Resubmit $true for Unreachable)"},
	{VerbEnableCopy, Reversible, nil, 2 * time.Minute,
		"Enable-StorageGroupCopy: an LCR or SCR copy, then its seed (by size)"},
	{VerbSeedCopy, Reversible, nil, 2 * time.Minute,
		"Update-StorageGroupCopy: seed a copy again (the old files set aside)"},
	{VerbActivateCopy, Irreversible, nil, 30 * time.Second,
		"Restore-StorageGroupCopy [-Force]: the copy in the database's place, then its files (by size)"},
	{VerbSetAsideLogs, Irreversible, []string{"from", "log_file_prefix", "log_folder_path"}, 2 * time.Minute,
		"a storage group's unreadable current log generations moved aside (by hand), so its databases mount on a new generation"},
	{VerbRemoveDatabase, Irreversible, []string{"storage_group", "edb_file_path", "server"}, time.Minute,
		"Remove-MailboxDatabase and Remove-StorageGroup of a database without users; its files set aside, not deleted"},
	{VerbMoveClusteredServer, Downtime, []string{"target", "comment"}, 2 * time.Minute,
		"Move-ClusteredMailboxServer: a scheduled move to the passive node, every log copied and replayed first"},
	{VerbSetMailboxServer, Reversible, []string{"auto_database_mount_dial"}, 5 * time.Second,
		"Set-MailboxServer -AutoDatabaseMountDial: what a CCR failover may lose and still mount"},
	{VerbNewPublicFolder, Reversible, []string{"path", "server"}, 5 * time.Second,
		"New-PublicFolder: a folder of the public folder hierarchy, its first replica on the server named"},
	{VerbSetPublicFolderReplicas, Reversible, []string{"path", "replicas"}, 5 * time.Second,
		"Set-PublicFolder -Replicas: the public folder databases that hold a folder's content"},
	{VerbUpdatePublicFolders, Reversible, []string{"server", "sources"}, 15 * time.Minute,
		"Update-PublicFolderHierarchy and Update-PublicFolder: a public folder database's hierarchy and content sent to it from the other replicas (backfill)"},
}

var specs = func() map[Verb]VerbSpec {
	m := make(map[Verb]VerbSpec, len(Verbs))
	for _, s := range Verbs {
		m[s.Verb] = s
	}
	return m
}()

// Spec is a verb's entry in Verbs.
func Spec(v Verb) (VerbSpec, bool) {
	s, ok := specs[v]
	return s, ok
}
