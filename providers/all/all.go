package all

import (
	"fmt"
	"path/filepath"
	"sort"

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

// Backend is where the organization's lock and journal are kept: the
// lab's own directory, so that every configuration pointed at one lab
// shares its lock; for ems, .exdr beside the configuration (a shared
// backend for teams is to come).
func Backend(cfg org.ProviderConfig, baseDir string) backend.Backend {
	if cfg.Type == "lab" {
		return backend.NewDir(Resolve(cfg, baseDir))
	}
	return backend.NewDir(filepath.Join(baseDir, ".exdr", cfg.Type))
}

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
