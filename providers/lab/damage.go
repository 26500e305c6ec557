package lab

import (
	"fmt"
	"os"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/store"
)

// The operations below are what happens to a lab from outside exdr's
// plans: an administrator's hand, a power cut. They exist for drills,
// tests and the walkthrough.

// Crash stops a server's Information Store abruptly, as a power cut
// would: the store forgets what it had mounted, and every database it had
// mounted keeps a dirty header, its latest changes only in the logs.
func (l *Lab) Crash(server string) error {
	var name string
	if err := l.ViewDirectory(func(d *ad.Directory) error {
		s := d.Server(server)
		if s == nil {
			return fmt.Errorf("no server %s in the lab", server)
		}
		name = s.Name
		return nil
	}); err != nil {
		return err
	}
	if t, err := l.LoadService(name); err == nil && t != nil && t.Running {
		// MSExchangeTransport dies with the machine: mail.que keeps a
		// dirty header, its latest changes only in the trn logs.
		t.Running = false
		if err := l.SaveService(name, t); err != nil {
			return err
		}
	}
	l.Mu.Lock()
	defer l.Mu.Unlock()
	if err := os.Remove(l.StorePath(name)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// Catalog returns what a database's first page says: how often it has
// been mounted, as the pages hold it (changes still only in the logs are
// not counted).
func (l *Lab) Catalog(id org.Identity) (mounts int, err error) {
	c, err := l.Database(id)
	if err != nil {
		return 0, err
	}
	e, err := ese.OpenEDB(c.Path, false)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	cat, err := store.ReadCatalog(e)
	if err != nil {
		return 0, err
	}
	return cat.Mounts, nil
}

// DatabaseFile is the lab file that holds a database, for tests and
// drills that damage it by hand.
func (l *Lab) DatabaseFile(id org.Identity) (string, error) {
	c, err := l.Database(id)
	if err != nil {
		return "", err
	}
	return c.Path, nil
}
