package script

import (
	"fmt"
	"strings"
	"time"

	"github.com/exdr/exdr/org"
)

func (b *Builder) settings(id, kind string, a map[string]string) {
	var params []string
	for _, p := range []struct{ arg, param string }{
		{"deleted_item_retention", "DeletedItemRetention"}, {"mailbox_retention", "MailboxRetention"},
	} {
		if v, ok := a[p.arg]; ok {
			params = append(params, "-"+p.param+" "+b.q(timeSpan(v)))
		}
	}
	for _, p := range []struct{ arg, param string }{
		{"retain_deleted_items_until_backup", "RetainDeletedItemsUntilBackup"}, {"allow_file_restore", "AllowFileRestore"},
	} {
		if v, ok := a[p.arg]; ok {
			params = append(params, "-"+p.param+" "+boolArg(v))
		}
	}
	if v, ok := a["replication_interval"]; ok && kind == "public_folder" {
		// -ReplicationPeriod is in minutes (a UInt32): how often
		// replication runs with the "Always Run" schedule (aa997225).
		m, err := minutes(v)
		if err != nil && b.err == nil {
			b.err = err
		}
		params = append(params, fmt.Sprintf("-ReplicationPeriod %d", m))
	}
	if len(params) > 0 {
		b.cmd("Set-%s -Identity %s %s%s", dbNoun(kind), b.q(id), strings.Join(params, " "), b.dcArg())
	}
}

// retention sets the per-mailbox retention a create or connect step
// carries: neither Enable-Mailbox nor Connect-Mailbox takes it, and the
// lab's step sets it, so the step's script does too (Set-Mailbox, by the
// alias the step just gave it). It returns what to verify of it.
func (b *Builder) retention(a map[string]string) string {
	s := b.mailboxSettings(a)
	if s == "" {
		return ""
	}
	b.cmd("Set-Mailbox -Identity %s%s%s", b.q(a["mailbox"]), s, b.dcArg())
	return ", with the retention settings as configured"
}

func (b *Builder) mailboxSettings(a map[string]string) string {
	var s string
	if v, ok := a["use_database_retention_defaults"]; ok {
		s += " -UseDatabaseRetentionDefaults " + boolArg(v)
	}
	if v, ok := a["retain_deleted_items_for"]; ok {
		s += " -RetainDeletedItemsFor " + b.q(timeSpan(v))
	}
	if v, ok := a["retain_deleted_items_until_backup"]; ok {
		s += " -RetainDeletedItemsUntilBackup " + boolArg(v)
	}
	return s
}

// timeSpan writes an exdr duration argument (Go or Exchange form) as
// Exchange's d.hh:mm:ss; what it cannot read it passes on for Exchange to
// judge.
func timeSpan(v string) string {
	d, err := parseDuration(v)
	if err != nil {
		return v
	}
	return d
}

// minutes is a duration argument as whole minutes, as
// -ReplicationPeriod takes it.
func minutes(v string) (int64, error) {
	d, err := org.ParseDuration(v)
	if err != nil {
		return 0, err
	}
	if d < org.Duration(time.Minute) || d%org.Duration(time.Minute) != 0 {
		return 0, fmt.Errorf("replication interval %s is not whole minutes", v)
	}
	return int64(time.Duration(d) / time.Minute), nil
}
