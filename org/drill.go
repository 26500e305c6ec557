package org

import "github.com/hashicorp/hcl/v2"

// Drill is a disaster drill a configuration declares: what to do to the
// lab before the disaster (mail, backups, time), the disaster, and what
// the recovery must achieve.
type Drill struct {
	Name     string
	Range    hcl.Range
	Before   []DrillAction
	Disaster []DrillAction
	// AllowDataLoss lets the recovery lose data, as -allow-data-loss
	// does; the report then counts what was lost.
	AllowDataLoss bool
	Expect        DrillExpect
}

// DrillAction is one thing a drill does to the lab: Kind is the block's
// label (traffic, backup, clock; lose_server, delete_database, ...), Args
// its attributes as written.
type DrillAction struct {
	Kind  string
	Range hcl.Range
	Args  map[string]string
	// ArgRanges locate each argument, for errors about its value.
	ArgRanges map[string]hcl.Range
}

// DrillExpect is what a drill passes on. Nil objectives fall back to the
// organization's.
type DrillExpect struct {
	RTO, RPO *Duration
	// ItemsBack requires every item the mailboxes held before the
	// disaster to be there after the recovery.
	ItemsBack bool
}

// DrillBefore and DrillDisasters are the action kinds and the arguments
// each takes, required ones first.
var (
	DrillBefore = map[string][]string{
		"traffic": {"mailboxes", "items", "seed"},
		"backup":  {"type", "storage_group"},
		"clock":   {"advance"},
	}
	DrillDisasters = map[string][]string{
		"lose_server":     {"server"},
		"delete_database": {"database"},
		"corrupt_page":    {"database", "page"},
		"delete_logs":     {"storage_group", "from"},
		"crash":           {"server"},
		"dismount":        {"database"},
		"corrupt_backup":  {"storage_group"},
		"disable_mailbox": {"mailbox"},
		"remove_account":  {"mailbox"},
		"clock":           {"advance"},
	}
	// DrillRequired counts each kind's required arguments.
	DrillRequired = map[string]int{
		"traffic": 0, "backup": 0, "clock": 1,
		"lose_server": 1, "delete_database": 1, "corrupt_page": 2, "delete_logs": 2, "crash": 1, "dismount": 1,
		"corrupt_backup": 1, "disable_mailbox": 1, "remove_account": 1,
	}
)
