package readiness

import "github.com/exdr/exdr/org"

// publicFolderReplicas: a public folder with one replica is lost with
// its public folder database and comes back only from that database's
// backup, up to the backup's age; with a second replica an empty
// database backfills it, nothing to restore. Read from the hierarchy the
// mounted public folder databases hold (the lab's read only).
func (c *checker) publicFolderReplicas() {
	var stores []*org.PublicFolderStore
	for _, db := range c.live.Databases {
		if db.Health != nil && db.Health.PublicFolders != nil {
			stores = append(stores, db.Health.PublicFolders)
		}
	}
	for _, f := range org.MergeHierarchies(stores...) {
		if len(f.Replicas) != 1 {
			continue
		}
		holder := f.Replicas[0]
		var decl *org.Database
		for _, db := range c.desired.Databases {
			if db.Identity().Key() == holder.Key() {
				decl = db
			}
		}
		if decl == nil {
			continue // on a database the configuration does not declare
		}
		rng := decl.Decl.Range
		if r, ok := decl.Decl.Attrs.Lookup("folder_replicas"); ok {
			rng = r
		}
		others := 0
		for _, db := range c.desired.Databases {
			if db.Kind == org.PublicFolderDB && db.Identity().Key() != holder.Key() {
				others++
			}
		}
		fix := "add it to the folder_replicas of another public_folder_database"
		if others == 0 {
			fix = "declare a second public_folder_database on another server and add the folder to its folder_replicas"
		}
		c.add("public_folder_replica", decl.Addr.String(), holder, rng, fix,
			"public folder %s has one replica, here: lost with this database, it comes back only from its backup, with the posts since that backup gone unless the logs survive; with a second replica, an empty database backfills it", f.Path)
	}
}
