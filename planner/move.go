package planner

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// moveSource finds the live database a configured one is moving from: one
// of the same name and kind on another storage group, which the
// configuration no longer names.
func (b *builder) moveSource(db *org.Database) *org.Database {
	for _, live := range b.live.Databases {
		if strings.EqualFold(live.Name, db.Name) && live.Identity().Key() != db.Identity().Key() &&
			b.wantIx.Database(live.Identity()) == nil {
			return live
		}
	}
	return nil
}

// move is database portability (mailbox databases only): the source is
// brought to clean shutdown, a database object made on the target, the
// file restore allowed, the file placed (the source kept), the database
// mounted, its mailboxes re-homed, and allow_file_restore put back.
func (b *builder) move(db, src *org.Database, parent *providers.Step, mount func(string, ...*providers.Step) *providers.Step) {
	addr, id, sid := db.Addr.String(), db.Identity(), src.Identity()
	refuse := func(detail string) {
		subject := db.Decl.AttrRange("storage_group")
		b.refuse(addr, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Database cannot be moved",
			Detail: fmt.Sprintf("%s names %s, and %s exists on %s: exdr would move it there, but %s", db.Addr, id, sid, src.Server(), detail), Subject: &subject})
	}
	if db.Kind == org.PublicFolderDB || src.Kind == org.PublicFolderDB {
		refuse("public folder databases are not portable in Exchange 2007. Replicate the public folders to a public folder database on the new server instead, or put storage_group back.")
		return
	}
	h := src.Health
	srcUp := b.liveIx.Server(src.Server())
	switch {
	case srcUp == nil || srcUp.Health == nil || !srcUp.Health.Up:
		refuse(fmt.Sprintf("%s does not answer, so its files cannot be reached. Recover %s first (put storage_group back), or restore the database from a backup.", src.Server(), src.Server()))
		return
	case h == nil || !h.FileExists || len(h.BadPages) > 0:
		refuse("its file is missing or damaged. Recover it where it is first (put storage_group back), then move it.")
		return
	}
	var prep *providers.Step
	switch {
	case h.Mounted:
		prep = b.add(&providers.Step{
			Verb: providers.VerbDismount, Address: addr, Identity: sid,
			Reason: fmt.Sprintf("a database moves in clean shutdown: dismount it on %s", src.Server()), Effect: providers.Downtime,
		})
	case h.State == org.StateDirty:
		sg := b.liveIx.StorageGroup(src.StorageGroup)
		if sg == nil || !sg.Health.Usable(h.LogRequired) {
			refuse("it is in dirty shutdown without the logs to recover it. Recover it where it is first (put storage_group back), then move it.")
			return
		}
		prep = b.add(&providers.Step{
			Verb: providers.VerbReplayLogs, Address: addr, Identity: sid, Args: replayArgs(sg.Health.Prefix, sg, src.EdbFilePath),
			Reason: "a database moves in clean shutdown: soft recovery brings it there", Effect: providers.Reversible,
		})
	}
	args := databaseSettings(db, nil)
	args["storage_group"], args["name"], args["kind"], args["edb_file_path"], args["object_only"] = string(db.StorageGroup), db.Name, "mailbox", db.EdbFilePath, "true"
	create := after(b.add(&providers.Step{
		Verb: providers.VerbCreateDatabase, Address: addr, Identity: id, Args: args,
		Reason: fmt.Sprintf("%s moves from %s: first its database object on %s, not mounted", db.Name, sid, db.Server()),
		Effect: providers.Reversible,
	}), parent)
	allow := after(b.add(&providers.Step{
		Verb: providers.VerbAllowFileRestore, Address: addr, Identity: id, Args: map[string]string{"value": "true"},
		Reason: "the moved files may be mounted only once \"This database can be overwritten by a restore\" is set",
		Effect: providers.Reversible,
	}), create)
	place := after(b.add(&providers.Step{
		Verb: providers.VerbPlaceDatabase, Address: addr, Identity: id,
		Args:   map[string]string{"source": string(sid), "source_server": src.Server(), "source_edb_file_path": src.EdbFilePath, "edb_file_path": db.EdbFilePath},
		Reason: fmt.Sprintf("the database file is copied from %s on %s to %s on %s; the original stays where it is", src.EdbFilePath, src.Server(), db.EdbFilePath, db.Server()),
		Effect: providers.Reversible, Estimate: b.estimate(providers.VerbRestoreBackup, int64(h.Size)),
	}), allow, prep)
	last := place
	if db.Mounted {
		last = mount("the moved database is mounted on "+db.Server(), place)
	}
	rehome := after(b.add(&providers.Step{
		Verb: providers.VerbRehomeMailboxes, Address: addr, Identity: id, Args: map[string]string{"source": string(sid)},
		Reason: fmt.Sprintf("the mailboxes homed in %s are re-homed in %s (their data came with the file)", sid, id),
		Effect: providers.Reversible,
	}), last)
	if db.AllowFileRestore == nil || !*db.AllowFileRestore {
		after(b.add(&providers.Step{
			Verb: providers.VerbSetDatabase, Address: addr, Identity: id, Args: map[string]string{"allow_file_restore": "false", "kind": "mailbox"},
			Reason: "put \"This database can be overwritten by a restore\" back", Effect: providers.Reversible,
		}), rehome)
	}
	b.note("%s: the old database object %s stays on %s with its files (exdr removes nothing); remove it with Remove-MailboxDatabase once the move is verified.", db.Addr, sid, src.Server())
}
