package transport

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
)

// A Hub or Edge Transport server keeps its queues in one ESE database,
// mail.que, with a trn log stream and checkpoint, in the folders that
// EdgeTransport.exe.config names. The lab keeps those keys, and whether
// MSExchangeTransport runs, in the server's transport.json: local state,
// lost with the server, as the config file on C: would be.

func (l *Pipeline) ServicePath(server string) string {
	return filepath.Join(l.ServerDir(server), "transport.json")
}

// LoadService reads a server's transport service; nil when it has none
// (not a transport server, or lost).
func (l *Pipeline) LoadService(server string) (*Service, error) {
	b, err := os.ReadFile(l.ServicePath(server))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t := &Service{}
	if err := json.Unmarshal(b, t); err != nil {
		return nil, fmt.Errorf("%s: %w", l.ServicePath(server), err)
	}
	if l.Failed(server) {
		t.Running = false // a failed machine runs nothing
	}
	return t, nil
}

// Accepting reports whether a transport server's Receive connectors
// accept mail: they are disabled while its queues drain before a new
// mail.que replaces the old one.
func (l *Pipeline) Accepting(server string) bool {
	t, err := l.LoadService(server)
	return err == nil && (t == nil || !t.NotAccepting)
}

func (l *Pipeline) SaveService(server string, t *Service) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	l.Mu.Lock()
	defer l.Mu.Unlock()
	return disk.WriteAtomic(l.ServicePath(server), append(b, '\n'))
}

// Queue gathers what an operation on one server's queue database
// needs.
type Queue struct {
	server  string
	svc     *Service
	WinPath string // QueueDatabasePath\mail.que
	Path    string
	Stream  *ese.Stream
}

func (q *Queue) Target() *store.EDB {
	return &store.EDB{Server: q.server, WinPath: q.WinPath, Path: q.Path, Stream: q.Stream, Kind: KindQueue, Identity: QueueIdentity(q.server)}
}

func QueueIdentity(server string) string { return server + `\` + QueueFile }

// QueueOf opens a server's QueueOf database context. The trn stream's
// signature is read from mail.que's header, or from trn.chk when the
// database is unreadable.
func (l *Pipeline) QueueOf(server string) (*Queue, error) {
	name := ""
	l.ViewDirectory(func(d *ad.Directory) error {
		if s := d.Server(server); s != nil {
			name = s.Name
		}
		return nil
	})
	if name == "" {
		return nil, fmt.Errorf("no server %s in the lab", server)
	}
	svc, err := l.LoadService(name)
	if err != nil {
		return nil, err
	}
	if svc == nil {
		return nil, fmt.Errorf("server %s has no transport service: it is not a Hub or Edge Transport server, or its machine is gone", name)
	}
	q := &Queue{server: name, svc: svc, WinPath: svc.QueuePath + `\` + QueueFile}
	if q.Path, err = l.HostPath(name, q.WinPath); err != nil {
		return nil, err
	}
	dir, err := l.HostPath(name, svc.LoggingPath)
	if err != nil {
		return nil, err
	}
	if svc.MovingTo != "" {
		// A move stopped half-way: each file is read where it is now.
		if q.Path, dir, err = l.movingPaths(name, svc, q.Path, dir); err != nil {
			return nil, err
		}
	}
	q.Stream = &ese.Stream{Dir: dir, Prefix: QueuePrefix, Clock: l.Now}
	q.Stream.Sig = streamSignature(q.Path, q.Stream)
	return q, nil
}

// movingPaths are where mail.que and the trn stream are during an
// unfinished move: in the new folders once the file (mail.que; trn.chk,
// which is moved last of the stream) has gone from the old one.
func (l *Pipeline) movingPaths(server string, svc *Service, edb, logDir string) (string, string, error) {
	newDB, err := l.HostPath(server, svc.MovingTo)
	if err != nil {
		return "", "", err
	}
	newLogs, err := l.HostPath(server, svc.MovingLogsTo)
	if err != nil {
		return "", "", err
	}
	if _, err := os.Lstat(edb); errors.Is(err, os.ErrNotExist) {
		edb = filepath.Join(newDB, QueueFile)
	}
	if _, err := os.Lstat(filepath.Join(logDir, QueuePrefix+".chk")); errors.Is(err, os.ErrNotExist) {
		logDir = newLogs
	}
	return edb, logDir, nil
}

// streamSignature is the signature of the log stream a database file
// belongs to, from its header, or else from the checkpoint file.
func streamSignature(path string, s *ese.Stream) uint64 {
	if e, err := ese.OpenEDB(path, false); err == nil {
		defer e.Close()
		return e.Hdr.LogStream
	}
	if b, err := os.ReadFile(s.ChkPath()); err == nil && len(b) == 32 {
		return binary.LittleEndian.Uint64(b[16:])
	}
	return 0
}

// createQueueDatabase makes an empty mail.que with a new trn stream, as
// MSExchangeTransport does when it starts and finds none. Log files left
// in the folder from an earlier database are set aside first.
func (l *Pipeline) createQueueDatabase(q *Queue) error {
	if gens, err := q.Stream.Generations(); err == nil && len(gens) > 0 {
		if err := ese.SetAsideStream(q.Stream, l.Now()); err != nil {
			return err
		}
	} else if _, err := os.Stat(q.Stream.ChkPath()); err == nil {
		if _, err := disk.MoveAside(q.Stream.ChkPath(), l.Now()); err != nil {
			return err
		}
	}
	q.Stream.Sig = host.NewSignature()
	if err := q.Stream.Create(); err != nil {
		return err
	}
	hdr := &ese.Header{Kind: KindQueue, Signature: host.NewSignature(), LogStream: q.Stream.Sig,
		Created: l.Now().UnixNano(), Identity: QueueIdentity(q.server)}
	// Written aside and renamed in whole: a kill mid-write must leave no
	// mail.que (the next start makes one), never a torn one, which would
	// read as a damaged queue database whose repair "loses messages".
	if _, err := os.Lstat(q.Path); err == nil {
		return fmt.Errorf("%s exists already: it is never replaced", q.WinPath)
	}
	tmp := q.Path + ".exdr-creating"
	os.Remove(tmp) // what a killed create left
	if err := ese.CreateEDB(tmp, hdr); err != nil {
		return err
	}
	if TestHookQueueCreated != nil {
		TestHookQueueCreated(q.Path)
	}
	return os.Rename(tmp, q.Path)
}

// TestHookQueueCreated, when set by a test, runs after a new mail.que
// is written and before it is renamed into place.
var TestHookQueueCreated func(path string)

// InstallTransport gives a new Hub or Edge Transport server its service
// with the default paths and starts it, as Setup does.
func (l *Pipeline) InstallTransport(server string) error {
	if err := l.ensureTransport(server); err != nil {
		return err
	}
	if err := l.StartTransport(server); err != nil {
		q, qerr := l.QueueOf(server)
		if qerr == nil {
			if _, serr := os.Stat(q.Path); serr == nil {
				// A surviving mail.que that cannot be attached as it is
				// keeps the service stopped; the queue database's own
				// recovery follows.
				return nil
			}
		}
		return err
	}
	return nil
}

// ensureTransport gives a transport server whose machine has none (a lab
// built before exdr simulated transport) the service at the default
// paths, stopped.
func (l *Pipeline) ensureTransport(server string) error {
	svc, err := l.LoadService(server)
	if err != nil || svc != nil {
		return err
	}
	if _, err := os.Stat(l.DisksDir(server)); err != nil {
		return fmt.Errorf("server %s is down: its disks are gone", server)
	}
	return l.SaveService(server, &Service{QueuePath: org.DefaultQueuePath, LoggingPath: org.DefaultQueuePath})
}
