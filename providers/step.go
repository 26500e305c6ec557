package providers

import (
	"fmt"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
)

// Verb is one primitive operation on one resource, named as an
// administrator would say it. Verbs lists each with what it does, its
// effect, its arguments and its estimate.
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
	VerbRemoveDatabase      Verb = "remove_database"
	VerbMoveClusteredServer Verb = "move_clustered_server"
	VerbSetMailboxServer    Verb = "set_mailbox_server"
	// Public folders: a folder created, a folder's replica list set, and
	// a public folder database's hierarchy and content brought from the
	// other replicas (backfill).
	VerbNewPublicFolder         Verb = "new_public_folder"
	VerbSetPublicFolderReplicas Verb = "set_public_folder_replicas"
	VerbUpdatePublicFolders     Verb = "update_public_folders"
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
	// Owed marks a step whose need the organization stops showing once a
	// run is cut short before it: a purged mailbox's merge, once the
	// empty mailbox is made. The apply journals it as planned before any
	// step runs, and each plan plans it again until the journal says it
	// is done (planner.Options.Owed).
	Owed bool `json:"owed,omitempty"`
}

// StepID makes a step's ID from its resource address and verb.
func StepID(address string, v Verb) string { return address + ":" + string(v) }

// mergeFilterArgs are Restore-Mailbox's filters, as a restore_mailbox
// step's arguments.
var mergeFilterArgs = []string{"start_date", "end_date", "subject_keywords", "sender_keywords", "content_keywords",
	"recipient_keywords", "attachment_filenames", "include_folders", "exclude_folders"}

// MergeFilter is a restore_mailbox step's filters as one string, the
// same for the same filters: a merge's record keeps it, so a merge whose
// filters changed is done again. Without it, a filter widened to bring
// back every item planned nothing (adversarial review).
func MergeFilter(args map[string]string) string {
	var b strings.Builder
	for _, k := range mergeFilterArgs {
		if v := args[k]; v != "" {
			fmt.Fprintf(&b, "%s=%q;", k, v)
		}
	}
	return b.String()
}

// JoinList and SplitList carry a list in one step argument, one value a
// line: no Exchange name or path holds a line break, while commas and
// semicolons are common in them.
func JoinList(values []string) string { return strings.Join(values, "\n") }

func SplitList(arg string) []string {
	if arg == "" {
		return nil
	}
	return strings.Split(arg, "\n")
}
