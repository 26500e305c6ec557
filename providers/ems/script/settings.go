package script

import "strings"

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
	if len(params) > 0 {
		b.cmd("Set-%s -Identity %s %s%s", dbNoun(kind), b.q(id), strings.Join(params, " "), b.dcArg())
	}
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
