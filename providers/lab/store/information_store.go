package store

import "github.com/exdr/exdr/providers/lab/host"

// Store is the Information Store: databases, mailboxes and their items,
// retention, recovery storage groups.
type Store struct{ *host.Host }

// New returns the Information Store of the lab on h.
func New(h *host.Host) *Store { return &Store{Host: h} }

// CheckpointDepth is how many log generations a mounted database may run
// ahead of its pages before the store writes them out, as ESE's checkpoint
// depth bounds the log that crash recovery must replay.
const CheckpointDepth = 4
