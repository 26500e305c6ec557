package planner

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
)

// roomFor reports whether the drive of db's file has need bytes free, and
// otherwise adds a refusal that names the drive and both figures. A drive
// the provider reports nothing about is not checked.
func (b *builder) roomFor(db *org.Database, need int64, what string) bool {
	return b.roomOn(db.Server(), b.fileOf(db), need, what, db.Addr.String(), fmt.Sprintf("%s (%s)", db.Addr, db.Identity()), db.Decl.Range)
}

// roomOn is roomFor for any file on a server: addr is the resource's
// address, who names it in the refusal, subject is where it is declared.
func (b *builder) roomOn(server, path string, need int64, what, addr, who string, subject hcl.Range) bool {
	srv := b.liveIx.Server(server)
	if srv == nil || srv.Health == nil || len(path) < 2 {
		return true
	}
	drive := strings.ToUpper(path[:1])
	free, known := srv.Health.Free[drive]
	if !known || org.Size(need) <= free {
		return true
	}
	b.refuse(addr, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Not enough free space",
		Detail: fmt.Sprintf("%s: %s needs %s on %s: of %s, and %s is free. Make room on %s: (move other files off it), then plan again.",
			who, what, org.Size(need), drive, srv.Name, free, drive),
		Subject: &subject,
	})
	return false
}
