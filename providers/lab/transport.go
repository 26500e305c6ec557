package lab

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
	"github.com/exdr/exdr/providers/lab/transport"
)

// A Hub or Edge Transport server keeps its queues in one ESE database,
// mail.que, with a trn log stream and checkpoint, in the folders that
// EdgeTransport.exe.config names. The lab keeps those keys, and whether
// MSExchangeTransport runs, in the server's transport.json: local state,
// lost with the server, as the config file on C: would be.

func (l *Transport) transportPath(server string) string {
	return filepath.Join(l.ServerDir(server), "transport.json")
}

// loadTransport reads a server's transport service; nil when it has none
// (not a transport server, or lost).
func (l *Transport) loadTransport(server string) (*transport.Service, error) {
	b, err := os.ReadFile(l.transportPath(server))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t := &transport.Service{}
	if err := json.Unmarshal(b, t); err != nil {
		return nil, fmt.Errorf("%s: %w", l.transportPath(server), err)
	}
	if l.Failed(server) {
		t.Running = false // a failed machine runs nothing
	}
	return t, nil
}

// Accepting reports whether a transport server's Receive connectors
// accept mail: they are disabled while its queues drain before a new
// mail.que replaces the old one.
func (l *Transport) Accepting(server string) bool {
	t, err := l.loadTransport(server)
	return err == nil && (t == nil || !t.NotAccepting)
}

func (l *Transport) saveTransport(server string, t *transport.Service) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	l.Mu.Lock()
	defer l.Mu.Unlock()
	return disk.WriteAtomic(l.transportPath(server), append(b, '\n'))
}

// queueContext gathers what an operation on one server's queue database
// needs.
type queueContext struct {
	server  string
	svc     *transport.Service
	winPath string // QueueDatabasePath\mail.que
	path    string
	stream  *ese.Stream
}

func (q *queueContext) target() *store.EDB {
	return &store.EDB{Server: q.server, WinPath: q.winPath, Path: q.path, Stream: q.stream, Kind: transport.KindQueue, Identity: queueIdentity(q.server)}
}

func queueIdentity(server string) string { return server + `\` + transport.QueueFile }

// queue opens a server's queue database context. The trn stream's
// signature is read from mail.que's header, or from trn.chk when the
// database is unreadable.
func (l *Transport) queue(server string) (*queueContext, error) {
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
	svc, err := l.loadTransport(name)
	if err != nil {
		return nil, err
	}
	if svc == nil {
		return nil, fmt.Errorf("server %s has no transport service: it is not a Hub or Edge Transport server, or its machine is gone", name)
	}
	q := &queueContext{server: name, svc: svc, winPath: svc.QueuePath + `\` + transport.QueueFile}
	if q.path, err = l.HostPath(name, q.winPath); err != nil {
		return nil, err
	}
	dir, err := l.HostPath(name, svc.LoggingPath)
	if err != nil {
		return nil, err
	}
	if svc.MovingTo != "" {
		// A move stopped half-way: each file is read where it is now.
		if q.path, dir, err = l.movingPaths(name, svc, q.path, dir); err != nil {
			return nil, err
		}
	}
	q.stream = &ese.Stream{Dir: dir, Prefix: transport.QueuePrefix, Clock: l.Now}
	q.stream.Sig = streamSignature(q.path, q.stream)
	return q, nil
}

// movingPaths are where mail.que and the trn stream are during an
// unfinished move: in the new folders once the file (mail.que; trn.chk,
// which is moved last of the stream) has gone from the old one.
func (l *Transport) movingPaths(server string, svc *transport.Service, edb, logDir string) (string, string, error) {
	newDB, err := l.HostPath(server, svc.MovingTo)
	if err != nil {
		return "", "", err
	}
	newLogs, err := l.HostPath(server, svc.MovingLogsTo)
	if err != nil {
		return "", "", err
	}
	if _, err := os.Lstat(edb); errors.Is(err, os.ErrNotExist) {
		edb = filepath.Join(newDB, transport.QueueFile)
	}
	if _, err := os.Lstat(filepath.Join(logDir, transport.QueuePrefix+".chk")); errors.Is(err, os.ErrNotExist) {
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
func (l *Transport) createQueueDatabase(q *queueContext) error {
	if gens, err := q.stream.Generations(); err == nil && len(gens) > 0 {
		if err := ese.SetAsideStream(q.stream, l.Now()); err != nil {
			return err
		}
	} else if _, err := os.Stat(q.stream.ChkPath()); err == nil {
		if _, err := disk.MoveAside(q.stream.ChkPath(), l.Now()); err != nil {
			return err
		}
	}
	q.stream.Sig = host.NewSignature()
	if err := q.stream.Create(); err != nil {
		return err
	}
	hdr := &ese.Header{Kind: transport.KindQueue, Signature: host.NewSignature(), LogStream: q.stream.Sig,
		Created: l.Now().UnixNano(), Identity: queueIdentity(q.server)}
	// Written aside and renamed in whole: a kill mid-write must leave no
	// mail.que (the next start makes one), never a torn one, which would
	// read as a damaged queue database whose repair "loses messages".
	if _, err := os.Lstat(q.path); err == nil {
		return fmt.Errorf("%s exists already: it is never replaced", q.winPath)
	}
	tmp := q.path + ".exdr-creating"
	os.Remove(tmp) // what a killed create left
	if err := ese.CreateEDB(tmp, hdr); err != nil {
		return err
	}
	if testHookQueueCreated != nil {
		testHookQueueCreated(q.path)
	}
	return os.Rename(tmp, q.path)
}

// testHookQueueCreated, when set by a test, runs after a new mail.que
// is written and before it is renamed into place.
var testHookQueueCreated func(path string)

// installTransport gives a new Hub or Edge Transport server its service
// with the default paths and starts it, as Setup does.
func (l *Transport) installTransport(server string) error {
	if err := l.ensureTransport(server); err != nil {
		return err
	}
	if err := l.startTransport(server); err != nil {
		q, qerr := l.queue(server)
		if qerr == nil {
			if _, serr := os.Stat(q.path); serr == nil {
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
func (l *Transport) ensureTransport(server string) error {
	svc, err := l.loadTransport(server)
	if err != nil || svc != nil {
		return err
	}
	if _, err := os.Stat(l.DisksDir(server)); err != nil {
		return fmt.Errorf("server %s is down: its disks are gone", server)
	}
	return l.saveTransport(server, &transport.Service{QueuePath: org.DefaultQueuePath, LoggingPath: org.DefaultQueuePath})
}
