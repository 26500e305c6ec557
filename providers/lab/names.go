package lab

import (
	"fmt"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/host"
)

// checkStepNames applies pathElement to every name a step carries that the
// lab may build a path from: the parts of its identities and its server
// and object names.
func checkStepNames(step *providers.Step) error {
	ids := []org.Identity{step.Identity}
	for _, k := range []string{"source", "rsg_database", "storage_group"} {
		if v := step.Args[k]; v != "" {
			ids = append(ids, org.Identity(v))
		}
	}
	for _, id := range ids {
		if id == "" {
			continue
		}
		for _, p := range id.Parts() {
			if err := host.PathElement("the name", p); err != nil {
				return fmt.Errorf("%s: %w", id, err)
			}
		}
	}
	for _, k := range []string{"server", "name", "queue_server", "standby_machine"} {
		if v, ok := step.Args[k]; ok && v != "" {
			if err := host.PathElement(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}
