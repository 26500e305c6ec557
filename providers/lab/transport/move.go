package transport

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
)

// MoveQueueDatabase sets the paths in EdgeTransport.exe.config, moving
// the files there with the service stopped, as Move-TransportDatabase.ps1
// does, then starts the service. The move is put on record before the
// first rename, so one stopped at any point is finished by the next
// (and a service start refused until it is).
func (l *Pipeline) MoveQueueDatabase(server, path, logging string) error {
	if path == "" {
		return fmt.Errorf("no path given")
	}
	if logging == "" {
		logging = path
	}
	if err := l.StopTransport(server); err != nil {
		return err
	}
	q, err := l.QueueOf(server)
	if err != nil {
		return err
	}
	if q.svc.MovingTo == "" {
		if strings.EqualFold(q.svc.QueuePath, path) && strings.EqualFold(q.svc.LoggingPath, logging) {
			return l.StartTransport(server)
		}
		for _, p := range []string{path, logging} {
			if _, err := l.HostPath(q.server, p); err != nil {
				return err
			}
		}
		// Room for what moves: mail.que and its logs.
		need := int64(0)
		for _, f := range queueFiles(q) {
			if info, err := os.Stat(f); err == nil {
				need += info.Size()
			}
		}
		if err := l.EnsureFree(q.server, path, need, "the queue database's move"); err != nil {
			l.StartTransport(server)
			return err
		}
		q.svc.MovingTo, q.svc.MovingLogsTo = path, logging
		if err := l.SaveService(q.server, q.svc); err != nil {
			return err
		}
	}
	if err := l.finishMove(q.server, q.svc); err != nil {
		return err
	}
	if !strings.EqualFold(q.svc.QueuePath, path) || !strings.EqualFold(q.svc.LoggingPath, logging) {
		// The move on record went elsewhere: now this one.
		return l.MoveQueueDatabase(server, path, logging)
	}
	return l.StartTransport(server)
}

// finishMove renames every file of the queue database that is still in
// the old folders into the new ones (mail.que, the trn generations, then
// trn.chk), then makes the new folders the service's paths.
func (l *Pipeline) finishMove(server string, svc *Service) error {
	oldDB, err := l.HostPath(server, svc.QueuePath)
	if err != nil {
		return err
	}
	oldLogs, err := l.HostPath(server, svc.LoggingPath)
	if err != nil {
		return err
	}
	newDB, err := l.HostPath(server, svc.MovingTo)
	if err != nil {
		return err
	}
	newLogs, err := l.HostPath(server, svc.MovingLogsTo)
	if err != nil {
		return err
	}
	old := &ese.Stream{Dir: oldLogs, Prefix: QueuePrefix, Clock: l.Now}
	gens, err := old.Generations()
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	type rename struct{ from, toDir string }
	renames := []rename{{filepath.Join(oldDB, QueueFile), newDB}}
	for _, g := range gens {
		renames = append(renames, rename{old.LogPath(g), newLogs})
	}
	renames = append(renames, rename{old.ChkPath(), newLogs})
	for _, r := range renames {
		moved, err := moveOne(r.from, r.toDir)
		if err != nil {
			return err
		}
		if moved && TestHookAfterMove != nil {
			if err := TestHookAfterMove(); err != nil {
				return err
			}
		}
	}
	svc.QueuePath, svc.LoggingPath = svc.MovingTo, svc.MovingLogsTo
	svc.MovingTo, svc.MovingLogsTo = "", ""
	return l.SaveService(server, svc)
}

// moveOne renames a file into dir, unless it is there already (moved by
// a run that stopped). It never replaces a file: both present is an
// error naming them.
func moveOne(from, dir string) (bool, error) {
	if err := disk.RefuseLinks(filepath.Dir(dir), dir); err != nil {
		return false, err
	}
	to := filepath.Join(dir, filepath.Base(from))
	if filepath.Clean(from) == to {
		return false, nil // staying where it is: only the other folder moves
	}
	_, ferr := os.Lstat(from)
	_, terr := os.Lstat(to)
	switch {
	case errors.Is(ferr, os.ErrNotExist):
		return false, nil // moved already, or never there
	case ferr != nil:
		return false, ferr
	case terr == nil:
		return false, fmt.Errorf("both %s and %s exist: the move never replaces a file; set one aside by hand and apply again", from, to)
	}
	if err := disk.RefuseLinks(filepath.Dir(from), from); err != nil {
		return false, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	return true, os.Rename(from, to)
}
