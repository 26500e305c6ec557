package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// Public folders. Every public folder database holds the hierarchy, and
// the content of the folders it is a replica of; replication keeps the
// replicas alike. So a lost public folder database whose every folder
// has a replica elsewhere needs no restore: an empty database takes its
// place and backfills the hierarchy and the content from the other
// replicas. A folder with no other replica comes back only from the
// backup chain. The plan says which folder comes from where.

// backfillTimeouts is what the plan says of backfill on Exchange: a
// replica that does not answer a backfill request is asked again after
// the backfill timeout ("Replication Short/Long Backfill Request
// Timeout", Exchange Server Analyzer, aa996293).
const backfillTimeouts = "a replica that does not answer is asked again after the backfill timeout: 6 hours within a site, 12 across"

// otherReplicas is the merged hierarchy the mounted public folder
// databases other than id hold, with the live databases it came from by
// identity key; nil when none is mounted and read.
func (b *builder) otherReplicas(id org.Identity) ([]*org.PublicFolder, map[string]*org.Database) {
	var stores []*org.PublicFolderStore
	from := map[string]*org.Database{}
	for _, db := range b.live.Databases {
		if db.Kind != org.PublicFolderDB || db.Identity().Key() == id.Key() || db.Health == nil || db.Health.PublicFolders == nil {
			continue
		}
		stores = append(stores, db.Health.PublicFolders)
		from[db.Identity().Key()] = db
	}
	if len(stores) == 0 {
		return nil, nil
	}
	return org.MergeHierarchies(stores...), from
}

// folderSources says, for each folder db holds a replica of, the other
// mounted replicas its content can come from: a replica that took
// replication from db after it became one (the folder's entry changed
// last before that), so db's posts of the folder reached it. single
// lists the folders with none: a replica added since db last sent its
// content never got it. since is, per folder with a source, the newest
// time one of its sources took replication from db: what db held of
// the folder then is there.
func folderSources(h []*org.PublicFolder, id org.Identity, mounted map[string]*org.Database) (sources map[string][]org.Identity, held, single []string, since map[string]time.Time) {
	sources, since = map[string][]org.Identity{}, map[string]time.Time{}
	for _, f := range h {
		if !f.HasReplica(id) {
			continue
		}
		held = append(held, f.Path)
		for _, r := range f.Replicas {
			src := mounted[r.Key()]
			if r.Key() == id.Key() || src == nil {
				continue
			}
			if got, ok := src.Health.PublicFolders.Received[id.Key()]; ok && !got.Before(f.Changed) {
				sources[f.Path] = append(sources[f.Path], r)
				if got.After(since[f.Path]) {
					since[f.Path] = got
				}
			}
		}
		if len(sources[f.Path]) == 0 {
			single = append(single, f.Path)
		}
	}
	return sources, held, single, since
}

// otherCopies lists, for each folder db holds a replica of, the other
// mounted replicas: where replication brings its content from.
func otherCopies(h []*org.PublicFolder, id org.Identity, mounted map[string]*org.Database) (sources map[string][]org.Identity, held []string) {
	sources = map[string][]org.Identity{}
	for _, f := range h {
		if !f.HasReplica(id) {
			continue
		}
		held = append(held, f.Path)
		for _, r := range f.Replicas {
			if r.Key() != id.Key() && mounted[r.Key()] != nil {
				sources[f.Path] = append(sources[f.Path], r)
			}
		}
	}
	return sources, held
}

// backfill recovers a lost or damaged public folder database from the
// other replicas of its folders: an empty database in its place,
// mounted, then the hierarchy and content sent to it. Only when every
// folder it holds has a mounted replica that took its content, and what
// was made in it since is within the recovery point objective (past it,
// with consent and no backup). It reports false (restore it instead)
// otherwise, and says which folders come from where.
func (b *builder) backfill(db *org.Database, h *org.DatabaseHealth, damage string, parent *providers.Step,
	mount func(string, ...*providers.Step) *providers.Step) bool {
	if db.Kind != org.PublicFolderDB || !db.Mounted {
		return false
	}
	id, addr := db.Identity(), db.Addr.String()
	hier, mounted := b.otherReplicas(id)
	if hier == nil {
		return false
	}
	hierarchySince, replicated := lastReplicated(id, mounted)
	if !replicated {
		// The others' copy of the hierarchy has never heard from it:
		// what it held (a folder made there, its posts) is not known
		// anywhere but in its own files and backups.
		b.note("%s: no other public folder database has taken replication from %s yet, so none knows all the folders and posts it held: it is restored, not backfilled.", addr, id)
		return false
	}
	sources, held, single, contentSince := folderSources(hier, id, mounted)
	if len(single) > 0 {
		b.note("%s: %s no other replica that has taken its content, so only a restore of %s brings %s back%s.",
			addr, folderList(single, "has", "have"), id, pronoun(single), replicatedNote(sources, held, single))
		return false
	}
	// What backfill cannot bring back is what was made in it since it
	// last replicated: a folder since the others last took its
	// hierarchy, a post since a folder's sources last took its content,
	// whichever is older. Within the recovery point objective that is
	// the way back; past it, a restore is, or the loss needs consent.
	since := hierarchySince
	for _, f := range held {
		if contentSince[f].Before(since) {
			since = contentSince[f]
		}
	}
	consented := false
	if window := b.live.Now.Sub(since); b.desired.Objectives.RPO > 0 && !b.live.Now.IsZero() && window > time.Duration(b.desired.Objectives.RPO) {
		what := fmt.Sprintf("backfill from the other replicas would lose any folder or post made in it since its last replication at %s, %s ago, more than the recovery point objective (%s)",
			since.UTC().Format("2006-01-02 15:04:05Z"), org.Duration(window).Short(), b.desired.Objectives.RPO.Short())
		if c := org.FindChain(b.live.Backups, id, db.StorageGroup, db.Recovery.RestoreFrom); c != nil && len(c.Sets) > 0 {
			b.note("%s: %s: it is restored from its backup instead.", addr, what)
			return false
		}
		if !b.allowed(db, what+", and no usable backup exists", "A restore brings back what it held since then: with a backup of its storage group in the catalog, exdr plans the restore instead.") {
			return true
		}
		consented = true
	}
	var deps []*providers.Step
	if h.Mounted {
		deps = append(deps, b.dismountFirst(db, parent, "the damaged public folder database is dismounted so an empty one can take its place"))
	}
	from := "it holds no folder's content, so only the hierarchy comes back"
	if len(held) > 0 {
		from = "every folder it holds has a replica on another public folder database: " + describeSources(sources, held)
	}
	lost := fmt.Sprintf("any folder or post made in it after its last replication (%s), which no other replica got", since.UTC().Format("2006-01-02 15:04:05Z"))
	effect, stepLoss := providers.Irreversible, ""
	if consented {
		effect, stepLoss = providers.DataLoss, lost
	}
	empty := after(b.add(&providers.Step{
		Verb: providers.VerbCreateEmptyDatabase, Address: addr, Identity: id, Args: map[string]string{"edb_file_path": b.fileOf(db)},
		Reason: fmt.Sprintf("%s; %s, so an empty database takes its place (the damaged file is set aside) and backfills from them: no restore", damage, from),
		Effect: effect, Loss: stepLoss,
	}), append(deps, parent)...)
	mounted1 := mount("the empty public folder database is mounted to take the hierarchy and its folders' content", empty)
	b.sync(db, mounted1, mounted)
	b.plan.Losses = append(b.plan.Losses, Loss{Address: addr, Since: since, What: lost})
	return true
}

// sync sends a public folder database the hierarchy and its folders'
// content from the other mounted replicas, after step: backfill of an
// empty one, or what a restored one missed since its backup.
func (b *builder) sync(db *org.Database, step *providers.Step, mounted map[string]*org.Database) {
	hier, _ := b.otherReplicas(db.Identity())
	sources, held := otherCopies(hier, db.Identity(), mounted)
	servers := []string{}
	interval := time.Duration(0)
	for _, src := range mounted {
		if !slices.Contains(servers, src.Server()) {
			servers = append(servers, src.Server())
		}
		if src.ReplicationInterval != nil {
			interval = max(interval, time.Duration(*src.ReplicationInterval))
		}
	}
	slices.Sort(servers)
	if interval == 0 {
		interval = 15 * time.Minute
	}
	reason := fmt.Sprintf("Update-PublicFolderHierarchy brings the hierarchy from %s", strings.Join(servers, ", "))
	if describeSources(sources, held) != "" {
		reason += "; Update-PublicFolder sends " + describeSources(sources, held)
	}
	reason += fmt.Sprintf(". On Exchange the content arrives over the next replication cycles (every %s); %s", org.Duration(interval).Short(), backfillTimeouts)
	var folderSrc []string
	for _, f := range held {
		if len(sources[f]) > 0 {
			folderSrc = append(folderSrc, f+"="+sources[f][0].Parts()[0])
		}
	}
	after(b.add(&providers.Step{
		Verb: providers.VerbUpdatePublicFolders, Address: db.Addr.String(), Identity: db.Identity(),
		Args:     map[string]string{"server": db.Server(), "sources": providers.JoinList(servers), "folders": providers.JoinList(folderSrc)},
		Reason:   reason,
		Effect:   providers.Reversible,
		Estimate: interval,
	}), step)
}

// resync follows a restore or an empty database of a public folder
// database with replication from the other replicas: what they hold
// newer than the backup (and the hierarchy) comes back too.
func (b *builder) resync(db *org.Database) {
	if db.Kind != org.PublicFolderDB || !db.Mounted {
		return
	}
	hier, mounted := b.otherReplicas(db.Identity())
	last := b.lastStepOf(db.Addr.String())
	if hier == nil || last == nil {
		return
	}
	b.sync(db, last, mounted)
}

// lastReplicated is when another mounted replica last took replication
// from id: what id held then is there.
func lastReplicated(id org.Identity, mounted map[string]*org.Database) (time.Time, bool) {
	var newest time.Time
	for _, db := range mounted {
		if t, ok := db.Health.PublicFolders.Received[id.Key()]; ok && t.After(newest) {
			newest = t
		}
	}
	return newest, !newest.IsZero()
}

// describeSources says where each folder's content comes from.
func describeSources(sources map[string][]org.Identity, held []string) string {
	var parts []string
	for _, f := range held {
		if len(sources[f]) > 0 {
			parts = append(parts, fmt.Sprintf("%s from %s", f, sources[f][0]))
		}
	}
	return strings.Join(parts, ", ")
}

// replicatedNote is the rest of the note for a database restored from
// backup: where its replicated folders' newer content comes from.
func replicatedNote(sources map[string][]org.Identity, held, single []string) string {
	var replicated []string
	for _, f := range held {
		if !slices.Contains(single, f) {
			replicated = append(replicated, f)
		}
	}
	if len(replicated) == 0 {
		return ""
	}
	return "; replication brings back the rest, " + describeSources(sources, replicated)
}

func folderList(folders []string, one, many string) string {
	if len(folders) == 1 {
		return folders[0] + " " + one
	}
	return strings.Join(folders, ", ") + " " + many
}

func pronoun(folders []string) string {
	if len(folders) == 1 {
		return "it"
	}
	return "them"
}

// emptyLoses is what an empty public folder database in place of a lost
// one loses for good: the posts of the folders no other replica holds
// (the others backfill); "" for a mailbox database or when unknown.
func (b *builder) emptyLoses(db *org.Database) string {
	if db.Kind != org.PublicFolderDB {
		return ""
	}
	hier, mounted := b.otherReplicas(db.Identity())
	if _, replicated := lastReplicated(db.Identity(), mounted); hier == nil || !replicated {
		return "" // what it held is known nowhere else
	}
	_, held, single, _ := folderSources(hier, db.Identity(), mounted)
	switch {
	case len(single) > 0:
		return "every post of " + strings.Join(single, ", ") + ", which no other replica holds (the other folders backfill from their replicas)"
	case len(held) > 0:
		return "any folder or post made in it after its last replication, which no other replica got (its folders backfill from their replicas)"
	}
	return ""
}

// publicFolderReplicas plans the replica lists the configuration
// declares (folder_replicas), after every database: a folder missing from
// the hierarchy is created (New-PublicFolder), one whose replicas differ
// gets its list (Set-PublicFolder -Replicas). A public folder database
// that does not declare folder_replicas keeps the replicas it has. A
// change that would leave a folder with no replica is refused: its
// content would be deleted.
func (b *builder) publicFolderReplicas() {
	var managed []*org.Database
	for _, db := range b.desired.Databases {
		if db.Kind == org.PublicFolderDB && db.FolderReplicas != nil {
			managed = append(managed, db)
		}
	}
	if len(managed) == 0 {
		return
	}
	live, _ := b.otherReplicas("")
	if live == nil && slices.ContainsFunc(b.live.Databases, func(db *org.Database) bool { return db.Kind == org.PublicFolderDB }) {
		// Public folder databases exist, none of them mounted and read:
		// the hierarchy is not known, and nothing is planned blind.
		b.note("public folders: the public folder hierarchy was not read (no public folder database is mounted and read by the provider), so the replica lists the configuration declares are not compared: plan again once one is mounted.")
		return
	}
	isManaged := func(id org.Identity) bool {
		return slices.ContainsFunc(managed, func(db *org.Database) bool { return db.Identity().Key() == id.Key() })
	}
	// Every folder named, or live on a managed database, in path order
	// (parents before children).
	var paths []string
	declaredBy := map[string][]*org.Database{}
	for _, db := range managed {
		for _, f := range db.FolderReplicas {
			k := strings.ToLower(f)
			if len(declaredBy[k]) == 0 {
				paths = append(paths, f)
			}
			declaredBy[k] = append(declaredBy[k], db)
		}
	}
	for _, f := range live {
		if len(declaredBy[strings.ToLower(f.Path)]) == 0 && slices.ContainsFunc(f.Replicas, isManaged) {
			paths = append(paths, f.Path)
		}
	}
	slices.SortFunc(paths, func(a, c string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(c)) })
	created := map[string]*providers.Step{}
	// One folder's steps after another's: each acts on its database's
	// hierarchy, which two at once would race on.
	var prev *providers.Step
	for _, path := range paths {
		k := strings.ToLower(path)
		i := slices.IndexFunc(live, func(f *org.PublicFolder) bool { return strings.EqualFold(f.Path, path) })
		var want []org.Identity
		var kept []org.Identity
		if i >= 0 {
			for _, r := range live[i].Replicas {
				if !isManaged(r) {
					kept = append(kept, r) // on a database the configuration leaves alone
				}
			}
		}
		for _, db := range declaredBy[k] {
			want = append(want, db.Identity())
		}
		want = append(want, kept...)
		if len(want) == 0 {
			holder := b.wantIx.Database(live[i].Replicas[0])
			rng := holder.Decl.Range
			if r, ok := holder.Decl.Attrs.Lookup("folder_replicas"); ok {
				rng = r
			}
			b.refuse(holder.Addr.String(), &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Last replica of a public folder removed",
				Detail: fmt.Sprintf("No public folder database declares %s in folder_replicas any more, so its replicas (%s) would all go, and its content with them. "+
					"Keep it in the folder_replicas of at least one public_folder_database, or delete the folder in Exchange (Remove-PublicFolder) first if its content is to go.", live[i].Path, joinIDs(live[i].Replicas)),
				Subject: &rng})
			continue
		}
		deps := []*providers.Step{prev}
		for _, id := range want {
			if dbDecl := b.wantIx.Database(id); dbDecl != nil {
				if s := b.lastStepOf(dbDecl.Addr.String()); s != nil {
					deps = append(deps, s)
				}
			}
		}
		first := declaredBy[k][0]
		if i < 0 {
			parent := path[:strings.LastIndex(path, `\`)]
			if parent != "" {
				if s := created[strings.ToLower(parent)]; s != nil {
					deps = append(deps, s)
				} else if !slices.ContainsFunc(live, func(f *org.PublicFolder) bool { return strings.EqualFold(f.Path, parent) }) {
					rng := first.Decl.Range
					if r, ok := first.Decl.Attrs.Lookup("folder_replicas"); ok {
						rng = r
					}
					b.refuse(first.Addr.String(), &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Public folder without its parent",
						Detail:  fmt.Sprintf("%s declares a replica of %s, whose parent %s is neither in the hierarchy nor declared: New-PublicFolder creates a folder under an existing one. Declare %s in folder_replicas too.", first.Addr, path, parent, parent),
						Subject: &rng})
					continue
				}
			}
			step := after(b.add(&providers.Step{
				Verb: providers.VerbNewPublicFolder, Address: folderAddr(first, path), Identity: first.Identity(),
				Args:   map[string]string{"path": path, "server": first.Server()},
				Reason: fmt.Sprintf("public folder %s is not in the hierarchy; it is created with its first replica on %s", path, first.Identity()),
				Effect: providers.Reversible,
			}), deps...)
			created[k], prev = step, step
			if len(want) == 1 {
				continue
			}
			deps = append(deps, step)
		} else if sameReplicas(live[i].Replicas, want) {
			continue
		}
		was := "not in the hierarchy yet"
		if i >= 0 {
			was = "on " + joinIDs(live[i].Replicas)
		}
		prev = after(b.add(&providers.Step{
			Verb: providers.VerbSetPublicFolderReplicas, Address: folderAddr(first, path), Identity: first.Identity(),
			Args: map[string]string{"path": path, "replicas": providers.JoinList(idStrings(want))},
			Reason: fmt.Sprintf("public folder %s is %s; the configuration wants its replicas on %s: replication moves the content at its next cycle, and a replica removed lets its copy go once another holds it",
				path, was, joinIDs(want)),
			Effect: providers.Reversible,
		}), deps...)
	}
}

// folderAddr is the address of a folder's steps: a group of the steps of
// the public folder database that declares it first
// (public_folder_database.PF1.folder["\\Sales"]), which -target of the
// database takes in.
func folderAddr(db *org.Database, path string) string {
	return fmt.Sprintf("%s.folder[%q]", db.Addr, path)
}

func sameReplicas(a, c []org.Identity) bool {
	if len(a) != len(c) {
		return false
	}
	for _, x := range a {
		if !slices.ContainsFunc(c, func(y org.Identity) bool { return y.Key() == x.Key() }) {
			return false
		}
	}
	return true
}

func joinIDs(ids []org.Identity) string { return strings.Join(idStrings(ids), ", ") }

func idStrings(ids []org.Identity) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}
