package backup

import (
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/replication"
	"github.com/exdr/exdr/providers/lab/store"
)

// Application is the backup application (NTBackup, or Windows Server
// Backup's streaming plug-in): it takes full, incremental and
// differential sets of a storage group through the store, keeps them
// with their manifests, truncates the logs a set holds (never below what
// a copy still needs), and restores a chain for hard recovery.
type Application struct {
	*host.Host
	store  *store.Store
	copies *replication.Service
}

// New returns the backup application of the lab on h.
func New(h *host.Host, st *store.Store, copies *replication.Service) *Application {
	return &Application{Host: h, store: st, copies: copies}
}
