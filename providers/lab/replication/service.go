package replication

import (
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
)

// Service is the Microsoft Exchange Replication service: it keeps each
// LCR and SCR copy (Replica) seeded, copies the generations its source
// closes and replays them after the copy's lag, reports the copy's
// health, and activates it.
type Service struct {
	*host.Host
	store *store.Store
}

// New returns the replication service of the lab on h.
func New(h *host.Host, st *store.Store) *Service { return &Service{Host: h, store: st} }
