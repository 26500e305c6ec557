package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"

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
			Target: m.Target, TargetFolder: m.TargetFolder, Items: m.Items, Validated: m.Validated, Skipped: m.Skipped, BadItemLimit: m.BadItemLimit, Filter: m.Filter, Sets: m.Sets})
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
			r.Health.Sets = strings.Join(db.RestoredSets, ",")
			path, err := l.HostPath(sg.Server, db.EdbFilePath)
			if err != nil {
				continue
			}
			if e, err := ese.OpenEDB(path, false); err == nil {
				r.Health.FileExists, r.Health.State, r.Health.Created = true, e.Hdr.State, store.StampTime(e.Hdr.Created)
				// Read page by page as production's are: a page failing its
				// checksum made every merge fail, plan after plan
				// (adversarial review).
				r.Health.BadPages, _ = e.Scan()
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
