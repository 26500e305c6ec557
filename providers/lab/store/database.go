package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
)

// DB gathers what an operation on one database needs.
type DB struct {
	DB     *ad.Database
	SG     *ad.StorageGroup
	Server string
	Path   string
	Stream *ese.Stream
}

// EDB is a database file as the offline tools (eseutil) see it:
// where it is, the log stream it belongs to, and what it is.
type EDB struct {
	Server   string
	WinPath  string // as the administrator names it
	Path     string // on the host
	Stream   *ese.Stream
	Kind     org.DatabaseKind
	Identity string
}

func (c *DB) target() *EDB {
	kind := org.MailboxDB
	if c.DB.Kind == "public_folder" {
		kind = org.PublicFolderDB
	}
	return &EDB{Server: c.Server, WinPath: c.DB.EdbFilePath, Path: c.Path, Stream: c.Stream, Kind: kind, Identity: string(c.DB.Identity())}
}

func (l *Store) Database(id org.Identity) (*DB, error) {
	c, err := l.databaseFiles(id)
	if err != nil {
		return nil, err
	}
	if l.Failed(c.Server) {
		return nil, fmt.Errorf("server %s has failed: its disks survive, but nothing on it runs until it is rebuilt", c.Server)
	}
	return c, nil
}

// databaseFiles is database for reading the files alone, as eseutil /mh
// reads them from the disks of a failed machine.
func (l *Store) databaseFiles(id org.Identity) (*DB, error) {
	c := &DB{}
	err := l.ViewDirectory(func(d *ad.Directory) error {
		c.DB = d.Database(id)
		if c.DB == nil {
			return fmt.Errorf("database does not exist")
		}
		c.SG = d.StorageGroup(org.Identity(c.DB.StorageGroup))
		if c.SG == nil {
			return fmt.Errorf("its storage group %s does not exist", c.DB.StorageGroup)
		}
		c.Server = c.SG.Server
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(l.DisksDir(c.Server)); err != nil {
		return nil, &ServerDownError{Server: c.Server, Node: l.NodeOf(c.Server)}
	}
	if c.Path, err = l.HostPath(c.Server, c.DB.EdbFilePath); err != nil {
		return nil, err
	}
	if c.Stream, err = l.Stream(c.SG); err != nil {
		return nil, err
	}
	return c, nil
}

// CreateDatabase adds the database to the directory if it is not there,
// then makes its file if there is none. A file that exists is kept: if it
// is this database's and readable, the step is done; if it is unusable it
// is moved aside first; it is never overwritten.
func (l *Store) CreateDatabase(step *providers.Step) error {
	id := step.Identity
	var db *ad.Database
	var sg *ad.StorageGroup
	inDirectory := false
	err := l.ViewDirectory(func(d *ad.Directory) error {
		if cur := d.Database(id); cur != nil {
			inDirectory, db = true, cur
			sg = d.StorageGroup(org.Identity(cur.StorageGroup))
			return nil
		}
		if sg = d.StorageGroup(org.Identity(step.Args["storage_group"])); sg == nil {
			return fmt.Errorf("storage group %s does not exist", step.Args["storage_group"])
		}
		db = &ad.Database{
			StorageGroup: string(org.Identity(sg.Server).Join(sg.Name)), Name: step.Args["name"],
			Kind: OrDefault(step.Args["kind"], "mailbox"), EdbFilePath: step.Args["edb_file_path"],
			DeletedItemRetention: defaultDeletedItemRetention,
		}
		if db.Kind == "mailbox" {
			db.MailboxRetention = defaultMailboxRetention
		}
		return applySettings(db, step.Args)
	})
	if err != nil {
		return err
	}
	if sg == nil {
		return fmt.Errorf("its storage group %s does not exist", db.StorageGroup)
	}
	// The file first, whole, then the directory entry: a kill in between
	// leaves a file the next create adopts, never an entry whose new,
	// empty file reads as a database lost.
	if step.Args["object_only"] != "true" {
		if err := l.ensureDatabaseFile(db, sg, step.Verb == providers.VerbCreateEmptyDatabase); err != nil {
			return err
		}
	}
	if inDirectory {
		return nil
	}
	return l.UpdateDirectory(func(d *ad.Directory) error {
		if d.Database(id) == nil {
			d.AddDatabase(db)
		}
		return nil
	})
}

// freshEmpty says whether e is a database just created empty: clean,
// every page whole, never mounted, holding no mailbox.
func freshEmpty(e *ese.File) bool {
	if e.Hdr.State != org.StateClean {
		return false
	}
	if bad, err := e.Scan(); err != nil || len(bad) > 0 {
		return false
	}
	cat, err := ReadCatalog(e)
	return err == nil && cat.Mounts == 0 && len(cat.Mailboxes) == 0 && cat.NextItem == 0
}

// ensureDatabaseFile puts a new, empty database file at db's path, unless
// this database's file is there already. Another file standing there is
// refused. For an empty database in place of a lost or damaged one
// (replace), whatever stands there is moved aside, this database's own
// file too, unless it is the fresh empty file an earlier run made.
// The file is written whole beside its path and renamed into place.
func (l *Store) ensureDatabaseFile(db *ad.Database, sg *ad.StorageGroup, replace bool) error {
	if _, err := os.Stat(l.DisksDir(sg.Server)); err != nil {
		return fmt.Errorf("server %s is down: its disks are gone", sg.Server)
	}
	if l.Failed(sg.Server) {
		return fmt.Errorf("server %s has failed: its disks survive, but nothing on it runs until it is rebuilt", sg.Server)
	}
	path, err := l.HostPath(sg.Server, db.EdbFilePath)
	if err != nil {
		return err
	}
	if e, err := ese.OpenEDB(path, false); err == nil {
		ours := strings.EqualFold(e.Hdr.Identity, string(db.Identity())) && sg.OwnStream(e.Hdr.LogStream, e.Hdr.State == org.StateClean)
		// An empty database replaces whatever stands there (a damaged
		// file, one in dirty shutdown, one that held mail), unless it is
		// the fresh one an earlier run of this step made: never mounted,
		// clean, every page whole.
		keep := ours && (!replace || freshEmpty(e))
		e.Close()
		if keep {
			return nil
		}
		if !ours && !replace {
			return fmt.Errorf("a file that is not this database's stands at %s; exdr does not overwrite it", db.EdbFilePath)
		}
	}
	if _, err := os.Stat(path); err == nil {
		if _, err := disk.KeepAside(path, l.Now()); err != nil {
			return err
		}
	}
	kind := org.MailboxDB
	if db.Kind == "public_folder" {
		kind = org.PublicFolderDB
	}
	hdr := &ese.Header{Kind: kind, Signature: host.NewSignature(), LogStream: sg.Signature, Created: l.Now().UnixNano(), Identity: string(db.Identity())}
	tmp := path + ".exdr-creating"
	os.Remove(tmp) // what a killed create left
	// The catalog is written with the file, in its one write and sync.
	b, _ := json.Marshal(Catalog{Identity: hdr.Identity, Created: l.Now().UTC()})
	if err := ese.CreateEDB(tmp, hdr, &ese.Page{Number: 1, Signature: hdr.Signature, Payload: b}); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (l *Store) Mount(id org.Identity) error {
	c, st, err := l.databaseAndStore(id)
	if err != nil {
		return err
	}
	e, err := ese.OpenEDB(c.Path, true)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("the database file %s is missing (event 9547)", c.DB.EdbFilePath)
	}
	if err != nil {
		return fmt.Errorf("the database file %s cannot be attached: %w", c.DB.EdbFilePath, err)
	}
	defer e.Close()
	if r := PendingRestore(c.Path, c.DB.Name, e.Hdr.Signature); r != nil {
		return fmt.Errorf("a restore of %s is in progress (restore.env is in place): run hard recovery (eseutil /cc) before mounting", strings.Join(r.Sets, ", "))
	}
	if e.Hdr.State == org.StateDirty {
		if st.IsMounted(id, e.Hdr) {
			return nil // mounted already
		}
		return fmt.Errorf("the database is in dirty shutdown (logs %d and later required): run soft recovery (eseutil /r) first", e.Hdr.LogRequired.Low)
	}
	if bad, err := e.Scan(); err != nil {
		return err
	} else if len(bad) > 0 {
		if len(bad) == 1 {
			return fmt.Errorf("page %d fails its checksum (JET -1018): restore or repair the database first", bad[0])
		}
		return fmt.Errorf("%d pages fail their checksums (JET -1018, first page %d): restore or repair the database first", len(bad), bad[0])
	}
	// Only a mount that will go on restarts an emptied stream: one that
	// fails (a dirty file, a missing one) left a new stream, and its own
	// file read as foreign (review).
	if err := l.restartEmptiedStream(c); err != nil {
		return err
	}
	if strings.EqualFold(e.Hdr.Identity, string(c.DB.Identity())) && e.Hdr.LogStream != c.SG.Signature && c.SG.OwnStream(e.Hdr.LogStream, true) {
		// Clean, of a stream of this group a mount restarted (a kill
		// came before its file was attached): attached now.
		e.Hdr.LogStream, e.Hdr.AttachLSN = c.SG.Signature, 0
		if err := e.WriteHeader(); err != nil {
			return err
		}
	}
	if !strings.EqualFold(e.Hdr.Identity, string(c.DB.Identity())) || e.Hdr.LogStream != c.SG.Signature {
		// Another database's file, or this one's from another log
		// stream: Exchange mounts it only when "This database can be
		// overwritten by a restore" is set (database portability), and
		// only in clean shutdown, which needs none of the old stream's
		// logs. It then belongs to this database and this stream.
		switch {
		case c.DB.AllowFileRestore:
		case strings.EqualFold(e.Hdr.Identity, string(c.DB.Identity())):
			return fmt.Errorf("the file at %s is this database's, from another log stream (from before a rebuild, or a copy): mount it only with Set-MailboxDatabase -AllowFileRestore $true", c.DB.EdbFilePath)
		default:
			return fmt.Errorf("the file at %s is %s's, not this database's: mount it here only with Set-MailboxDatabase -AllowFileRestore $true (database portability)", c.DB.EdbFilePath, orUnnamed(e.Hdr.Identity))
		}
		e.Hdr.Identity, e.Hdr.LogStream, e.Hdr.AttachLSN = string(c.DB.Identity()), c.SG.Signature, 0
		if err := e.WriteHeader(); err != nil {
			return err
		}
	}
	mu := l.StreamLock(c.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	cur, err := c.Stream.EnsureCurrent()
	if err != nil {
		return err
	}
	// Pages carry the log position of their last change, which orders
	// changes. A database restored or moved into a younger stream (a
	// rebuilt server starts its logs at 1) has pages from further on: the
	// stream moves past them first, with empty generations, so that its
	// new changes order after theirs (ESE orders them by the database's
	// own clock, which the lab folds into the log position).
	_, end, err := c.Stream.ReadGeneration(cur)
	if err != nil {
		return err
	}
	if newest, err := e.NewestChange(); err != nil {
		return err
	} else if newest >= ese.MakeLSN(cur, end) {
		if cur, err = c.Stream.AdvanceTo(ese.LSNGeneration(newest) + 1); err != nil {
			return err
		}
		end = ese.LogHeaderSize
	}
	// Attaching marks the header dirty from the current end of the log
	// on: records written before it (by an earlier life of a restored
	// copy, say) are never replayed into it. The catalog change below
	// reaches the page only at the next checkpoint; until then it lives
	// only in the log.
	e.Hdr.State, e.Hdr.LogRequired = org.StateDirty, org.LogRange{Low: cur, High: cur}
	e.Hdr.AttachLSN = ese.MakeLSN(cur, end)
	if err := e.WriteHeader(); err != nil {
		return err
	}
	cat, err := ReadCatalog(e)
	if err != nil {
		return err
	}
	cat.Mounts++
	cat.LastMount = l.Now().UTC()
	b, _ := json.Marshal(cat)
	if _, err := c.Stream.Append(ese.PageRecord(e.Hdr.Signature, 1, b)); err != nil {
		return err
	}
	return l.updateStore(c.Server, func(s *Service) { s.Attached(id, e.Hdr) })
}

// Dismount flushes the logged changes into the pages, marks the header
// clean and detaches the database, then moves the checkpoint on.
func (l *Store) Dismount(id org.Identity) error {
	c, st, err := l.databaseAndStore(id)
	if err != nil {
		return err
	}
	e, err := ese.OpenEDB(c.Path, true)
	if err != nil {
		if _, mounted := st.Mounted[MountKey(id)]; mounted {
			// The file went from under a mounted database: the store
			// lets go of it, as it would after event 9519.
			return l.updateStore(c.Server, func(s *Service) { s.Detached(id) })
		}
		return nil
	}
	defer e.Close()
	if !st.IsMounted(id, e.Hdr) {
		if e.Hdr.State == org.StateDirty {
			return ErrDirtyNotMounted
		}
		return l.updateStore(c.Server, func(s *Service) { s.Detached(id) })
	}
	mu := l.StreamLock(c.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	if _, err := ese.ReplayInto(context.Background(), e, c.Stream, nil); err != nil {
		if errors.Is(err, ese.ErrCorruptLog) || errors.Is(err, os.ErrNotExist) || strings.Contains(err.Error(), "is missing") {
			// A generation the database needs cannot be read: the store
			// lets go of it without writing those changes (Exchange's
			// would flush them from memory; the lab keeps none), leaving
			// it in dirty shutdown for a restore or a repair.
			return l.updateStore(c.Server, func(s *Service) { s.Detached(id) })
		}
		return err
	}
	e.Hdr.State, e.Hdr.LogRequired = org.StateClean, org.LogRange{}
	if err := e.WriteHeader(); err != nil {
		return err
	}
	if err := e.Handle.Sync(); err != nil {
		return err
	}
	if err := l.updateStore(c.Server, func(s *Service) { s.Detached(id) }); err != nil {
		return err
	}
	return l.advanceCheckpoint(c)
}

// advanceCheckpoint moves the storage group's checkpoint to the oldest
// generation a still-attached database needs, or the current one.
func (l *Store) advanceCheckpoint(c *DB) error {
	cur, err := c.Stream.Current()
	if err != nil {
		return err
	}
	low := cur
	var dbs []*ad.Database
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, db := range d.Databases {
			if strings.EqualFold(db.StorageGroup, c.DB.StorageGroup) {
				dbs = append(dbs, db)
			}
		}
		return nil
	})
	for _, db := range dbs {
		path, err := l.HostPath(c.Server, db.EdbFilePath)
		if err != nil {
			continue
		}
		if e, err := ese.OpenEDB(path, false); err == nil {
			if e.Hdr.State == org.StateDirty && e.Hdr.LogRequired.Low < low {
				low = e.Hdr.LogRequired.Low
			}
			e.Close()
		}
	}
	return c.Stream.SetCheckpoint(low)
}

// maxGrowth bounds how far one log record may grow a database, so that a
// damaged record cannot make a huge sparse file.
const maxGrowth = ese.MaxGrowth

// ReplayLogs is soft recovery: replay every log from the one the header
// requires, then mark the database clean. A missing or damaged log stops
// it, leaving the database dirty.
func (l *Store) ReplayLogs(ctx context.Context, id org.Identity, progress providers.Progress) error {
	c, err := l.Database(id)
	if err != nil {
		return err
	}
	e, err := ese.OpenEDB(c.Path, true)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", c.DB.EdbFilePath, err)
	}
	defer e.Close()
	if e.Hdr.State == org.StateClean {
		return nil
	}
	if st, err := l.LoadStore(c.Server); err == nil && st.IsMounted(id, e.Hdr) {
		return fmt.Errorf("the database is mounted; soft recovery is for a database that is not")
	}
	mu := l.StreamLock(c.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	if _, err := ese.ReplayInto(ctx, e, c.Stream, progress); err != nil {
		return fmt.Errorf("soft recovery failed, the database stays in dirty shutdown: %w", err)
	}
	e.Hdr.State, e.Hdr.LogRequired = org.StateClean, org.LogRange{}
	if err := e.WriteHeader(); err != nil {
		return err
	}
	if err := e.Handle.Sync(); err != nil {
		return err
	}
	return l.advanceCheckpoint(c)
}

// checkpointIfDeep writes a mounted database's logged changes to its
// pages once the log has run CheckpointDepth generations ahead.
func (l *Store) checkpointIfDeep(c *DB, e *ese.File) error {
	cur, err := c.Stream.Current()
	if err != nil || cur-e.Hdr.LogRequired.Low < CheckpointDepth {
		return err
	}
	if _, err := ese.ReplayInto(context.Background(), e, c.Stream, nil); err != nil {
		return err
	}
	e.Hdr.LogRequired = org.LogRange{Low: cur, High: cur}
	if err := e.WriteHeader(); err != nil {
		return err
	}
	if err := e.Handle.Sync(); err != nil {
		return err
	}
	if err := l.updateStore(c.Server, func(s *Service) { s.Attached(c.DB.Identity(), e.Hdr) }); err != nil {
		return err
	}
	return l.advanceCheckpoint(c)
}

func orUnnamed(identity string) string {
	if identity == "" {
		return "an unnamed database"
	}
	return identity
}

// ErrDirtyNotMounted is Dismount's answer for a database in dirty
// shutdown that no store has attached (a mount or a store cut short):
// soft recovery brings it to clean shutdown, not a dismount.
var ErrDirtyNotMounted = errors.New("the database is not mounted but in dirty shutdown: it needs soft recovery, not a dismount")

// ServerDownError is a database whose server's disks are gone: for a
// clustered mailbox server, those of the node it runs on (Node).
type ServerDownError struct{ Server, Node string }

func (e *ServerDownError) Error() string {
	if e.Node != "" {
		return fmt.Sprintf("clustered mailbox server %s does not run: the disks of %s, the node it ran on, are gone", e.Server, e.Node)
	}
	return fmt.Sprintf("server %s is down: its disks are gone", e.Server)
}

// restartEmptiedStream starts a new log sequence, of a new signature, when
// the storage group's log folder holds no log and no checkpoint (emptied
// by hand to free the drive), as ESE does for a clean database mounted
// without logs; every clean file of the group's databases is attached to
// it. The new sequence numbers its generations from 1 again: under the
// old signature they passed for the old stream's, and a restore of a
// backup from before rolled forward through them, saying nothing was
// lost (adversarial review). It runs under the stream's lock and makes
// the stream before letting go, so two mounts at once restart it once;
// c takes the group's signature as the directory has it then. The
// directory changes first, keeping the old signature among the group's
// restarted ones, then the files: a file a kill left unattached is still
// the group's (ad.StorageGroup.OwnStream), to the planner's read too,
// and its mount attaches it. A planner that took it for a copy from
// elsewhere restored an old backup over it (adversarial review).
func (l *Store) restartEmptiedStream(c *DB) error {
	mu := l.StreamLock(c.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	// c's group is the directory's own record, which other steps read and
	// write at once: c takes a copy, made under the directory's lock (the
	// race detector caught both).
	id := org.Identity(c.SG.Server).Join(c.SG.Name)
	var dbs []*ad.Database
	l.ViewDirectory(func(d *ad.Directory) error {
		own := *c.SG
		if g := d.StorageGroup(id); g != nil {
			own = *g // another mount may have restarted it
		}
		own.Restarted = slices.Clone(own.Restarted)
		c.SG = &own
		for _, db := range d.Databases {
			if strings.EqualFold(db.StorageGroup, string(id)) {
				dbs = append(dbs, db)
			}
		}
		return nil
	})
	c.Stream.Sig = c.SG.Signature
	if fresh, err := c.Stream.Empty(); err != nil || !fresh {
		return err
	}
	g, err := l.SwitchStream(id, host.NewSignature())
	if err != nil {
		return err
	}
	sig := g.Signature
	c.SG, c.Stream.Sig = g, sig
	for _, db := range dbs {
		path, err := l.HostPath(c.SG.Server, db.EdbFilePath)
		if err != nil {
			return err
		}
		e, err := ese.OpenEDB(path, true)
		if err != nil {
			continue // no file there, or not one the lab can read: nothing to attach
		}
		if e.Hdr.State == org.StateClean && strings.EqualFold(e.Hdr.Identity, string(db.Identity())) {
			e.Hdr.LogStream, e.Hdr.AttachLSN = sig, 0
			err = e.WriteHeader()
		}
		e.Close()
		if err != nil {
			return err
		}
	}
	return c.Stream.Create()
}
