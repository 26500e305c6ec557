package planner

import (
	"fmt"
	"strings"

	"github.com/exdr/exdr/internal/pwsh"
	"github.com/exdr/exdr/org"
)

// psQuote quotes a value for a command the plan shows, through the one
// quoter the ems scripts use: a PowerShell single-quoted literal, every
// quote character PowerShell knows doubled, nothing expanded.
func psQuote(s string) string { return pwsh.Display(s) }

// setupRoles names roles as Setup.com's /roles switch does.
func setupRoles(rs org.Roles) string {
	names := map[org.Role]string{
		org.RoleMailbox: "Mailbox", org.RoleClientAccess: "ClientAccess", org.RoleHubTransport: "HubTransport",
		org.RoleUnifiedMessaging: "UnifiedMessaging", org.RoleEdgeTransport: "EdgeTransport",
	}
	var out []string
	for _, r := range rs.List() {
		out = append(out, names[r])
	}
	return strings.Join(out, ",")
}

func psBool(b bool) string {
	if b {
		return "$true"
	}
	return "$false"
}

func dbNoun(db *org.Database) string {
	if db.Kind == org.PublicFolderDB {
		return "PublicFolderDatabase"
	}
	return "MailboxDatabase"
}

// databaseSettings are the Set-*Database parameters for the settings the
// configuration manages and the live value differs from (all of them when
// live is nil).
func databaseSettings(want, live *org.Database) (args map[string]string, params []string) {
	args = map[string]string{}
	durs := []struct {
		key, param string
		want, live *org.Duration
	}{
		{"deleted_item_retention", "DeletedItemRetention", want.DeletedItemRetention, liveDur(live, func(d *org.Database) *org.Duration { return d.DeletedItemRetention })},
		{"mailbox_retention", "MailboxRetention", want.MailboxRetention, liveDur(live, func(d *org.Database) *org.Duration { return d.MailboxRetention })},
	}
	for _, d := range durs {
		if d.want != nil && (d.live == nil || *d.live != *d.want) {
			args[d.key] = d.want.String()
			params = append(params, fmt.Sprintf("-%s %s", d.param, d.want))
		}
	}
	bools := []struct {
		key, param string
		want, live *bool
	}{
		{"allow_file_restore", "AllowFileRestore", want.AllowFileRestore, liveBool(live, func(d *org.Database) *bool { return d.AllowFileRestore })},
		{"retain_deleted_items_until_backup", "RetainDeletedItemsUntilBackup", want.RetainDeletedItemsUntilBackup, liveBool(live, func(d *org.Database) *bool { return d.RetainDeletedItemsUntilBackup })},
	}
	for _, b := range bools {
		if b.want != nil && (b.live == nil || *b.live != *b.want) {
			args[b.key] = fmt.Sprint(*b.want)
			params = append(params, fmt.Sprintf("-%s %s", b.param, psBool(*b.want)))
		}
	}
	return args, params
}

func liveDur(live *org.Database, get func(*org.Database) *org.Duration) *org.Duration {
	if live == nil {
		return nil
	}
	return get(live)
}

func liveBool(live *org.Database, get func(*org.Database) *bool) *bool {
	if live == nil {
		return nil
	}
	return get(live)
}

// eseutilPath quotes a path for eseutil's /l, /s and /d switches, which
// take the path glued to the switch: PowerShell reads /l'D:\x' as one
// argument, and a single-quoted literal expands nothing (in double quotes
// a $( ) in a path would run).
func eseutilPath(sw, path string) string {
	return sw + psQuote(path)
}
