package planner

import (
	"strings"
	"testing"

	"github.com/exdr/exdr/internal/pwsh"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers/ems/cmdlets"
)

// hostile paths and names the configuration may hold: every command the
// plan shows must keep each one inside its literal, so that the line run
// as shown runs only what exdr meant.
var hostilePaths = []string{
	`E:\Exchange\SG1$(Start-Process calc)`, "E:\\O'Brien", "E:\\O\u2019Brien", "E:\\x\u2018; Start-Process calc; \u2018",
	"E:\\a`$(Start-Process calc)`", `E:\a"; Start-Process calc; "`, `E:\100%`, `E:\a & Start-Process calc`, `E:\Sales East`,
}

// Failing before: the plan showed eseutil /p "E:\...$(Start-Process
// calc)..." (double quotes expand $( )), and psQuote doubled only the
// ASCII apostrophe, so a path with U+2019 ended its literal.
func TestPlanCommandsKeepHostileValues(t *testing.T) {
	for _, h := range hostilePaths {
		desired, live := desiredOrg(), healthyLive()
		withBackups(live)
		for _, o := range []*org.Org{desired, live} {
			for _, sg := range o.StorageGroups {
				sg.LogFolderPath, sg.SystemFolderPath = h+`\`+sg.Name, h+`\`+sg.Name
			}
			for _, db := range o.Databases {
				db.EdbFilePath = h + `\` + db.Name + ".edb"
			}
		}
		liveDB(live, "DB1").Health = &org.DatabaseHealth{}        // restored
		liveDB(live, "DB2").Health.BadPages = []uint32{4}         // a restore of SG1's chain too
		org.NewIndex(live).Database(`MBX01\SG2\PF1`).Health = nil // untouched
		p, diags := New(desired, live, Options{AllowDataLoss: true})
		if diags.HasErrors() {
			t.Fatalf("%q: %v", h, diags)
		}
		for _, s := range p.Steps {
			cmds, err := cmdlets.Commands(s.Command)
			if err != nil {
				t.Errorf("%q: %s: %v\n%s", h, s.ID, err, s.Command)
				continue
			}
			for _, c := range cmds {
				if strings.EqualFold(c.Name, "Start-Process") {
					t.Errorf("%q: %s runs Start-Process:\n%s", h, s.ID, s.Command)
				}
			}
			// Every single-quoted literal in the line reads back as a value
			// exdr wrote (the path whole, or another name).
			// (A line that is all comment is prose for the person: shown
			// as written.)
			if !strings.HasPrefix(s.Command, "#") && strings.Contains(s.Command, h) && !strings.Contains(s.Command, pwsh.Display(h)[1:len(pwsh.Display(h))-1]) {
				t.Errorf("%q: %s shows the path unquoted:\n%s", h, s.ID, s.Command)
			}
		}
	}
}
