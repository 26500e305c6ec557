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
	srv := b.liveIx.Server(db.Server())
	if srv == nil || srv.Health == nil || len(db.EdbFilePath) < 2 {
		return true
	}
	drive := strings.ToUpper(db.EdbFilePath[:1])
	free, known := srv.Health.Free[drive]
	if !known || org.Size(need) <= free {
		return true
	}
	subject := db.Decl.Range
	b.diags = append(b.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Not enough free space",
		Detail: fmt.Sprintf("%s (%s): %s needs %s on %s: of %s, and %s is free. Make room on %s: (move other files off it), then plan again.",
			db.Addr, db.Identity(), what, org.Size(need), drive, srv.Name, free, drive),
		Subject: &subject,
	})
	return false
}
