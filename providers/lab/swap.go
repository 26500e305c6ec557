package lab

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// swapDatabases is the dial-tone swap (Database Recovery Management's
// "swap databases"): the production database (the dial-tone one) and the
// recovery database (the restored one) are dismounted, their files
// exchanged, each file renamed into its new place in the headers, and
// both mounted again. Afterwards production holds the restored history
// and the recovery group holds the dial-tone mail, to be merged back.
func (l *Lab) swapDatabases(step *providers.Step) error {
	prod, err := l.database(step.Identity)
	if err != nil {
		return err
	}
	rec, err := l.database(org.Identity(step.Args["rsg_database"]))
	if err != nil {
		return err
	}
	if err := pathElement("the database name", prod.db.Name); err != nil {
		return err
	}
	marker := filepath.Join(filepath.Dir(prod.path), "exdr-swap-"+prod.db.Name+".json")
	if b, err := os.ReadFile(marker); err == nil {
		var done struct{ Production uint64 }
		if json.Unmarshal(b, &done) == nil {
			if e, err := openEDB(prod.path, false); err == nil {
				same := e.hdr.Signature == done.Production
				e.Close()
				if same {
					return nil // swapped already
				}
			}
		}
	}
	for _, id := range []org.Identity{prod.db.identity(), rec.db.identity()} {
		if err := l.dismount(id); err != nil {
			return err
		}
	}
	tmp := prod.path + ".exdr-swapping"
	if err := os.Rename(prod.path, tmp); err != nil {
		return err
	}
	if err := os.Rename(rec.path, prod.path); err != nil {
		os.Rename(tmp, prod.path)
		return err
	}
	if err := os.Rename(tmp, rec.path); err != nil {
		return err
	}
	var restoredSig uint64
	for _, c := range []*dbContext{prod, rec} {
		e, err := openEDB(c.path, true)
		if err != nil {
			return err
		}
		if e.hdr.State != org.StateClean {
			e.Close()
			return fmt.Errorf("%s is not in clean shutdown after the swap", c.db.identity())
		}
		e.hdr.Identity, e.hdr.LogStream, e.hdr.AttachLSN = string(c.db.identity()), c.sg.Signature, 0
		if c == prod {
			restoredSig = e.hdr.Signature
		}
		err = e.writeHeader()
		e.Close()
		if err != nil {
			return err
		}
	}
	b, _ := json.Marshal(struct{ Production uint64 }{restoredSig})
	if err := writeFileAtomic(marker, b); err != nil {
		return err
	}
	for _, id := range []org.Identity{prod.db.identity(), rec.db.identity()} {
		if err := l.mount(id); err != nil {
			return err
		}
	}
	return nil
}
