package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/exdr/exdr/internal/jsonread"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
	"github.com/exdr/exdr/providers/lab/disk"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/host"
	"github.com/exdr/exdr/providers/lab/store"
	"github.com/exdr/exdr/providers/lab/transport"
)

// Read inspects the lab: the directory for configuration, the disks for
// everything else. Databases and log streams are inspected in parallel.
func (l *Lab) Read(ctx context.Context) (*org.Org, error) {
	if !host.Exists(l.Root()) {
		if err := l.NotALab(); err != nil {
			return nil, err
		}
		return &org.Org{Name: l.Organization(), Provider: org.ProviderConfig{Type: "lab", Path: l.Root()}}, nil
	}
	if err := l.CheckTree(); err != nil {
		return nil, err
	}
	var d *ad.Directory
	if err := l.ViewDirectory(func(cur *ad.Directory) error { d = cur; return nil }); err != nil {
		return nil, err
	}
	o := &org.Org{Name: d.Organization, Provider: org.ProviderConfig{Type: "lab", Path: l.Root()}, Now: l.Now()}
	names := make([]string, len(d.Servers))
	for i, s := range d.Servers {
		names[i] = s.Name
	}
	sv := l.Survey(names)
	stores, err := l.readServers(ctx, d, o, sv)
	if err != nil {
		return nil, err
	}
	// A link planted where the lab keeps its files is refused by name,
	// never read as damage to recover from.
	links := &linkNotes{}
	cats, err := l.readStorage(ctx, d, o, sv, stores, links)
	if err != nil {
		return nil, err
	}
	if err := links.first(); err != nil {
		return nil, err
	}
	o.Mailboxes = liveMailboxes(d, cats)
	folderReplicas(o)
	o.RecoveryStorageGroups = l.liveRecoveryGroups(d, stores)
	if o.QueueDatabases, err = l.LiveQueues(d); err != nil {
		return nil, err
	}
	for _, m := range d.Merges {
		o.Merges = append(o.Merges, &org.Merge{RecoveryGroup: org.Identity(m.RecoveryGroup), Mailbox: m.Mailbox,
			Target: m.Target, TargetFolder: m.TargetFolder, Items: m.Items, Validated: m.Validated, Skipped: m.Skipped, BadItemLimit: m.BadItemLimit})
	}
	sortLive(o)
	sets, err := l.Backups()
	if err != nil {
		return nil, err
	}
	for _, m := range sets {
		o.Backups = append(o.Backups, m.Live(l.Verify(m)))
	}
	o.Throughput = l.Throughput()
	return o, nil
}

// readServers reads each server's health (up, its disks, Setup's
// watermark, free space, an Edge's configuration) into o, and returns
// each server's store by identity key. The servers are read on every
// core: each is a few stats and its store's state, a JSON file, and at
// 2,000 servers one after another took 94 ms with the other core idle.
func (l *Lab) readServers(ctx context.Context, d *ad.Directory, o *org.Org, sv *host.Survey) (map[string]*store.Service, error) {
	type read struct {
		live  *org.Server
		store *store.Service
		err   error
	}
	reads := make([]read, len(d.Servers))
	jobs := make([]func(), len(d.Servers))
	for i, s := range d.Servers {
		jobs[i] = func() {
			live, err := l.readServer(d, s, sv)
			if err != nil {
				reads[i].err = err
				return
			}
			st, err := l.LoadStore(s.Name)
			reads[i] = read{live, st, err}
		}
	}
	if err := runParallel(ctx, jobs); err != nil {
		return nil, err
	}
	stores := make(map[string]*store.Service, len(d.Servers))
	for i, r := range reads {
		if r.err != nil {
			return nil, r.err // the first in the directory's order, as when read one by one
		}
		o.Servers = append(o.Servers, r.live)
		stores[org.Identity(d.Servers[i].Name).Key()] = r.store
	}
	return stores, nil
}

// readServer reads one server's health and settings.
func (l *Lab) readServer(d *ad.Directory, s *ad.Server, sv *host.Survey) (*org.Server, error) {
	edition, _ := org.ParseEdition(s.Edition)
	_, err := os.Stat(l.DisksDir(s.Name))
	failed := err == nil && l.Failed(s.Name)
	h := &org.ServerHealth{Up: err == nil && !failed, DisksSurvive: failed, Free: map[string]org.Size{}}
	if _, werr := os.Lstat(l.SetupWatermark(s.Name)); werr == nil {
		h.SetupIncomplete = true
	}
	for _, d := range sv.Drives(s.Name) {
		h.Free[d] = sv.Free(s.Name, d)
	}
	live := &org.Server{Name: s.Name, Roles: s.Roles, Site: s.Site, Edition: edition, Health: h}
	if c := s.Cluster; c != nil {
		live.ClusterNodes = slices.Clone(c.Nodes)
		slices.Sort(live.ClusterNodes)
		live.Cluster = l.liveCluster(c)
	}
	if s.Roles.Has(org.RoleEdgeTransport) {
		if live.Edge, err = l.readEdge(d, s.Name, h); err != nil {
			return nil, err
		}
	}
	return live, nil
}

// readEdge reads an Edge server's configuration (ADAM) and subscription.
func (l *Lab) readEdge(d *ad.Directory, name string, h *org.ServerHealth) (*org.EdgeSettings, error) {
	edge := &org.EdgeSettings{}
	c, err := l.EdgeConfigOf(name)
	if err != nil && h.Up && !h.SetupIncomplete {
		// ADAM is the Edge's configuration store: unreadable on a
		// running server, it is not read as a server to subscribe.
		return nil, fmt.Errorf("the Edge Transport server %s's configuration store (ADAM, %s) cannot be read: %v; "+
			"put it back from a copy of the lab, or rebuild the server from its export (exdr lab break lose-server %s, then exdr apply)",
			name, l.ADAMPath(name), err, name)
	}
	if err == nil && h.Up {
		edge.ConfigHash = transport.EdgeConfigHash(c)
		edge.Fresh = edge.ConfigHash == transport.EdgeConfigHash(transport.DefaultEdgeConfig(name))
	}
	// A subscription has two sides: the hub's, in the directory, and the
	// Edge's EdgeSync credentials, lost with the server.
	for _, sub := range d.EdgeSubscriptions {
		edge.Subscribed = edge.Subscribed || (strings.EqualFold(sub.Edge, name) && err == nil && c.Subscription != nil)
	}
	return edge, nil
}

// readStorage reads each production storage group's log stream and its
// databases' files into o, and returns the catalogs of the databases, in
// the directory's order. A storage group is one job, its stream read
// before its databases (a dirty database needs the stream's newest
// generation, and a mounted one the catalog images it logged); the jobs
// run in parallel, so that no storage group waits for every other
// stream to be read.
func (l *Lab) readStorage(ctx context.Context, d *ad.Directory, o *org.Org, sv *host.Survey, stores map[string]*store.Service,
	links *linkNotes) ([]*store.Catalog, error) {
	type group struct {
		sg   *ad.StorageGroup
		live *org.StorageGroup
		dbs  []func(newest uint32, logged map[uint64]ese.Record)
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, sg := range d.StorageGroups {
		if sg.Recovery {
			continue // reported as a recovery storage group
		}
		live := &org.StorageGroup{
			Name: sg.Name, Server: sg.Server, LogFolderPath: sg.LogFolderPath,
			SystemFolderPath: sg.SystemFolderPath, CircularLogging: sg.CircularLogging,
		}
		if c := sg.Copy; c != nil {
			live.Copy = &org.StandbyCopy{Local: c.Local, Cluster: c.Cluster, Path: c.Path, Machine: c.Machine, Health: l.CopyHealth(sg)}
			if lag, err := org.ParseDuration(c.ReplayLag); err == nil {
				live.Copy.ReplayLag = lag
			}
		}
		o.StorageGroups = append(o.StorageGroups, live)
		g := &group{sg: sg, live: live}
		groups = append(groups, g)
		byKey[live.Identity().Key()] = g
	}
	cats := make([]*store.Catalog, len(d.Databases))
	var jobs []func()
	// This loop runs before any job starts, on one core: what depends
	// on the storage group is looked up once per group (a group's
	// databases stand together in the directory), and each database's
	// settings are filled in by its job, on every core.
	var (
		seen   bool
		prevSG string
		sg     *ad.StorageGroup
		st     *store.Service
		g      *group
	)
	for i, db := range d.Databases {
		if db.RecoveryOf != "" {
			continue // a recovery database: part of its group's report
		}
		live := &org.Database{}
		o.Databases = append(o.Databases, live)
		if !seen || db.StorageGroup != prevSG {
			seen, prevSG = true, db.StorageGroup
			id := org.Identity(db.StorageGroup)
			sg = d.StorageGroup(id)
			st = stores[org.Identity(id.Parts()[0]).Key()]
			g = byKey[id.Key()]
		}
		sg, st := sg, st
		read := func(newest uint32, logged map[uint64]ese.Record) {
			fillLiveDatabase(live, db)
			cats[i] = l.readDatabase(db, live, sg, st, newest, logged, sv, links)
		}
		if g != nil {
			g.dbs = append(g.dbs, read)
		} else {
			jobs = append(jobs, func() { read(0, nil) }) // no stream to read first
		}
	}
	for _, g := range groups {
		jobs = append(jobs, func() {
			var logged map[uint64]ese.Record
			if s, err := sv.Stream(g.sg); err == nil {
				entries, exists := sv.Folder(s.Dir)
				var ierr error
				g.live.Health, logged, ierr = ese.InspectListed(s, entries, exists)
				links.note(ierr)
			} else {
				links.note(err)
				g.live.Health = &org.LogHealth{Prefix: g.sg.Prefix}
			}
			// The newest generation the stream has started, even one now
			// gone: a database needs it as much as any other.
			newest := g.live.Health.OnDisk.High
			for _, gen := range g.live.Health.Missing {
				newest = max(newest, gen)
			}
			for _, read := range g.dbs {
				read(newest, logged)
			}
		})
	}
	return cats, runParallel(ctx, jobs)
}

// readDatabase reads one production database's file into live, and
// returns its catalog.
func (l *Lab) readDatabase(db *ad.Database, live *org.Database, sg *ad.StorageGroup, st *store.Service,
	newest uint32, logged map[uint64]ese.Record, sv *host.Survey, links *linkNotes) *store.Catalog {
	path, err := sv.HostPath(live.Server(), db.EdbFilePath)
	if err != nil {
		links.note(err)
		live.Health = &org.DatabaseHealth{}
		return nil
	}
	entry, found := sv.Lookup(path)
	if found && entry.Type()&os.ModeSymlink != 0 {
		links.note(&host.LinkError{Path: path})
	}
	var cat *store.Catalog
	live.Health, cat = l.inspectDatabase(db, sg, st, path, entry, found, newest, logged, sv)
	if live.Kind == org.PublicFolderDB && cat != nil && live.Health.Mounted {
		live.Health.PublicFolders = livePublicFolders(cat)
	}
	if _, ok := sv.Lookup(store.SwapRecordPath(path, db.Name)); ok {
		if live.Health.Swap, err = store.PendingSwap(path, db.Name); err != nil {
			links.fail(err)
		}
	}
	return cat
}

// fillLiveDatabase sets live's directory settings from db.
func fillLiveDatabase(live *org.Database, db *ad.Database) {
	*live = org.Database{
		Kind: org.MailboxDB, Name: db.Name, StorageGroup: org.Identity(db.StorageGroup),
		EdbFilePath: db.EdbFilePath, AllowFileRestore: &db.AllowFileRestore,
		RetainDeletedItemsUntilBackup: &db.RetainDeletedItemsUntilBackup,
	}
	if db.Kind == "public_folder" {
		live.Kind = org.PublicFolderDB
	}
	if d, err := org.ParseDuration(db.DeletedItemRetention); err == nil {
		live.DeletedItemRetention = &d
	}
	if d, err := org.ParseDuration(db.MailboxRetention); err == nil && live.Kind == org.MailboxDB {
		live.MailboxRetention = &d
	}
	if live.Kind == org.PublicFolderDB {
		period := org.Duration(ad.DurationOr(db.ReplicationPeriod, store.DefaultReplicationPeriod))
		live.ReplicationInterval = &period
	}
}

// inspectDatabase reads a database's header and verifies every page, as
// eseutil /mh and /k would, from one read of the whole file (a file too
// large to hold is read in parts). A database counts as mounted only if
// the store attached this very file and its header says it is attached.
//
// Long on purpose: eseutil /mh's report, field by field, in its order.
func (l *Lab) inspectDatabase(db *ad.Database, sg *ad.StorageGroup, st *store.Service, path string, entry host.Entry, found bool,
	newestLog uint32, logged map[uint64]ese.Record, sv *host.Survey) (*org.DatabaseHealth, *store.Catalog) {
	h := &org.DatabaseHealth{}
	if !found {
		return h, nil
	}
	h.FileExists = true
	if entry.Type()&os.ModeSymlink != 0 {
		return h, nil // refused by the read, by name
	}
	if !entry.Type().IsRegular() {
		// A folder, a FIFO, a device where the file should be: no
		// database, and never opened (a FIFO would wait for a writer).
		h.BadPages = []uint32{0}
		return h, nil
	}
	h.Size = org.Size(entry.Size())
	bp := imageBuffers.Get().(*[]byte)
	defer imageBuffers.Put(bp)
	var e *ese.File
	data, err := disk.ReadWhole(path, *bp, maxImage)
	switch {
	case errors.Is(err, disk.ErrTooLarge):
		e, err = ese.OpenEDB(path, false) // the header alone, as eseutil /mh reads it
	case err == nil:
		*bp = data[:0]
		h.Size = org.Size(len(data))
		e, err = ese.FromBytes(data)
	}
	if errors.Is(err, os.ErrNotExist) {
		h.FileExists, h.Size = false, 0 // gone since the survey
		return h, nil
	}
	if err != nil {
		// An unreadable header makes the whole file unusable: report
		// page 0 as failing, as eseutil reports a damaged header.
		h.BadPages = []uint32{0}
		return h, nil
	}
	defer e.Close()
	hdr := e.Hdr
	if !strings.EqualFold(hdr.Identity, string(db.Identity())) || (sg != nil && hdr.LogStream != sg.Signature) {
		h.BadPages = []uint32{0} // another database's file stands at this path
		h.Foreign = hdr.Identity
		if strings.EqualFold(hdr.Identity, string(db.Identity())) {
			h.Foreign = string(db.Identity()) + " of another log stream (a copy from elsewhere)"
		}
		return h, nil
	}
	h.State, h.Pages, h.RepairCount = hdr.State, int(hdr.Pages), int(hdr.RepairCount)
	if hdr.State == org.StateDirty {
		// Recovery replays every generation from the header's low one to
		// the newest on disk.
		h.LogRequired = hdr.LogRequired
		if newestLog > h.LogRequired.High {
			h.LogRequired.High = newestLog
		}
	}
	h.BadPages, _ = e.Scan()
	h.ItemsAtRisk = store.ItemsAtRisk(e, h.BadPages)
	if _, ok := sv.Lookup(store.RestoreMarkerPath(path, db.Name)); ok {
		h.Restore = store.PendingRestore(path, db.Name, hdr.Signature)
	}
	h.LastFull = store.StampTime(hdr.LastFull)
	h.Created = store.StampTime(hdr.Created)
	// A database whose restore is not recovered cannot be mounted, even if
	// the file put in its place carries the signature of one that was.
	h.Mounted = h.Restore == nil && st.IsMounted(db.Identity(), hdr)
	return h, storeCatalog(e, logged[hdr.Signature], h.Mounted)
}

// maxImage is the largest database file a read holds whole in memory
// (one per inspecting goroutine); a larger one is read in parts.
const maxImage = 16 << 20

var imageBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 256<<10); return &b }}

// runParallel runs independent inspection jobs on a few goroutines, all of
// which finish before it returns.
func runParallel(ctx context.Context, jobs []func()) error {
	workers := min(len(jobs), 2*runtime.GOMAXPROCS(0))
	next := make(chan func())
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for job := range next {
				job()
			}
		})
	}
	var err error
	for _, job := range jobs {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- job
	}
	close(next)
	wg.Wait()
	return err
}

// sortLive puts the live resources in identity order, each key folded
// once rather than in every comparison.
func sortLive(o *org.Org) {
	sortByKey(o.Servers, func(s *org.Server) org.Identity { return s.Identity() })
	sortByKey(o.StorageGroups, func(sg *org.StorageGroup) org.Identity { return sg.Identity() })
	sortByKey(o.Databases, func(db *org.Database) org.Identity { return db.Identity() })
}

func sortByKey[T any](list []T, id func(T) org.Identity) {
	type keyed struct {
		key string
		v   T
	}
	ks := make([]keyed, len(list))
	for i, v := range list {
		ks[i] = keyed{id(v).Key(), v}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	for i := range ks {
		list[i] = ks[i].v
	}
}

// livePublicFolders is what a public folder database's catalog holds of
// the hierarchy, as Get-PublicFolder on that server shows it.
func livePublicFolders(cat *store.Catalog) *org.PublicFolderStore {
	s := &org.PublicFolderStore{Received: map[string]time.Time{}}
	for _, f := range cat.Hierarchy {
		pf := &org.PublicFolder{Path: f.Path, Changed: f.Changed}
		for _, r := range f.Replicas {
			pf.Replicas = append(pf.Replicas, org.Identity(r))
		}
		s.Hierarchy = append(s.Hierarchy, pf)
	}
	for db, at := range cat.Received {
		s.Received[org.Identity(db).Key()] = at
	}
	return s
}

// storeCatalog is a mailbox or public folder database's catalog as its store sees it: the
// page, or the newer logged image of it for a database in dirty shutdown
// (mounted, or crashed with the change awaiting soft recovery).
func storeCatalog(e *ese.File, logged ese.Record, _ bool) *store.Catalog {
	if len(e.Hdr.Identity) == 0 {
		return nil
	}
	if e.Hdr.State == org.StateDirty && logged.Payload != nil && logged.LSN >= e.Hdr.AttachLSN {
		// The logged image is what the store shows; the page need only be
		// readable, as ReadCatalog would require, not decoded too.
		var newer store.Catalog
		if pageCatalogReadable(e) && jsonread.Unmarshal(logged.Payload[13:], &newer) == nil {
			return &newer
		}
	}
	cat, err := store.ReadCatalog(e)
	if err != nil {
		return nil
	}
	return cat
}

// pageCatalogReadable is whether store.ReadCatalog would read the catalog
// page without an error.
func pageCatalogReadable(e *ese.File) bool {
	pg, ok, err := e.ReadPage(1)
	return err == nil && (!ok || len(pg.Payload) == 0 || json.Valid(pg.Payload))
}

// liveMailboxes joins the directory's mailbox objects with what each
// database's store holds.
func liveMailboxes(d *ad.Directory, cats []*store.Catalog) []*org.Mailbox {
	var out []*org.Mailbox
	inStore := map[string]*store.Catalog{} // db key + "|" + alias key
	for i, db := range d.Databases {
		if cats[i] == nil {
			continue
		}
		for _, mb := range cats[i].Mailboxes {
			inStore[db.Identity().Key()+"|"+strings.ToLower(mb)] = cats[i]
		}
	}
	seen := map[string]bool{}
	for _, m := range d.Mailboxes {
		key := org.Identity(m.Database).Key() + "|" + strings.ToLower(m.Alias)
		seen[key] = true
		h := &org.MailboxHealth{InDirectory: true}
		if cat := inStore[key]; cat != nil {
			h.InStore, h.Disconnected = true, cat.Disconnected[m.Alias]
		}
		out = append(out, &org.Mailbox{Name: m.Alias, Owner: m.Owner, Database: org.Identity(m.Database), Health: h,
			UseDatabaseRetentionDefaults: m.UseDefaults, RetainDeletedItemsUntilBackup: boolPtr(m.RetainUntilBackup),
			RetainDeletedItemsFor: durationPtr(m.RetainDeletedItemsFor)})
	}
	for i, db := range d.Databases {
		if cats[i] == nil {
			continue
		}
		for _, mb := range cats[i].Mailboxes {
			key := db.Identity().Key() + "|" + strings.ToLower(mb)
			if seen[key] {
				continue
			}
			out = append(out, &org.Mailbox{Name: mb, Database: db.Identity(),
				Health: &org.MailboxHealth{InStore: true, Disconnected: cats[i].Disconnected[mb]}})
		}
	}
	slices.SortFunc(out, func(a, b *org.Mailbox) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out
}

func boolPtr(b bool) *bool { return &b }

func durationPtr(s string) *org.Duration {
	if d, err := org.ParseDuration(s); err == nil {
		return &d
	}
	return nil
}

// liveRecoveryGroups reports each recovery storage group with its
// recovery database's state.
func (l *Lab) liveRecoveryGroups(d *ad.Directory, stores map[string]*store.Service) []*org.RecoveryStorageGroup {
	var out []*org.RecoveryStorageGroup
	for _, sg := range d.StorageGroups {
		if !sg.Recovery {
			continue
		}
		r := &org.RecoveryStorageGroup{Name: sg.Name, Server: sg.Server, LogFolderPath: sg.LogFolderPath,
			SystemFolderPath: sg.SystemFolderPath, Health: &org.RecoveryHealth{}}
		for _, db := range d.Databases {
			if db.RecoveryOf == "" || !strings.EqualFold(db.StorageGroup, string(r.Identity())) {
				continue
			}
			r.Database, r.EdbFilePath, r.Health.DatabaseExists = org.Identity(db.RecoveryOf), db.EdbFilePath, true
			path, err := l.HostPath(sg.Server, db.EdbFilePath)
			if err != nil {
				continue
			}
			if e, err := ese.OpenEDB(path, false); err == nil {
				r.Health.FileExists, r.Health.State, r.Health.Created = true, e.Hdr.State, store.StampTime(e.Hdr.Created)
				r.Health.Mounted = stores[org.Identity(sg.Server).Key()].IsMounted(db.Identity(), e.Hdr)
				e.Close()
			}
		}
		out = append(out, r)
	}
	return out
}

// linkNotes gathers the links inspection jobs run into (they run in
// parallel); Read fails with the first.
type linkNotes struct {
	mu  sync.Mutex
	err error
}

func (n *linkNotes) note(err error) {
	var le *disk.LinkError
	if !errors.As(err, &le) {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.err == nil {
		n.err = err
	}
}

// fail records an error that is not a link: a file the lab cannot read.
func (n *linkNotes) fail(err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.err == nil {
		n.err = err
	}
}

func (n *linkNotes) first() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.err
}

// folderReplicas fills each live public folder database's FolderReplicas
// from the hierarchy the mounted ones agree on.
func folderReplicas(o *org.Org) {
	var stores []*org.PublicFolderStore
	for _, db := range o.Databases {
		if db.Health != nil && db.Health.PublicFolders != nil {
			stores = append(stores, db.Health.PublicFolders)
		}
	}
	if len(stores) == 0 {
		return
	}
	h := org.MergeHierarchies(stores...)
	for _, db := range o.Databases {
		if db.Kind != org.PublicFolderDB {
			continue
		}
		db.FolderReplicas = []string{}
		for _, f := range h {
			if f.HasReplica(db.Identity()) {
				db.FolderReplicas = append(db.FolderReplicas, f.Path)
			}
		}
	}
}
