package all

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/exdr/exdr/backend/pg"

	"github.com/exdr/exdr/backend"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/ems"
	"github.com/exdr/exdr/providers/lab"
)

// opener makes a provider from its configuration; baseDir resolves
// relative paths (the configuration's directory).
type opener func(cfg org.ProviderConfig, baseDir, organization string) (providers.Provider, error)

var registry = map[string]opener{
	"lab": func(cfg org.ProviderConfig, baseDir, organization string) (providers.Provider, error) {
		return lab.New(Resolve(cfg, baseDir), organization), nil
	},
	"ems": func(cfg org.ProviderConfig, _, _ string) (providers.Provider, error) {
		return ems.New(ems.PowerShell{Path: cfg.PowerShell}, ems.Options{DomainController: cfg.DomainController}, nil), nil
	},
}

// Open returns the provider the configuration names.
func Open(cfg org.ProviderConfig, baseDir, organization string) (providers.Provider, error) {
	open, ok := registry[cfg.Type]
	if !ok {
		return nil, fmt.Errorf("no provider %q; exdr has %v", cfg.Type, Names())
	}
	return open(cfg, baseDir, organization)
}

// Backend is where the organization's lock, journal and run history are
// kept. Without a backend block: files in the lab's own directory, so
// that every configuration pointed at one lab shares its lock; for ems,
// .exdr beside the configuration. With backend "pg": the PostgreSQL
// database EXDR_PG_CONN_STR (or the block's conn_str) names, which every
// machine of a team shares; journal entries wait in those same local
// folders while it cannot be reached.
func Backend(o *org.Org, baseDir string) (backend.Backend, error) {
	local := filepath.Join(baseDir, ".exdr", o.Provider.Type)
	if o.Provider.Type == "lab" {
		local = Resolve(o.Provider, baseDir)
	}
	switch o.Backend.Type {
	case "":
		return backend.NewDir(local), nil
	case "pg":
		cs := os.Getenv(PGConnEnv)
		if cs == "" {
			cs = o.Backend.ConnStr
		}
		if cs == "" {
			return nil, fmt.Errorf("the backend \"pg\" (%s) names no database: set %s on this machine, such as postgres://exdr@db01.contoso.com/exdr (its password in PGPASSWORD or ~/.pgpass), or give conn_str, without a password, in the block",
				o.Backend.Range, PGConnEnv)
		}
		return pg.New(cs, o.Name, local), nil
	}
	return nil, fmt.Errorf("no backend %q", o.Backend.Type)
}

// PGConnEnv names the PostgreSQL database of the pg backend, with its
// password if it has one: it replaces the block's conn_str.
const PGConnEnv = "EXDR_PG_CONN_STR"

// Resolve is the provider's path, absolute or relative to baseDir.
func Resolve(cfg org.ProviderConfig, baseDir string) string {
	if cfg.Path == "" || filepath.IsAbs(cfg.Path) {
		return cfg.Path
	}
	return filepath.Join(baseDir, cfg.Path)
}

// Names lists the registered providers.
func Names() []string {
	var names []string
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
