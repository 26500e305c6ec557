package lab

import (
	"fmt"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// pathElement refuses a name the lab makes one element of a path (a
// server's folder, a database's restore folder) when it is not one:
// empty, "." or "..", or holding a separator. A directory edited by hand,
// or a plan file changed after it was saved, must not lead a file
// operation out of its folder.
func pathElement(what, name string) error {
	if name == "" || strings.Trim(name, ".") == "" || strings.ContainsAny(name, `/\`) || strings.ContainsRune(name, 0) {
		return fmt.Errorf("%s %q cannot be a folder or file name: the lab refuses it", what, name)
	}
	return nil
}

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
			if err := pathElement("the name", p); err != nil {
				return fmt.Errorf("%s: %w", id, err)
			}
		}
	}
	for _, k := range []string{"server", "name", "queue_server", "standby_machine"} {
		if v, ok := step.Args[k]; ok && v != "" {
			if err := pathElement(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}
