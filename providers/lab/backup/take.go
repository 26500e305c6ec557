package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
)

// The backup store: backups/<set ID>/manifest.json, with the database
// files under db/ and the log generations under logs/. A set without a
// manifest was interrupted and is not in the catalog.
const backupsDir = "backups"

func (l *Application) SetDir(id string) string { return filepath.Join(l.Root(), backupsDir, id) }

// Backup takes a backup of one storage group, or of every one when sg is
// empty. It returns the sets written.
func (l *Application) Backup(ctx context.Context, sg org.Identity, typ org.BackupType) ([]*Manifest, error) {
	return l.BackupWith(ctx, sg, typ, "")
}

// BackupWith is Backup by a method: "" for the streaming API, "vss" for
// a Volume Shadow Copy backup.
func (l *Application) BackupWith(ctx context.Context, sg org.Identity, typ org.BackupType, method string) ([]*Manifest, error) {
	if method != "" && method != "vss" {
		return nil, fmt.Errorf("backup method %q: the lab takes streaming backups, or VSS ones (vss)", method)
	}
	if !host.Exists(l.Root()) {
		return nil, fmt.Errorf("no lab at %s yet: run exdr apply first", l.Root())
	}
	var groups []*ad.StorageGroup
	if err := l.ViewDirectory(func(d *ad.Directory) error {
		if sg != "" {
			g := d.StorageGroup(sg)
			if g == nil {
				return fmt.Errorf("no storage group %s in the lab", sg)
			}
			groups = append(groups, g)
			return nil
		}
		groups = append(groups, d.StorageGroups...)
		return nil
	}); err != nil {
		return nil, err
	}
	var sets []*Manifest
	var skipped []string
	for _, g := range groups {
		if err := ctx.Err(); err != nil {
			return sets, err
		}
		if sg == "" && !g.Recovery && l.noFiles(g) {
			// Every database of the group lost its file (its users served
			// from a standby, say): nothing to back up, and no reason to
			// leave the other groups without their backup.
			skipped = append(skipped, g.Server+`\`+g.Name)
			continue
		}
		m, err := l.backupGroup(ctx, g, typ, method)
		if err != nil {
			return sets, fmt.Errorf("%s backup of %s\\%s: %w", typ, g.Server, g.Name, err)
		}
		if m != nil {
			sets = append(sets, m)
		}
	}
	if err := l.copies.Replicate(); err != nil { // the backup closed a generation on each stream
		return sets, err
	}
	if len(skipped) > 0 {
		return sets, &SkippedError{Groups: skipped}
	}
	return sets, nil
}

// SkippedError names the storage groups a backup of every group passed
// over, each with no database file to back up; the others were backed up.
type SkippedError struct{ Groups []string }

func (e *SkippedError) Error() string {
	return fmt.Sprintf("not backed up, no database file to back up: %s", strings.Join(e.Groups, ", "))
}

// noFiles reports whether a storage group has databases and none of their
// files is at its path.
func (l *Application) noFiles(g *ad.StorageGroup) bool {
	var dbs []*ad.Database
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, db := range d.Databases {
			if strings.EqualFold(db.StorageGroup, g.Server+`\`+g.Name) && db.RecoveryOf == "" {
				dbs = append(dbs, db)
			}
		}
		return nil
	})
	for _, db := range dbs {
		if path, err := l.HostPath(g.Server, db.EdbFilePath); err == nil {
			if _, err := os.Lstat(path); err == nil {
				return false
			}
		}
	}
	return len(dbs) > 0
}

// backupGroup takes one set of a storage group: its databases' files (a
// full) or the logs since the last set, written into a set folder that
// has no manifest until the last byte is in, then the stamps and the log
// truncation. Long on purpose: one ordered sequence, in which a kill at
// any line must leave either no set or a whole one.
func (l *Application) backupGroup(ctx context.Context, g *ad.StorageGroup, typ org.BackupType, method string) (*Manifest, error) {
	id := org.Identity(g.Server).Join(g.Name)
	if g.CircularLogging && typ != org.BackupFull && typ != org.BackupCopy {
		return nil, fmt.Errorf("circular logging is on, so logs are not kept for %s backups: take a full backup, or turn circular logging off", typ)
	}
	var dbs []*ad.Database
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, db := range d.Databases {
			if strings.EqualFold(db.StorageGroup, string(id)) {
				dbs = append(dbs, db)
			}
		}
		return nil
	})
	if len(dbs) == 0 {
		return nil, nil // nothing to back up
	}
	catalog, err := l.Backups()
	if err != nil {
		return nil, err
	}
	m := &Manifest{FormatVersion: 1, Type: typ, Time: l.Now().UTC(), StorageGroup: string(id), LogPrefix: g.Prefix, LogSignature: g.Signature, Method: method}
	if typ == org.BackupIncremental || typ == org.BackupDifferential {
		base := ChainBase(catalog, string(id), typ)
		if base == nil {
			return nil, fmt.Errorf("there is no full backup of this storage group to follow: take a full backup first")
		}
		if base.Method != method {
			// The lab's rule, after Exchange's: an incremental or
			// differential follows a full backup taken the same way (the
			// database header records the last full's kind), never a
			// streaming set on a VSS one or the reverse.
			return nil, fmt.Errorf("the %s backup %s it would follow was taken %s: take the %s backup %s too, or a new full one",
				base.Type, base.ID, methodName(base.Method), typ, methodName(base.Method))
		}
		m.Base = base.ID
	}
	s, err := l.Stream(g)
	if err != nil {
		return nil, err
	}
	mu := l.StreamLock(s.Dir)
	mu.Lock()
	defer mu.Unlock()

	// End the current generation, as a backup does, so every log the set
	// takes is closed.
	cur, err := s.Current()
	if err != nil {
		return nil, err
	}
	if err := s.NewGeneration(cur + 1); err != nil {
		return nil, err
	}
	m.Covers = cur
	m.ID = SetID(m.Time, id, typ)
	dir := l.SetDir(m.ID)
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return nil, err
	}

	low := uint32(0)
	switch typ {
	case org.BackupFull, org.BackupCopy:
		if err := os.MkdirAll(filepath.Join(dir, "db"), 0o755); err != nil {
			return nil, err
		}
		for _, db := range dbs {
			f, lowNeeded, err := l.backupDatabase(db, g, dir)
			if err != nil {
				os.RemoveAll(dir) // the unfinished set, never a backup
				return nil, err
			}
			m.Databases = append(m.Databases, f)
			if lowNeeded > 0 && (low == 0 || lowNeeded < low) {
				low = lowNeeded
			}
		}
	case org.BackupIncremental, org.BackupDifferential:
		base := FindSet(catalog, m.Base)
		low = base.Covers + 1
		gens, err := s.Generations()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		if len(gens) > 0 && gens[0] > low {
			if typ == org.BackupIncremental {
				os.RemoveAll(dir)
				return nil, fmt.Errorf("log generation %d, where an incremental after %s starts, is no longer in the log folder (generations %d-%d are): take a full backup",
					low, base.ID, gens[0], gens[len(gens)-1])
			}
			// An incremental since the full truncated what a differential
			// would start from: Exchange backs up the logs still on disk,
			// and a restore takes that incremental between.
			low = gens[0]
		}
	}
	if low > 0 && low <= cur {
		m.Logs = org.LogRange{Low: low, High: cur}
		for gen := low; gen <= cur; gen++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			// ESE checks each log's checksums as it streams it: a damaged
			// generation stops the backup.
			if _, _, err := s.ReadGeneration(gen); err != nil {
				os.RemoveAll(dir) // the unfinished set, never a backup
				if errors.Is(err, os.ErrNotExist) {
					return nil, fmt.Errorf("log generation %d (%s) is missing from the log folder: the backup stops, as Exchange's does", gen, filepath.Base(s.LogPath(gen)))
				}
				return nil, fmt.Errorf("log generation %d cannot be backed up: %w; the backup stops, as Exchange's does", gen, err)
			}
			f, err := CopyVerified(s.LogPath(gen), filepath.Join(dir, "logs", filepath.Base(s.LogPath(gen))))
			if err != nil {
				os.RemoveAll(dir)
				return nil, fmt.Errorf("log generation %d: %w", gen, err)
			}
			f.Name = "logs/" + f.Name
			m.LogFiles = append(m.LogFiles, f)
		}
	}
	m.Mailboxes = map[string][]string{}
	for _, db := range dbs {
		if db.Kind != "mailbox" {
			continue
		}
		if path, err := l.HostPath(g.Server, db.EdbFilePath); err == nil {
			if e, err := ese.OpenEDB(path, false); err == nil {
				if v, err := store.LoadView(e, s, true); err == nil {
					m.Mailboxes[string(db.Identity())] = slices.Clone(v.Cat.Mailboxes)
				}
				e.Close()
			}
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	// The manifest last: a set is in the catalog only once it is whole.
	if err := disk.WriteAtomic(filepath.Join(dir, "manifest.json"), append(b, '\n')); err != nil {
		return nil, err
	}
	if err := l.stampBackup(dbs, g, typ, m.Time); err != nil {
		return nil, err
	}
	if typ == org.BackupFull || typ == org.BackupIncremental {
		return m, l.truncate(s, g)
	}
	return m, nil
}

// backupDatabase copies a database file into the set, refusing one whose
// pages fail their checksums, as Exchange's backup does. It returns the
// oldest generation the copy needs to become consistent (0: none).
func (l *Application) backupDatabase(db *ad.Database, g *ad.StorageGroup, dir string) (BackupFile, uint32, error) {
	path, err := l.HostPath(g.Server, db.EdbFilePath)
	if err != nil {
		return BackupFile{}, 0, err
	}
	e, err := ese.OpenEDB(path, false)
	if err != nil {
		return BackupFile{}, 0, fmt.Errorf("%s cannot be read: %w", db.Identity(), err)
	}
	bad, err := e.Scan()
	hdr := *e.Hdr
	e.Close()
	if err != nil {
		return BackupFile{}, 0, err
	}
	if len(bad) == 1 {
		return BackupFile{}, 0, fmt.Errorf("%s has page %d failing its checksum (JET -1018): the backup stops, as Exchange's does; restore or repair the database first", db.Identity(), bad[0])
	}
	if len(bad) > 0 {
		return BackupFile{}, 0, fmt.Errorf("%s has %d pages failing their checksums (JET -1018, first page %d): the backup stops, as Exchange's does; restore or repair the database first", db.Identity(), len(bad), bad[0])
	}
	if err := host.PathElement("the database name", db.Name); err != nil {
		return BackupFile{}, 0, err
	}
	f, err := CopyVerified(path, filepath.Join(dir, "db", db.Name+".edb"))
	if err != nil {
		return BackupFile{}, 0, err
	}
	f.Name, f.Identity = "db/"+f.Name, string(db.Identity())
	if hdr.State == org.StateDirty {
		return f, hdr.LogRequired.Low, nil
	}
	return f, 0, nil
}

// stampBackup records the backup in each database's header, where
// eseutil /mh shows it. A copy backup leaves the headers alone.
func (l *Application) stampBackup(dbs []*ad.Database, g *ad.StorageGroup, typ org.BackupType, at time.Time) error {
	if typ == org.BackupCopy {
		return nil
	}
	for _, db := range dbs {
		path, err := l.HostPath(g.Server, db.EdbFilePath)
		if err != nil {
			return err
		}
		if err := stampHeader(path, typ, at); err != nil {
			return err
		}
	}
	if g.Copy == nil || !g.Copy.Cluster {
		return nil
	}
	// A CCR copy's header carries the backups too: after a move the
	// database there goes on taking incremental backups. (Not under the
	// copy's folder lock: the caller holds the source's, and replication
	// takes the two the other way round.)
	r, err := l.copies.Replica(org.Identity(g.Server).Join(g.Name))
	if err != nil || !l.MachineUp(r.Machine) {
		return nil
	}
	for _, db := range dbs {
		path, err := l.HostPath(r.Machine, r.EDBPath(db))
		if err != nil {
			continue
		}
		if _, err := os.Stat(path); err != nil {
			continue // not seeded
		}
		if err := stampHeader(path, typ, at); err != nil {
			return err
		}
	}
	return nil
}

// stampHeader records one backup in a database file's header.
func stampHeader(path string, typ org.BackupType, at time.Time) error {
	e, err := ese.OpenEDB(path, true)
	if err != nil {
		return err
	}
	defer e.Close()
	switch typ {
	case org.BackupFull:
		e.Hdr.LastFull = at.UnixNano()
	case org.BackupIncremental:
		e.Hdr.LastIncr = at.UnixNano()
	case org.BackupDifferential:
		e.Hdr.LastDiff = at.UnixNano()
	}
	return e.WriteHeader()
}

// truncate deletes the log generations below the checkpoint, which the
// backup has made unnecessary: what full and incremental backups do.
func (l *Application) truncate(s *ese.Stream, g *ad.StorageGroup) error {
	cp, err := s.Checkpoint()
	if err != nil {
		return err
	}
	gens, err := s.Generations()
	if err != nil {
		return err
	}
	if keep := l.copies.CopyKeepsFrom(g); keep > 0 {
		cp = min(cp, keep)
	}
	for _, gen := range gens {
		if gen < cp {
			if err := os.Remove(s.LogPath(gen)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// Backups returns the catalog: every complete set, oldest first.
func (l *Application) Backups() ([]*Manifest, error) {
	entries, err := os.ReadDir(filepath.Join(l.Root(), backupsDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Manifest
	for _, e := range entries {
		path := filepath.Join(l.Root(), backupsDir, e.Name(), "manifest.json")
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			// A backup that fails removes its set; one without a manifest
			// was killed mid-way or damaged since: listed, never used.
			m := l.setFromName(e.Name())
			m.Unreadable = fmt.Sprintf("it has no manifest (%s): a backup killed before it finished, or a set damaged since", path)
			out = append(out, &m)
			continue
		}
		var m Manifest
		if err == nil {
			err = json.Unmarshal(b, &m)
		}
		if err == nil && m.ID != e.Name() {
			err = fmt.Errorf("it names the set %q", m.ID)
		}
		if err == nil && m.FormatVersion != 1 {
			err = fmt.Errorf("its format_version is %d, not 1", m.FormatVersion)
		}
		if err == nil {
			err = filesInSet(&m)
		}
		if err != nil {
			// A set whose manifest is damaged is shown as such, never
			// dropped without a word.
			m = l.setFromName(e.Name())
			m.Unreadable = fmt.Sprintf("its manifest %s cannot be read (%v)", path, err)
		}
		out = append(out, &m)
	}
	slices.SortFunc(out, func(a, b *Manifest) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// setFromName is what a set's folder name tells of it (setID wrote it):
// its time, storage group and type.
func (l *Application) setFromName(name string) Manifest {
	m := Manifest{ID: name}
	parts := strings.Split(name, "-")
	if len(parts) < 3 {
		return m
	}
	m.Time, _ = time.Parse("20060102T150405.000000Z", parts[0])
	m.Type = org.BackupType(parts[len(parts)-1])
	clean := strings.Join(parts[1:len(parts)-1], "-")
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, sg := range d.StorageGroups {
			id := org.Identity(sg.Server).Join(sg.Name)
			if SetID(m.Time, id, m.Type) == name || strings.EqualFold(CleanName(id), clean) {
				m.StorageGroup = string(id)
			}
		}
		return nil
	})
	return m
}

// filesInSet refuses a manifest that names a file outside its set's db
// and logs folders: a restore opens each name joined to the set's folder,
// and a hand-edited "../../x.edb" restored a file from anywhere on the
// machine (its checksum written by the same hand).
func filesInSet(m *Manifest) error {
	for _, f := range append(append([]BackupFile{}, m.Databases...), m.LogFiles...) {
		dir, base, _ := strings.Cut(f.Name, "/")
		if dir != "db" && dir != "logs" || base == "" || base == "." || base == ".." || strings.ContainsAny(base, `/\`) {
			return fmt.Errorf("it names the file %q, which is not in the set's db or logs folder", f.Name)
		}
	}
	return nil
}

// Verify checks every file of a set against its manifest and returns why
// the set cannot be used, or "".
func (l *Application) Verify(m *Manifest) string {
	if m.Unreadable != "" {
		return m.Unreadable
	}
	dir := l.SetDir(m.ID)
	for _, f := range append(append([]BackupFile{}, m.Databases...), m.LogFiles...) {
		sum, size, err := HashFile(filepath.Join(dir, f.Name))
		switch {
		case errors.Is(err, os.ErrNotExist):
			return fmt.Sprintf("%s is missing from the set", f.Name)
		case err != nil:
			return fmt.Sprintf("%s cannot be read: %v", f.Name, err)
		case size != f.Size || sum != f.SHA256:
			return fmt.Sprintf("%s fails its checksum", f.Name)
		}
	}
	return ""
}

// methodName names a backup method as an administrator would.
func methodName(method string) string {
	if method == "vss" {
		return "with VSS"
	}
	return "by the streaming API"
}
