package lang

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
)

// decodeCopy reads a storage group's passive copy: copy = "local" with
// copy_path (LCR), or a standby block (SCR).
func (ev *evaluator) decodeCopy(d *decoder, rb *resourceBlock, addr org.Address, sg *org.StorageGroup) {
	mode, hasMode := d.str("copy")
	path := d.path("copy_path")
	switch {
	case hasMode && mode != "local" && mode != "none":
		d.errorf(d.attrs["copy"], "Unknown copy mode",
			"copy is \"local\" (local continuous replication, a passive copy on the same server) or \"none\", not %q. For a copy on another server, declare a standby block.", mode)
	case mode == "local" && path == "":
		d.errorf(d.attrs["copy"], "Local copy without a path",
			"Local continuous replication keeps the passive copy's logs and database files on other disks of the same server: add copy_path, such as \"F:\\\\LCR\\\\%s\".", sg.Name)
	case mode == "local":
		sg.Copy = &org.StandbyCopy{Range: d.attrs["copy"].Range, Local: true, Path: path}
	case path != "":
		d.errorf(d.attrs["copy_path"], "Copy path without a local copy",
			"copy_path places a local continuous replication copy: add copy = \"local\", or remove copy_path.")
	}
	for _, b := range rb.content.Blocks {
		if b.Type != "standby" {
			continue
		}
		nd := d.nested(b, bodySchema(nestedSpec(org.KindStorageGroup, "standby").attrs, nil))
		if sg.Copy != nil && !sg.Copy.Local {
			// A second standby block: "Duplicate standby block" says so.
			// Pointing at a copy attribute there was none of crashed
			// (adversarial review).
			d.merge(nd)
			continue
		}
		if sg.Copy != nil {
			d.diags = append(d.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Two copies of one storage group",
				Detail:   "exdr keeps one passive copy per storage group: a local copy (copy = \"local\") or one standby block. Remove the others.",
				Subject:  b.DefRange.Ptr(),
			})
			d.merge(nd)
			continue
		}
		c := &org.StandbyCopy{Range: b.DefRange, ReplayLag: org.DefaultReplayLag}
		ev.ref(nd, addr, "machine", org.KindServer, func(id org.Identity) { c.Machine = string(id) })
		if lag := nd.duration("replay_lag"); lag != nil {
			c.ReplayLag = *lag
			if *lag > org.MaxReplayLag {
				nd.errorf(nd.attrs["replay_lag"], "Replay lag too long",
					"Exchange 2007 replays a standby copy at most 7 days behind (ReplayLagTime 7.00:00:00); replay_lag is %s.", lag)
			}
		}
		c.Failback = nd.boolean("failback", false)
		sg.Copy = c
		d.merge(nd)
	}
}
