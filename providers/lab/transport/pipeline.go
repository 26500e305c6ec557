package transport

import (
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
)

// Pipeline is the transport pipeline of the Hub and Edge Transport
// servers: each server's MSExchangeTransport service and its queue
// database (mail.que and its trn logs), routing between hubs, to the
// mailbox stores and out through the Edge, and the Edge's subscription.
type Pipeline struct {
	*host.Host
	store *store.Store
}

// New returns the transport pipeline of the lab on h.
func New(h *host.Host, st *store.Store) *Pipeline { return &Pipeline{Host: h, store: st} }
