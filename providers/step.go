package providers

import (
	"fmt"
	"time"

	"github.com/exdr/exdr/org"
)

// Verb is one primitive operation on one resource, named as an
// administrator would say it.
//
//	create_server          install a server with its roles (lab: bring it up)
//	create_storage_group   New-StorageGroup
//	create_database        New-MailboxDatabase / New-PublicFolderDatabase
//	create_empty_database  an empty file for a database whose file is lost
//	mount                  Mount-Database
//	dismount               Dismount-Database
//	set_database           Set-MailboxDatabase: retention and other settings
//	set_storage_group      Set-StorageGroup: circular logging
//	replay_logs            soft recovery: eseutil /r replays the logs
//	repair_database        eseutil /p: discards pages that fail checksums
//	allow_file_restore     Set-MailboxDatabase -AllowFileRestore
//	restore_backup         restore a backup chain's files (old ones set aside)
//	hard_recovery          eseutil /cc: replay the restored logs, roll forward
//	integrity_check        isinteg -fix after a repair
//	defragment             eseutil /d: compact into a new file (old one set aside)
//	place_database         put a moved database's files at its new path
//	rehome_mailboxes       Move-Mailbox -ConfigurationOnly to the moved database
//	create_mailbox         Enable-Mailbox: a new, empty mailbox
//	connect_mailbox        Connect-Mailbox: a disconnected mailbox joined again
//	clean_mailbox_database Clean-MailboxDatabase: the store notices disconnections
//	set_mailbox            Set-Mailbox: per-mailbox retention
//	create_recovery_storage_group   New-StorageGroup -Recovery
//	create_recovery_database        New-MailboxDatabase -MailboxDatabaseToRecover
//	restore_mailbox                 Restore-Mailbox out of a recovery database
//	remove_recovery_storage_group   dismount and remove it; its files set aside
//	swap_databases                  dial tone: exchange the dial-tone and restored files
//	validate_edge_config            ImportEdgeConfig.ps1 -IsImport $false: the answer file
//	import_edge_config              ImportEdgeConfig.ps1 -IsImport $true
//	subscribe_edge                  Remove- and New-EdgeSubscription
//	stop_transport                  Stop-Service MSExchangeTransport
//	start_transport                 Start-Service MSExchangeTransport (a new mail.que if none)
//	move_queue_database             EdgeTransport.exe.config paths; files moved while stopped
//	import_queue_database           portability: another server's mail.que in place of the target's
//	drain_queue                     Get-Queue until the imported messages are delivered
//	restore_queue_database          the target's own mail.que back; the drained one set aside
//	rotate_queue_database           stop accepting, deliver all, start a new mail.que
//	retry_queue                     Retry-Queue (-Resubmit $true for Unreachable)
//	enable_copy                     Enable-StorageGroupCopy: an LCR or SCR copy, seeded
//	seed_copy                       Update-StorageGroupCopy: seed a copy again (old files set aside)
//	activate_copy                   Restore-StorageGroupCopy [-Force]: the copy in the database's place
//	set_aside_logs                  a storage group's unreadable current log generations moved aside,
//	                                so its databases mount on a new generation
//
// replay_logs, repair_database and defragment also apply to a queue
// database: such steps carry the queue's server in Args["queue_server"].
type Verb string

const (
	VerbCreateServer        Verb = "create_server"
	VerbCreateStorageGroup  Verb = "create_storage_group"
	VerbCreateDatabase      Verb = "create_database"
	VerbCreateEmptyDatabase Verb = "create_empty_database"
	VerbMount               Verb = "mount"
	VerbDismount            Verb = "dismount"
	VerbSetDatabase         Verb = "set_database"
	VerbSetStorageGroup     Verb = "set_storage_group"
	VerbReplayLogs          Verb = "replay_logs"
	VerbRepairDatabase      Verb = "repair_database"
	VerbAllowFileRestore    Verb = "allow_file_restore"
	VerbRestoreBackup       Verb = "restore_backup"
	VerbHardRecovery        Verb = "hard_recovery"
	VerbIntegrityCheck      Verb = "integrity_check"
	VerbDefragment          Verb = "defragment"
	VerbPlaceDatabase       Verb = "place_database"
	VerbRehomeMailboxes     Verb = "rehome_mailboxes"
	VerbCreateMailbox       Verb = "create_mailbox"
	VerbConnectMailbox      Verb = "connect_mailbox"
	VerbCleanMailboxDB      Verb = "clean_mailbox_database"
	VerbSetMailbox          Verb = "set_mailbox"
	VerbCreateRecoveryGroup Verb = "create_recovery_storage_group"
	VerbCreateRecoveryDB    Verb = "create_recovery_database"
	VerbRestoreMailbox      Verb = "restore_mailbox"
	VerbRemoveRecoveryGroup Verb = "remove_recovery_storage_group"
	VerbSwapDatabases       Verb = "swap_databases"
	VerbValidateEdgeConfig  Verb = "validate_edge_config"
	VerbImportEdgeConfig    Verb = "import_edge_config"
	VerbSubscribeEdge       Verb = "subscribe_edge"
	VerbStopTransport       Verb = "stop_transport"
	VerbStartTransport      Verb = "start_transport"
	VerbMoveQueueDatabase   Verb = "move_queue_database"
	VerbImportQueue         Verb = "import_queue_database"
	VerbDrainQueue          Verb = "drain_queue"
	VerbRestoreQueue        Verb = "restore_queue_database"
	VerbRotateQueue         Verb = "rotate_queue_database"
	VerbRetryQueue          Verb = "retry_queue"
	VerbEnableCopy          Verb = "enable_copy"
	VerbSeedCopy            Verb = "seed_copy"
	VerbActivateCopy        Verb = "activate_copy"
	VerbSetAsideLogs        Verb = "set_aside_logs"
)

// Effect classes a step by what it risks, from mild to grave.
//
//	read_only     inspects or verifies; changes nothing
//	reversible    can be undone: create, mount, set a value, replay logs
//	downtime      takes something out of service: dismount, stop transport
//	irreversible  cannot be undone, but keeps the old files aside
//	data_loss     loses data: repair that discards pages, an empty database
//	              in place of lost data
type Effect uint8

const (
	ReadOnly Effect = iota + 1
	Reversible
	Downtime
	Irreversible
	DataLoss
)

// Effects lists the classes from mild to grave.
var Effects = []Effect{ReadOnly, Reversible, Downtime, Irreversible, DataLoss}

func (e Effect) String() string {
	switch e {
	case ReadOnly:
		return "read_only"
	case Reversible:
		return "reversible"
	case Downtime:
		return "downtime"
	case Irreversible:
		return "irreversible"
	case DataLoss:
		return "data_loss"
	}
	return fmt.Sprintf("Effect(%d)", uint8(e))
}

// ParseEffect is the inverse of String.
func ParseEffect(s string) (Effect, bool) {
	for _, e := range Effects {
		if e.String() == s {
			return e, true
		}
	}
	return 0, false
}

func (e Effect) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

func (e *Effect) UnmarshalText(b []byte) error {
	v, ok := ParseEffect(string(b))
	if !ok {
		return fmt.Errorf("unknown effect %q", b)
	}
	*e = v
	return nil
}

// Step is one operation of a plan.
type Step struct {
	// ID is unique in its plan: the resource address and the verb.
	ID       string       `json:"id"`
	Verb     Verb         `json:"verb"`
	Address  string       `json:"address"`  // the configuration's name for the resource
	Identity org.Identity `json:"identity"` // Exchange's
	// Args are the verb's inputs, by the snake_case name of the Exchange
	// parameter they feed (server, storage_group, edb_file_path, ...).
	Args      map[string]string `json:"args,omitempty"`
	Reason    string            `json:"reason"`
	Effect    Effect            `json:"effect"`
	DependsOn []string          `json:"depends_on,omitempty"` // IDs of steps that must succeed first
	Estimate  time.Duration     `json:"estimate_ns"`
	// Command is what an administrator would type to do the step by hand.
	Command string `json:"command"`
	// Loss describes what a data_loss step loses, where it can be counted.
	Loss string `json:"loss,omitempty"`
	// Consent says what allows a data_loss step: the configuration's
	// allow_data_loss (and where), or -allow-data-loss. The planner
	// plans no data_loss step without it.
	Consent string `json:"consent,omitempty"`
}

// StepID makes a step's ID from its resource address and verb.
func StepID(address string, v Verb) string { return address + ":" + string(v) }
