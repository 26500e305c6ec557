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
// What each step of the plan takes on a drive is counted against what
// the next one has: the steps of one apply run at once, and two restores
// that each fit alone ran together, the second failing half way or both
// writing past the drive's end (adversarial review).
func (b *builder) roomOn(server, path string, need int64, what, addr, who string, subject hcl.Range) bool {
	srv := b.liveIx.Server(server)
	if srv == nil || srv.Health == nil || len(path) < 2 {
		return true
	}
	drive := strings.ToUpper(path[:1])
	free, known := srv.Health.Free[drive]
	if !known {
		return true
	}
	if b.roomScope != nil && !b.roomScope[addr] {
		return true // pruned by -target: it takes no room in this plan
	}
	key := strings.ToLower(server) + "|" + drive
	taken := b.spaceTaken[key]
	if org.Size(need+taken.bytes) <= free {
		if b.spaceTaken == nil {
			b.spaceTaken = map[string]spaceTaken{}
		}
		b.spaceTaken[key] = spaceTaken{bytes: taken.bytes + need, by: append(taken.by, who), addrs: append(taken.addrs, addr)}
		return true
	}
	others := ""
	if taken.bytes > 0 {
		others = fmt.Sprintf(", of which %s goes to %s in this plan", org.Size(taken.bytes), strings.Join(taken.by, " and "))
	}
	b.refuse(addr, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Not enough free space",
		Detail: fmt.Sprintf("%s: %s needs %s on %s: of %s, and %s is free%s. Make room on %s: (move other files off it), then plan again.",
			who, what, org.Size(need), drive, srv.Name, free, others, drive),
		Subject: &subject,
	})
	return false
}

// spaceTaken is what the plan's steps so far take on one drive, and
// which resources take it.
type spaceTaken struct {
	bytes int64
	by    []string // as the refusal names them
	addrs []string
}

// roomOutsideScope reports whether a targeted plan must be made again
// for its drives' room: a resource it pruned took room, or it kept one
// whose room was not counted.
func (b *builder) roomOutsideScope() bool {
	if b.scope == nil {
		return false
	}
	for _, t := range b.spaceTaken {
		for _, a := range t.addrs {
			if !b.scope[a] {
				return true
			}
		}
	}
	if b.roomScope != nil {
		for a := range b.scope {
			if !b.roomScope[a] {
				return true
			}
		}
	}
	return false
}
