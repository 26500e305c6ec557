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
	// Failback takes the users a recovery left on a standby back home
	// after it, as failback = true in their copy's standby block would,
	// and the report measures that too.
	Failback bool
	Expect   DrillExpect
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
	// MessagesDelivered requires every message queued on a transport
	// server before the disaster to be in its recipient's mailbox after.
	MessagesDelivered bool
	// UsersBack bounds when every database's users are back, by the
	// plan's estimates: the mounts and re-homes they wait for, not the
	// rest of the recovery (a rebuild no database waits for).
	UsersBack *Duration
}

// DrillKind is what a before or disaster block of one kind takes: its
// arguments, the first Required of them required.
type DrillKind struct {
	Args     []string
	Required int
}

// DrillBefore and DrillDisasters are the action kinds, by block label.
var (
	DrillBefore = map[string]DrillKind{
		"traffic":  {Args: []string{"mailboxes", "items", "external", "inbound", "seed"}},
		"backup":   {Args: []string{"type", "storage_group", "method"}},
		"clock":    {Args: []string{"advance"}, Required: 1},
		"dismount": {Args: []string{"database"}, Required: 1},
		// posts: count posts to every public folder of the hierarchy.
		"posts": {Args: []string{"count"}},
	}
	DrillDisasters = map[string]DrillKind{
		"lose_server":     {Args: []string{"server"}, Required: 1},
		"delete_database": {Args: []string{"database"}, Required: 1},
		"corrupt_page":    {Args: []string{"database", "page"}, Required: 2},
		"delete_logs":     {Args: []string{"storage_group", "from"}, Required: 2},
		"crash":           {Args: []string{"server"}, Required: 1},
		"dismount":        {Args: []string{"database"}, Required: 1},
		"corrupt_backup":  {Args: []string{"storage_group"}, Required: 1},
		"disable_mailbox": {Args: []string{"mailbox"}, Required: 1},
		"delete_items":    {Args: []string{"mailbox", "count"}, Required: 1},
		"remove_account":  {Args: []string{"mailbox"}, Required: 1},
		"clock":           {Args: []string{"advance"}, Required: 1},
		"fail_server":     {Args: []string{"server"}, Required: 1},
		"corrupt_queue":   {Args: []string{"server", "page"}, Required: 2},
		// inbound: mail from the Internet arriving during the outage,
		// count messages to each of the first mailboxes of each
		// database: it must be delivered after the recovery.
		"inbound": {Args: []string{"mailboxes", "count", "seed"}},
	}
)
