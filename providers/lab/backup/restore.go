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

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
)

func restorePaths(c *store.DB) (marker, logs string, err error) {
	if err := host.PathElement("the database name", c.DB.Name); err != nil {
		return "", "", err
	}
	dir := filepath.Dir(c.Path)
	marker, logs = store.RestoreMarkerPath(c.Path, c.DB.Name), filepath.Join(dir, "exdr-restore", c.DB.Name)
	if err := disk.RefuseLinks(marker, filepath.Dir(logs), logs); err != nil {
		return "", "", err
	}
	return marker, logs, nil
}

// RestoreBackup puts a backup chain's copy of the database in place of
// the live file (which is moved aside, never deleted) and the chain's
// logs in a restore folder for hard recovery. Every byte copied is
// verified against the manifest.
// Long on purpose: one ordered sequence of moves and verified copies, in
// which a kill at any line must leave a file the next plan recovers from
// (TestCrashAnywhere); split, the order would be hidden.
func (l *Application) RestoreBackup(ctx context.Context, step *providers.Step, progress providers.Progress) (copied int64, err error) {
	c, err := l.store.Database(step.Identity)
	if err != nil {
		return 0, err
	}
	ids := strings.Split(step.Args["sets"], ",")
	markerPath, logsDir, err := restorePaths(c)
	if err != nil {
		return 0, err
	}
	if mk, err := store.ReadMarker(markerPath); err == nil && slices.Equal(mk.Sets, ids) {
		if e, err := ese.OpenEDB(c.Path, false); err == nil {
			same := e.Hdr.Signature == mk.Signature
			e.Close()
			if same {
				return copied, nil // restored already
			}
		}
	}
	if !c.DB.AllowFileRestore {
		return copied, fmt.Errorf("the database may not be overwritten by a restore: run Set-MailboxDatabase -AllowFileRestore $true first")
	}
	if l.store.Mounted(c) {
		return copied, fmt.Errorf("the database is mounted: dismount it before restoring over it")
	}
	catalog, err := l.Backups()
	if err != nil {
		return copied, err
	}
	var chain []*Manifest
	for _, id := range ids {
		m := FindSet(catalog, id)
		if m == nil {
			return copied, fmt.Errorf("backup set %s is not in the catalog", id)
		}
		if why := l.Verify(m); why != "" {
			return copied, fmt.Errorf("backup set %s cannot be used: %s", id, why)
		}
		chain = append(chain, m)
	}
	// A recovery database is restored from its production database's sets.
	source := string(c.DB.Identity())
	if c.DB.RecoveryOf != "" {
		source = c.DB.RecoveryOf
	}
	var dbFile *BackupFile
	for i := range chain[0].Databases {
		if strings.EqualFold(chain[0].Databases[i].Identity, source) {
			dbFile = &chain[0].Databases[i]
		}
	}
	if dbFile == nil {
		return copied, fmt.Errorf("backup set %s holds no copy of the database", chain[0].ID)
	}

	need := dbFile.Size
	for _, m := range chain {
		for _, f := range m.LogFiles {
			need += f.Size
		}
	}
	if err := l.EnsureFree(c.Server, c.DB.EdbFilePath, need, "the restore"); err != nil {
		return 0, err
	}
	if chain[0].Method == "vss" {
		return l.restoreVSS(ctx, c, chain, dbFile, progress)
	}
	// restore.env first: until the restore and its hard recovery are
	// done, the database reads as a restore in progress, whatever stands
	// at its path (a crash can leave half a restore).
	begun, _ := json.Marshal(store.RestoreMarker{Sets: ids})
	if err := os.MkdirAll(filepath.Dir(markerPath), 0o755); err != nil {
		return copied, err
	}
	if err := disk.WriteAtomic(markerPath, begun); err != nil {
		return copied, err
	}
	if c.DB.RecoveryOf != "" {
		// What the recovery database holds, for a plan whose
		// restore_from asks for another chain. Until the restore and
		// its hard recovery are done the file reads as a restore in
		// progress, so a kill after this line is restored again.
		if err := l.store.UpdateDirectory(func(d *ad.Directory) error {
			if db := d.Database(c.DB.Identity()); db != nil {
				db.RestoredSets = ids
			}
			return nil
		}); err != nil {
			return copied, err
		}
	}
	if _, err := os.Stat(c.Path); err == nil {
		if _, err := disk.MoveAside(c.Path, l.Now()); err != nil {
			return copied, fmt.Errorf("move the damaged file aside: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(c.Path), 0o755); err != nil {
		return copied, err
	}
	if err := RestoreFile(ctx, filepath.Join(l.SetDir(chain[0].ID), dbFile.Name), c.Path, *dbFile, progress); err != nil {
		return copied, err
	}
	copied += dbFile.Size
	if err := os.RemoveAll(logsDir); err != nil { // copies from an earlier, unfinished restore
		return copied, err
	}
	if err := os.MkdirAll(logsDir, 0o755); err != nil {
		return copied, err
	}
	covers := chain[0].Covers
	for _, m := range chain {
		for _, f := range m.LogFiles {
			if err := RestoreFile(ctx, filepath.Join(l.SetDir(m.ID), f.Name), filepath.Join(logsDir, filepath.Base(f.Name)), f, nil); err != nil {
				return copied, err
			}
			copied += f.Size
		}
		covers = max(covers, m.Covers)
	}
	// The restored copy is made to need recovery from the oldest
	// generation it lacks, as restore.env makes it.
	e, err := ese.OpenEDB(c.Path, true)
	if err != nil {
		return copied, err
	}
	defer e.Close()
	if e.Hdr.State != org.StateDirty || e.Hdr.LogRequired.Low == 0 {
		e.Hdr.LogRequired.Low = chain[0].Covers + 1
	}
	e.Hdr.State = org.StateDirty
	// The copy takes this database's name and storage group (the same for
	// a restore in place; the recovery database's for an RSG).
	e.Hdr.Identity, e.Hdr.LogStream = string(c.DB.Identity()), c.SG.Signature
	if err := e.WriteHeader(); err != nil {
		return copied, err
	}
	if err := e.Handle.Sync(); err != nil {
		return copied, err
	}
	logDir := c.Stream.Dir
	l.ViewDirectory(func(d *ad.Directory) error {
		if sg := d.StorageGroup(org.Identity(chain[0].StorageGroup)); sg != nil {
			if dir, err := l.HostPath(sg.Server, sg.LogFolderPath); err == nil {
				logDir = dir
			}
		}
		return nil
	})
	b, _ := json.Marshal(store.RestoreMarker{Sets: ids, Signature: e.Hdr.Signature, Covers: covers, LogPrefix: chain[0].LogPrefix, LogSignature: chain[0].LogSignature, LogDir: logDir})
	return copied, disk.WriteAtomic(markerPath, b)
}

// HardRecovery is eseutil /cc: it replays the restored logs into the
// restored file and then, with roll_forward, every later generation in
// the live log folder, stopping at the first one missing.
// Long on purpose: one ordered replay, then the clean-up restore.env
// guards, in the order a kill must find them.
func (l *Application) HardRecovery(ctx context.Context, step *providers.Step, progress providers.Progress) (replayed int64, err error) {
	c, err := l.store.Database(step.Identity)
	if err != nil {
		return replayed, err
	}
	markerPath, logsDir, err := restorePaths(c)
	if err != nil {
		return 0, err
	}
	mk, err := store.ReadMarker(markerPath)
	if err != nil {
		// Done already (restore.env is removed when hard recovery ends),
		// if the file is consistent; else there is nothing to recover it
		// from.
		if e, oerr := ese.OpenEDB(c.Path, false); oerr == nil {
			clean := e.Hdr.State == org.StateClean
			e.Close()
			if clean {
				return replayed, nil
			}
		}
		return replayed, fmt.Errorf("no restore to recover (restore.env is missing): restore a backup first")
	}
	e, err := ese.OpenEDB(c.Path, true)
	if err != nil {
		return replayed, err
	}
	defer e.Close()
	if mk.Completed {
		return replayed, nil
	}
	if mk.Signature != 0 && e.Hdr.State == org.StateClean {
		// Recovered, and cut short before restore.env was removed.
		return replayed, FinishRestore(markerPath, logsDir)
	}
	if mk.Signature == 0 || mk.Signature != e.Hdr.Signature {
		return replayed, fmt.Errorf("the restore of %s did not finish: restore the backup again before hard recovery", strings.Join(mk.Sets, ", "))
	}
	restored := &ese.Stream{Dir: logsDir, Prefix: mk.LogPrefix, Sig: mk.LogSignature}
	liveLogs := &ese.Stream{Dir: mk.LogDir, Prefix: mk.LogPrefix, Sig: mk.LogSignature}
	if restored.Prefix == "" || mk.LogDir == "" {
		restored.Prefix, restored.Sig, liveLogs = c.Stream.Prefix, c.Stream.Sig, c.Stream
	}
	rollForward := step.Args["roll_forward"] != "false"
	mu := l.StreamLock(c.Stream.Dir)
	mu.Lock()
	defer mu.Unlock()
	// How many generations the replay will take at most: the restored
	// chain's, and with the roll-forward the live stream's up to its
	// newest (it stops earlier at the first one missing or damaged).
	last := mk.Covers
	if rollForward {
		if cur, err := liveLogs.Current(); err == nil {
			last = max(last, cur)
		}
	}
	total := int64(0)
	if last >= e.Hdr.LogRequired.Low {
		total = int64(last - e.Hdr.LogRequired.Low + 1)
	}
	for gen := e.Hdr.LogRequired.Low; ; gen++ {
		if err := ctx.Err(); err != nil {
			return replayed, err
		}
		if gen > mk.Covers && !rollForward {
			break
		}
		recs, _, err := restored.ReadGeneration(gen)
		if errors.Is(err, os.ErrNotExist) {
			recs, _, err = liveLogs.ReadGeneration(gen)
		}
		if err != nil {
			if gen <= mk.Covers {
				return replayed, fmt.Errorf("hard recovery needs log generation %d of the restored chain: %w", gen, err)
			}
			break // the roll-forward ends at the first generation missing or damaged
		}
		if progress != nil {
			progress.Update(int64(gen-e.Hdr.LogRequired.Low+1), total, "generations")
		}
		if err := ese.ApplyRecords(e, recs); err != nil {
			return replayed, err
		}
		replayed++
	}
	e.Hdr.State, e.Hdr.LogRequired = org.StateClean, org.LogRange{}
	if err := e.WriteHeader(); err != nil {
		return replayed, err
	}
	if err := e.Handle.Sync(); err != nil {
		return replayed, err
	}
	return replayed, FinishRestore(markerPath, logsDir)
}

// restoreVSS puts a VSS chain's files back where they were taken from, as
// a VSS restore does: the logs into the storage group's own log folder
// (first: a kill leaves logs there, which nothing replays until the file
// is back), then the database file, the damaged one set aside. There is
// no restore.env: soft recovery (eseutil /r) follows, replaying the
// restored logs and every later one in the folder. A live log of the
// same generation that differs is set aside, never overwritten.
func (l *Application) restoreVSS(ctx context.Context, c *store.DB, chain []*Manifest, dbFile *BackupFile, progress providers.Progress) (copied int64, err error) {
	if c.DB.RecoveryOf != "" {
		return 0, fmt.Errorf("backup set %s was taken with VSS, which the lab restores only in place: restore the recovery storage group from a streaming set", chain[0].ID)
	}
	// The store lets go of a database whose file went from under it (a
	// record of it mounted would read the restored file, the same
	// database's, as mounted, and refuse soft recovery).
	if err := l.store.Dismount(c.DB.Identity()); err != nil && !errors.Is(err, store.ErrDirtyNotMounted) {
		return 0, err
	}
	logDir := c.Stream.Dir
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return 0, err
	}
	live := &ese.Stream{Dir: logDir, Prefix: chain[0].LogPrefix, Sig: chain[0].LogSignature}
	// The folder is the stream's: a mount of another database of the
	// group writes generations there, and the stream is changed and the
	// backup's logs put back under its lock, as every other writer of the
	// folder holds it (review: it ran without).
	mu := l.StreamLock(logDir)
	mu.Lock()
	locked := true
	defer func() {
		if locked {
			mu.Unlock()
		}
	}()
	if err := l.returnToStream(c, live); err != nil {
		return 0, err
	}
	covers := chain[0].Covers
	for _, m := range chain {
		covers = max(covers, m.Covers)
		for _, f := range m.LogFiles {
			dst := filepath.Join(logDir, filepath.Base(f.Name))
			if _, err := os.Lstat(dst); err == nil {
				if sum, _, herr := HashFile(dst); herr == nil && sum == f.SHA256 {
					continue // the same generation, still there
				}
				// Another stream's generation of that number (the log
				// stream started again after a rebuild): set aside only
				// if it holds nothing; replaying the backup's and then
				// this stream's later ones would mix two streams.
				gen := m.Logs.Low + uint32(slices.Index(m.LogFiles, f))
				if !emptyGeneration(gen, live, c.Stream) {
					return copied, fmt.Errorf("the log folder holds a generation %s that is not the backup's and holds changes of its own (the stream started again since the backup): "+
						"a VSS restore here would replay two streams into one file. Restore from a streaming set, whose hard recovery stops where the streams part, or move the folder's logs aside by hand (losing what only they hold) and plan again", filepath.Base(dst))
				}
				if _, err := disk.MoveAside(dst, l.Now()); err != nil {
					return copied, err
				}
			}
			if err := RestoreFile(ctx, filepath.Join(l.SetDir(m.ID), f.Name), dst, f, nil); err != nil {
				return copied, err
			}
			copied += f.Size
		}
	}
	if _, err := os.Stat(c.Path); err == nil {
		if _, err := disk.MoveAside(c.Path, l.Now()); err != nil {
			return copied, fmt.Errorf("move the damaged file aside: %w", err)
		}
	}
	// The restored generations are closed: the database writes next
	// into a new one, never appending to a generation the backup holds
	// too (a later restore from it would find the two differ).
	if gens, err := live.Generations(); err == nil && (len(gens) == 0 || gens[len(gens)-1] <= covers) {
		if err := live.NewGeneration(covers + 1); err != nil && !errors.Is(err, os.ErrExist) {
			return copied, err
		}
	}
	mu.Unlock()
	locked = false
	if err := os.MkdirAll(filepath.Dir(c.Path), 0o755); err != nil {
		return copied, err
	}
	if err := RestoreFile(ctx, filepath.Join(l.SetDir(chain[0].ID), dbFile.Name), c.Path, *dbFile, progress); err != nil {
		return copied, err
	}
	copied += dbFile.Size
	e, err := ese.OpenEDB(c.Path, true)
	if err != nil {
		return copied, err
	}
	defer e.Close()
	if e.Hdr.State != org.StateDirty || e.Hdr.LogRequired.Low == 0 {
		e.Hdr.LogRequired.Low = chain[0].Covers + 1
	}
	e.Hdr.State = org.StateDirty
	if err := e.WriteHeader(); err != nil {
		return copied, err
	}
	return copied, e.Handle.Sync()
}

// returnToStream makes the backup's log stream (live) the storage group's
// again, for a VSS restore after its stream started again (the server
// rebuilt: a new stream, a new signature): the other stream's generations
// and checkpoint are set aside when they hold nothing, and the group's
// signature in the directory becomes the backup's, so that soft recovery
// reads the restored generations as the group's own. One that holds
// changes stops the restore: replaying the backup's stream would lose
// them. Each file is judged by its own header, so a run stopped half way
// finishes.
func (l *Application) returnToStream(c *store.DB, live *ese.Stream) error {
	if c.Stream.Sig == live.Sig || live.Sig == 0 {
		return nil
	}
	gens, err := live.Generations()
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, gen := range gens {
		path := live.LogPath(gen)
		sig, err := ese.FileSignature(path)
		if err == nil && sig == live.Sig {
			continue // the backup's stream
		}
		other := &ese.Stream{Dir: live.Dir, Prefix: live.Prefix, Sig: sig}
		if err == nil && !emptyGeneration(gen, other) {
			return fmt.Errorf("the log folder holds generation %s of a stream started since the backup, with changes of its own: "+
				"restoring the backup's stream here would lose them. Restore from a streaming set, whose hard recovery stops where the streams part, or move the folder's logs aside by hand (losing what only they hold) and plan again", filepath.Base(path))
		}
		if _, err := disk.MoveAside(path, l.Now()); err != nil {
			return err
		}
	}
	if sig, err := ese.FileSignature(live.ChkPath()); err == nil && sig != live.Sig {
		if _, err := disk.MoveAside(live.ChkPath(), l.Now()); err != nil {
			return err
		}
	}
	g, err := l.store.SwitchStream(org.Identity(c.SG.Server).Join(c.SG.Name), live.Sig)
	if err != nil {
		return err
	}
	c.SG, c.Stream.Sig = g, live.Sig
	return nil
}

// emptyGeneration reports whether generation gen in the folder holds no
// change, read as the generation of any of the streams (the backup's, or
// the storage group's own since the stream started again); one none of
// them can read is not known to be empty.
func emptyGeneration(gen uint32, streams ...*ese.Stream) bool {
	for _, s := range streams {
		if recs, _, err := s.ReadGeneration(gen); err == nil {
			return len(recs) == 0
		}
	}
	return false
}
