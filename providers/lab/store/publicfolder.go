package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/lab/ad"
)

// Public folders, as the Exchange 2007 store keeps them: every public
// folder database holds a copy of the whole hierarchy (each folder and
// its replica list), and the content of the folders it is a replica of.
// The public folder replication agent sends, at each database's
// replication interval (Set-PublicFolderDatabase -ReplicationPeriod,
// 15 minutes by default), the hierarchy and the content of its folders
// to the other replicas; a replica that lacks content (a new or empty
// database) is filled by backfill from the others. The lab keeps the
// hierarchy on each database's catalog page and a folder's posts as
// items whose Folder is the folder's path and whose Mailbox is empty.

// PublicFolder is one folder of the hierarchy as a database's copy of it
// holds it.
type PublicFolder struct {
	Path string `json:"path"` // \Top\Sub, its case as created
	// Replicas are the public folder databases that hold its content,
	// by identity (Set-PublicFolder -Replicas).
	Replicas []string `json:"replicas"`
	// Changed is when the hierarchy entry last changed: where two copies
	// of the hierarchy differ, the newer change wins.
	Changed time.Time `json:"changed"`
}

// HasReplica reports whether db holds a replica of the folder.
func (f *PublicFolder) HasReplica(db string) bool {
	return slices.ContainsFunc(f.Replicas, func(r string) bool { return strings.EqualFold(r, db) })
}

// DefaultReplicationPeriod is Set-PublicFolderDatabase -ReplicationPeriod's
// default: with the schedule "Always Run", replication every 15 minutes.
const DefaultReplicationPeriod = 15 * time.Minute

// findFolder is the index of path in a hierarchy, or -1; paths compare
// without regard to case, as Exchange's do.
func findFolder(h []*PublicFolder, path string) int {
	return slices.IndexFunc(h, func(f *PublicFolder) bool { return strings.EqualFold(f.Path, path) })
}

// mergeHierarchy is into with from folded in, the newer change of a
// folder winning; neither is changed.
func mergeHierarchy(into, from []*PublicFolder) []*PublicFolder {
	out := make([]*PublicFolder, 0, len(into)+len(from))
	for _, f := range into {
		c := *f
		c.Replicas = slices.Clone(f.Replicas)
		out = append(out, &c)
	}
	for _, f := range from {
		c := *f
		c.Replicas = slices.Clone(f.Replicas)
		switch i := findFolder(out, f.Path); {
		case i < 0:
			out = append(out, &c)
		case f.Changed.After(out[i].Changed):
			out[i] = &c
		}
	}
	slices.SortFunc(out, func(a, b *PublicFolder) int { return strings.Compare(strings.ToLower(a.Path), strings.ToLower(b.Path)) })
	return out
}

// publicFolderDatabases are the directory's public folder databases.
func (l *Store) publicFolderDatabases() []*ad.Database {
	var out []*ad.Database
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, db := range d.Databases {
			if db.Kind == "public_folder" && db.RecoveryOf == "" {
				c := *db
				out = append(out, &c)
			}
		}
		return nil
	})
	return out
}

// publicFolderDatabaseOn is a server's public folder database (Exchange
// 2007 allows one per server).
func (l *Store) publicFolderDatabaseOn(server string) (*ad.Database, error) {
	var found *ad.Database
	l.ViewDirectory(func(d *ad.Directory) error {
		for _, db := range d.Databases {
			sg := d.StorageGroup(org.Identity(db.StorageGroup))
			if db.Kind == "public_folder" && sg != nil && strings.EqualFold(sg.Server, server) {
				c := *db
				found = &c
			}
		}
		return nil
	})
	if found == nil {
		return nil, fmt.Errorf("server %s has no public folder database", server)
	}
	return found, nil
}

// skippable are the errors of a database replication passes over: not
// mounted, or on a server that is down or failed.
func skippable(err error) bool {
	var down *ServerDownError
	return errors.Is(err, ErrNotMounted) || errors.As(err, &down) || strings.Contains(err.Error(), "has failed")
}

// replica is what one mounted public folder database holds, read for
// replication.
type replica struct {
	db        *ad.Database
	hierarchy []*PublicFolder
	items     []Item    // its public folder posts
	last      time.Time // its last replication, or its creation
}

// mountedReplicas reads every mounted public folder database.
func (l *Store) mountedReplicas() ([]*replica, error) {
	var out []*replica
	for _, db := range l.publicFolderDatabases() {
		r := &replica{db: db}
		err := l.WithMountedView(db.Identity(), func(v *View, _ time.Time) error {
			r.hierarchy = v.Cat.Hierarchy
			r.last = v.Cat.Replicated
			if r.last.IsZero() {
				r.last = v.Cat.Created
			}
			items, err := v.Items()
			for _, it := range items {
				if it.Mailbox == "" && strings.HasPrefix(it.Folder, `\`) {
					r.items = append(r.items, it)
				}
			}
			return err
		})
		switch {
		case err == nil:
			out = append(out, r)
		case !skippable(err):
			return nil, fmt.Errorf("%s: %w", db.Identity(), err)
		}
	}
	return out, nil
}

// Hierarchy is the merged hierarchy of every mounted public folder
// database: what Get-PublicFolder -Recurse shows.
func (l *Store) Hierarchy() ([]*PublicFolder, error) {
	reps, err := l.mountedReplicas()
	if err != nil {
		return nil, err
	}
	return hierarchyOf(reps)
}

// hierarchyOf merges what the mounted databases read hold.
func hierarchyOf(reps []*replica) ([]*PublicFolder, error) {
	if len(reps) == 0 {
		return nil, errors.New("no public folder database is mounted: the hierarchy cannot be read")
	}
	var h []*PublicFolder
	for _, r := range reps {
		h = mergeHierarchy(h, r.hierarchy)
	}
	return h, nil
}

// NewPublicFolder creates a folder in the hierarchy with its one replica
// the public folder database on server, as New-PublicFolder -Path
// -Server does. Its parent must exist; an existing folder is left as it
// is.
func (l *Store) NewPublicFolder(path, server string) error {
	if err := org.ValidFolderPath(path); err != nil {
		return err
	}
	db, err := l.publicFolderDatabaseOn(server)
	if err != nil {
		return err
	}
	h, err := l.Hierarchy()
	if err != nil {
		return err
	}
	if findFolder(h, path) >= 0 {
		return nil
	}
	if parent := path[:strings.LastIndex(path, `\`)]; parent != "" && findFolder(h, parent) < 0 {
		return fmt.Errorf("public folder %s does not exist: create it before %s", parent, path)
	}
	now := l.Now().UTC()
	return l.WithMountedView(db.Identity(), func(v *View, _ time.Time) error {
		v.Cat.Hierarchy = mergeHierarchy(v.Cat.Hierarchy, []*PublicFolder{{Path: path, Replicas: []string{string(db.Identity())}, Changed: now}})
		v.Changed[1] = true
		return nil
	})
}

// SetReplicas gives a folder its replica list, as Set-PublicFolder
// -Replicas does: the change is written to every mounted public folder
// database's hierarchy, and content moves at the next replication. A
// list without a replica is refused: the content would have nowhere to
// be.
func (l *Store) SetReplicas(path string, replicas []string) error {
	if len(replicas) == 0 {
		return fmt.Errorf("public folder %s must keep at least one replica: removing the last one would delete its content", path)
	}
	pfs := l.publicFolderDatabases()
	var ids []string
	for _, r := range replicas {
		i := slices.IndexFunc(pfs, func(db *ad.Database) bool { return db.Identity().Key() == org.Identity(r).Key() })
		if i < 0 {
			return fmt.Errorf("%s is not a public folder database", r)
		}
		if !slices.Contains(ids, string(pfs[i].Identity())) {
			ids = append(ids, string(pfs[i].Identity()))
		}
	}
	h, err := l.Hierarchy()
	if err != nil {
		return err
	}
	i := findFolder(h, path)
	if i < 0 {
		return fmt.Errorf("public folder %s does not exist", path)
	}
	entry := &PublicFolder{Path: h[i].Path, Replicas: ids, Changed: l.Now().UTC()}
	if !entry.Changed.After(h[i].Changed) {
		entry.Changed = h[i].Changed.Add(time.Nanosecond) // the newer change wins, even within one tick
	}
	for _, db := range pfs {
		err := l.WithMountedView(db.Identity(), func(v *View, _ time.Time) error {
			v.Cat.Hierarchy = mergeHierarchy(v.Cat.Hierarchy, []*PublicFolder{entry})
			v.Changed[1] = true
			return nil
		})
		if err != nil && !skippable(err) {
			return err
		}
	}
	return nil
}

// Post puts n new posts in a folder, in the first of its replicas that
// is mounted, as a client writing to the folder would. It returns the
// database that took them.
func (l *Store) Post(path string, n int) (org.Identity, error) {
	reps, err := l.mountedReplicas()
	if err != nil {
		return "", err
	}
	h, err := hierarchyOf(reps)
	if err != nil {
		return "", err
	}
	i := findFolder(h, path)
	if i < 0 {
		return "", fmt.Errorf("public folder %s does not exist", path)
	}
	f := h[i]
	// Numbered on from the most any mounted replica holds, so two
	// replicas never hold two posts of one name.
	have := 0
	for _, r := range reps {
		n := 0
		for _, it := range r.items {
			if strings.EqualFold(it.Folder, f.Path) {
				n++
			}
		}
		have = max(have, n)
	}
	for _, r := range f.Replicas {
		now := l.Now().UTC()
		err := l.WithMountedView(org.Identity(r), func(v *View, _ time.Time) error {
			for k := 1; k <= n; k++ {
				if err := v.Deliver(Item{Folder: f.Path, Subject: fmt.Sprintf("Post %d to %s", have+k, f.Path), From: "lab@contoso.example", Time: now,
					Body: fmt.Sprintf("Post %d to public folder %s.", have+k, f.Path)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			return org.Identity(r), nil
		}
		if !skippable(err) {
			return "", err
		}
	}
	return "", fmt.Errorf("no replica of public folder %s is mounted (%s): the post cannot be saved", f.Path, strings.Join(f.Replicas, ", "))
}

// ReplicatePublicFolders runs the public folder replication agent. Each
// mounted public folder database whose replication interval has passed
// since its last replication (every one with now, as
// Update-PublicFolderHierarchy and Update-PublicFolder ask) sends its
// hierarchy, and the posts of the folders it holds, to the other mounted
// databases: a replica of a folder takes the posts it lacks (backfill,
// for a new or empty one); a database no longer a replica lets the
// folder's posts go once a replica holds them all. Only to receives when
// set (an identity). Deleted posts are not replicated: the lab's folders
// only grow. It returns how many posts were copied.
func (l *Store) ReplicatePublicFolders(now bool, to org.Identity) (int, error) {
	reps, err := l.mountedReplicas()
	if err != nil {
		return 0, err
	}
	at := l.Now().UTC()
	var senders []*replica
	sent := map[*replica]bool{}
	for _, r := range reps {
		if now || at.Sub(r.last) >= ad.DurationOr(r.db.ReplicationPeriod, DefaultReplicationPeriod) {
			senders = append(senders, r)
			sent[r] = !now // a scheduled cycle: the next is an interval on
		}
	}
	if len(senders) == 0 {
		return 0, nil
	}
	copied := 0
	for _, rcv := range reps {
		if to != "" && rcv.db.Identity().Key() != to.Key() {
			continue
		}
		me := string(rcv.db.Identity())
		h := rcv.hierarchy
		var from []*replica
		for _, s := range senders {
			if s != rcv {
				h = mergeHierarchy(h, s.hierarchy)
				from = append(from, s)
			}
		}
		if len(from) == 0 {
			if sent[rcv] {
				// It sent and took nothing: its next cycle is an interval on.
				err := l.WithMountedView(rcv.db.Identity(), func(v *View, _ time.Time) error {
					v.Cat.Replicated = at
					v.Changed[1] = true
					return nil
				})
				if err != nil && !skippable(err) {
					return copied, err
				}
			}
			continue
		}
		have := map[postKey]bool{}
		for _, it := range rcv.items {
			have[keyOf(it)] = true
		}
		var take []Item
		for _, s := range from {
			for _, it := range s.items {
				i := findFolder(h, it.Folder)
				if i >= 0 && h[i].HasReplica(me) && !have[keyOf(it)] {
					have[keyOf(it)] = true
					take = append(take, it)
				}
			}
		}
		// Posts of folders it no longer holds go once another mounted
		// replica holds each of them.
		elsewhere := map[postKey]bool{}
		for _, r := range reps {
			if r == rcv {
				continue
			}
			for _, it := range r.items {
				if i := findFolder(h, it.Folder); i >= 0 && h[i].HasReplica(string(r.db.Identity())) {
					elsewhere[keyOf(it)] = true
				}
			}
		}
		err := l.WithMountedView(rcv.db.Identity(), func(v *View, _ time.Time) error {
			v.Cat.Hierarchy = h
			if v.Cat.Received == nil {
				v.Cat.Received = map[string]time.Time{}
			}
			for _, s := range from {
				v.Cat.Received[string(s.db.Identity())] = at
			}
			if sent[rcv] {
				v.Cat.Replicated = at
			}
			v.Changed[1] = true
			v.Rewrite(func(it *Item) bool {
				if it.Mailbox != "" || !strings.HasPrefix(it.Folder, `\`) {
					return true
				}
				i := findFolder(h, it.Folder)
				return i < 0 || h[i].HasReplica(me) || !elsewhere[keyOf(*it)]
			})
			for _, it := range take {
				if err := v.Deliver(it); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil && !skippable(err) {
			return copied, err
		}
		if err == nil {
			copied += len(take)
		}
	}
	return copied, nil
}

// Backfill brings a public folder database the hierarchy and the content
// of its folders from every other mounted replica at once, as
// Update-PublicFolderHierarchy and Update-PublicFolder start (on Exchange
// it arrives over the following replication cycles). It returns how many
// posts came, and refuses when no other public folder database is
// mounted to send them.
func (l *Store) Backfill(id org.Identity) (int, error) {
	reps, err := l.mountedReplicas()
	if err != nil {
		return 0, err
	}
	mine, others := false, 0
	for _, r := range reps {
		if r.db.Identity().Key() == id.Key() {
			mine = true
		} else {
			others++
		}
	}
	switch {
	case !mine:
		return 0, fmt.Errorf("%s is not a mounted public folder database: mount it first", id)
	case others == 0:
		return 0, fmt.Errorf("no other public folder database is mounted to send %s the hierarchy and content", id)
	}
	return l.ReplicatePublicFolders(true, id)
}

// postKey names one post across replicas: its ID with its subject. The
// ID alone is not enough: a database restored without its newest logs
// numbers new posts from its backup's counter again, reusing IDs of
// posts the other replicas already took (an adversarial review found
// such posts never copied, then dropped as "held elsewhere").
type postKey struct {
	id      uint64
	subject string
}

func keyOf(it Item) postKey { return postKey{it.ID, it.Subject} }
