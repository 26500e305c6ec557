package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
)

// swapRecord is what a dial-tone swap writes beside the production file
// before it moves anything: which file (by its database signature) ends
// where. A kill at any point leaves the record, and the files under the
// two paths and the swap's own name; the next swap finishes from there,
// and Read reports the swap as under way so that nothing else is done to
// either database first. The record goes once both are mounted.
type swapRecord struct {
	RecoveryDatabase string `json:"recovery_database"`
	Production       uint64 `json:"production"` // the restored file's signature
	Recovery         uint64 `json:"recovery"`   // the dial-tone file's signature
}

// SwapRecordPath is where a swap of the database at prodPath keeps its
// record.
func SwapRecordPath(prodPath, name string) string {
	return filepath.Join(filepath.Dir(prodPath), "exdr-swap-"+name+".json")
}

// readSwapRecord reads a swap record; a record of the earlier format
// (written after a finished swap, with no recovery database) is no swap
// under way.
func readSwapRecord(path string) (*swapRecord, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r swapRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s cannot be read (%v): it records a dial-tone swap under way; see which file is where with eseutil /mh, then move the record aside", filepath.Base(path), err)
	}
	if r.RecoveryDatabase == "" {
		return nil, os.ErrNotExist
	}
	return &r, nil
}

// PendingSwap reports the dial-tone swap under way for the database
// whose file is at path, from its record.
func PendingSwap(path, name string) (*org.PendingSwap, error) {
	if host.PathElement("", name) != nil {
		return nil, nil
	}
	r, err := readSwapRecord(SwapRecordPath(path, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &org.PendingSwap{RecoveryDatabase: org.Identity(r.RecoveryDatabase)}, nil
}

// SwapDatabases is the dial-tone swap (Database Recovery Management's
// "swap databases"): the production database (the dial-tone one) and the
// recovery database (the restored one) are dismounted, their files
// exchanged, each file renamed into its new place in the headers, and
// both mounted again. Afterwards production holds the restored history
// and the recovery group holds the dial-tone mail, to be merged back.
func (l *Store) SwapDatabases(step *providers.Step) error {
	prod, err := l.Database(step.Identity)
	if err != nil {
		return err
	}
	rec, err := l.Database(org.Identity(step.Args["rsg_database"]))
	if err != nil {
		return err
	}
	if err := host.PathElement("the database name", prod.DB.Name); err != nil {
		return err
	}
	recordPath := SwapRecordPath(prod.Path, prod.DB.Name)
	_, recorded := os.Stat(recordPath)
	for _, id := range []org.Identity{prod.DB.Identity(), rec.DB.Identity()} {
		err := l.Dismount(id)
		if err != nil && recorded == nil && errors.Is(err, ErrDirtyNotMounted) {
			// A swap stopped inside its last mounts: that mount's attach
			// was cut short. Soft recovery, as the store would do, then on.
			err = l.ReplayLogs(context.Background(), id, nil)
		}
		if err != nil {
			return err
		}
	}
	r, err := readSwapRecord(recordPath)
	if errors.Is(err, os.ErrNotExist) {
		r, err = l.beginSwap(prod, rec, recordPath)
	}
	if err != nil {
		return err
	}
	if err := finishRenames(prod.Path, rec.Path, prod.Path+".exdr-swapping", filepath.Base(recordPath), r); err != nil {
		return err
	}
	for _, c := range []*DB{prod, rec} {
		e, err := ese.OpenEDB(c.Path, true)
		if err != nil {
			return err
		}
		if e.Hdr.State != org.StateClean {
			e.Close()
			return fmt.Errorf("%s is not in clean shutdown after the swap", c.DB.Identity())
		}
		e.Hdr.Identity, e.Hdr.LogStream, e.Hdr.AttachLSN = string(c.DB.Identity()), c.SG.Signature, 0
		err = e.WriteHeader()
		if err == nil {
			err = e.Handle.Sync()
		}
		e.Close()
		if err != nil {
			return err
		}
	}
	for _, id := range []org.Identity{prod.DB.Identity(), rec.DB.Identity()} {
		if err := l.Mount(id); err != nil {
			return err
		}
	}
	return os.Remove(recordPath)
}

// beginSwap checks both files are ready to swap and records the swap.
func (l *Store) beginSwap(prod, rec *DB, recordPath string) (*swapRecord, error) {
	sig := func(c *DB, what string) (uint64, error) {
		e, err := ese.OpenEDB(c.Path, false)
		if err != nil {
			return 0, fmt.Errorf("%s (%s) cannot be swapped: %w", c.DB.Identity(), what, err)
		}
		defer e.Close()
		if e.Hdr.State != org.StateClean {
			return 0, fmt.Errorf("%s (%s) is not in clean shutdown: it cannot be swapped", c.DB.Identity(), what)
		}
		return e.Hdr.Signature, nil
	}
	dialTone, err := sig(prod, "the dial-tone database")
	if err != nil {
		return nil, err
	}
	restored, err := sig(rec, "the restored database")
	if err != nil {
		return nil, err
	}
	r := &swapRecord{RecoveryDatabase: string(rec.DB.Identity()), Production: restored, Recovery: dialTone}
	b, _ := json.Marshal(r)
	return r, disk.WriteAtomic(recordPath, b)
}

// finishRenames moves the two files to their places by renames, from
// wherever an earlier, interrupted swap left them: the dial-tone file
// goes from prodPath to tmp, the restored one from recPath to prodPath,
// then the dial-tone one from tmp to recPath. Each file is found by its
// signature, so a kill between any two renames is finished here.
func finishRenames(prodPath, recPath, tmp, record string, r *swapRecord) error {
	at := signatureAt
	for range 4 {
		p, q, t := at(prodPath), at(recPath), at(tmp)
		switch {
		case p == r.Production && q == r.Recovery:
			return nil
		case p == r.Recovery && q == r.Production && t == 0:
			if err := os.Rename(prodPath, tmp); err != nil {
				return err
			}
		case p == 0 && t == r.Recovery && q == r.Production:
			if err := os.Rename(recPath, prodPath); err != nil {
				return err
			}
		case p == r.Production && t == r.Recovery && q == 0:
			if err := os.Rename(tmp, recPath); err != nil {
				return err
			}
		default:
			return fmt.Errorf("the dial-tone swap cannot go on: neither %s, %s nor %s holds the files it recorded (%s); find the restored and the dial-tone file with eseutil /mh",
				prodPath, recPath, tmp, record)
		}
	}
	return fmt.Errorf("the dial-tone swap did not settle")
}

// signatureAt is the database signature of the file at path; 0 when
// there is none, or none readable.
func signatureAt(path string) uint64 {
	e, err := ese.OpenEDB(path, false)
	if err != nil {
		return 0
	}
	defer e.Close()
	return e.Hdr.Signature
}
