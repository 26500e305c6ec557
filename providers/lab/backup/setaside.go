package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/store"
)

// SetAsideLogs moves a storage group's damaged current generations (from
// Args["from"] up) into an exdr-aside folder in its log folder and starts
// the next generation, so its databases can mount again. Every database
// of the group must be offline. Once the current generation reads, there
// is nothing to do.
func (l *Application) SetAsideLogs(step *providers.Step) error {
	from64, err := strconv.ParseUint(step.Args["from"], 10, 32)
	if err != nil || from64 == 0 {
		return fmt.Errorf("set_aside_logs needs the first generation to set aside, not %q", step.Args["from"])
	}
	from := uint32(from64)
	var sg *ad.StorageGroup
	var mounted []string
	err = l.ViewDirectory(func(d *ad.Directory) error {
		if sg = d.StorageGroup(step.Identity); sg == nil {
			return fmt.Errorf("storage group %s does not exist", step.Identity)
		}
		st, err := l.store.LoadStore(sg.Server)
		if err != nil {
			return err
		}
		for _, db := range d.Databases {
			if strings.EqualFold(db.StorageGroup, string(step.Identity)) {
				if _, on := st.Mounted[store.MountKey(db.Identity())]; on {
					mounted = append(mounted, db.Name)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(mounted) > 0 {
		return fmt.Errorf("%s is mounted: its storage group's logs are set aside only with every database offline", strings.Join(mounted, ", "))
	}
	s, err := l.Stream(sg)
	if err != nil {
		return err
	}
	mu := l.StreamLock(s.Dir)
	mu.Lock()
	defer mu.Unlock()
	gens, err := s.Generations()
	if err != nil {
		return err
	}
	if len(gens) > 0 && gens[len(gens)-1] > from {
		if _, _, err := s.ReadGeneration(gens[len(gens)-1]); err == nil {
			return nil // set aside already: a new generation is current
		}
	}
	var move []string
	newest := from - 1
	for _, g := range gens {
		if g >= from {
			move = append(move, s.LogPath(g))
			newest = max(newest, g)
		}
	}
	if len(move) > 0 {
		if err := disk.MoveFiles(move, filepath.Join(s.Dir, "exdr-aside", l.Now().UTC().Format("20060102T150405.000000000Z"))); err != nil {
			return err
		}
	}
	if _, chkNewest, err := s.ReadChk(); err == nil {
		newest = max(newest, chkNewest)
	}
	next := newest + 1
	if err := s.NewGeneration(next); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return s.SetCheckpoint(next)
}
