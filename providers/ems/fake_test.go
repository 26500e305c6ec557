package ems

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// fakeShell is a Runner that plays a small Exchange organization: it
// answers the read script with CliXML made from its state, as
// Export-Clixml would write it, and carries out the cmdlets of apply
// scripts on that state, reading their arguments as PowerShell reads
// single-quoted literals. It records every script.
type fakeShell struct {
	mu      sync.Mutex
	servers map[string]*fakeServer
	groups  map[string]*fakeGroup
	dbs     map[string]*fakeDB
	scripts []string
}

type fakeServer struct {
	name, roles, site, edition string
	up                         bool
}

type fakeGroup struct{ server, name, logs, system string }

type fakeDB struct {
	group, name, edb, retention string
	mounted, file, dirty        bool
}

// newFakeShell has MBX01 built already: Windows and Exchange installed
// by a person, as create_server's manual step asks.
func newFakeShell() *fakeShell {
	return &fakeShell{
		servers: map[string]*fakeServer{"mbx01": {name: "MBX01", roles: "Mailbox", site: "contoso.com/Configuration/Sites/HQ", edition: "Standard", up: true}},
		groups:  map[string]*fakeGroup{}, dbs: map[string]*fakeDB{},
	}
}

func (f *fakeShell) Run(ctx context.Context, script string) (string, string, int, error) {
	if err := ctx.Err(); err != nil {
		return "", "", 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts = append(f.scripts, script)
	if strings.Contains(script, "$out = @{}") {
		return f.export(), "", 0, nil
	}
	for _, line := range strings.Split(script, "\n") {
		if err := f.cmdlet(strings.TrimSpace(line)); err != nil {
			return "", err.Error(), 1, nil
		}
	}
	return "", "", 0, nil
}

// params reads -Name 'literal' pairs from a cmdlet line.
func params(line string) map[string]string {
	out := map[string]string{}
	for i := 0; i < len(line); i++ {
		if line[i] != '-' || (i > 0 && line[i-1] != ' ') {
			continue
		}
		j := strings.IndexByte(line[i:], ' ')
		if j < 0 {
			break
		}
		name := line[i+1 : i+j]
		rest := line[i+j+1:]
		if v, after, ok := readLiteral(rest); ok {
			out[name] = v
			i = len(line) - len(after) - 1
		} else if strings.HasPrefix(rest, "$true") {
			out[name] = "true"
		} else if strings.HasPrefix(rest, "$false") {
			out[name] = "false"
		}
	}
	return out
}

func key(s string) string { return strings.ToLower(s) }

func (f *fakeShell) cmdlet(line string) error {
	p := params(line)
	switch {
	case strings.HasPrefix(line, "if (") || line == "}" || line == "" || strings.HasPrefix(line, "$ErrorActionPreference") || strings.HasPrefix(line, "Add-PSSnapin"):
		return nil
	case strings.HasPrefix(line, "New-StorageGroup "):
		if f.servers[key(p["Server"])] == nil {
			return fmt.Errorf("New-StorageGroup: server %s not found", p["Server"])
		}
		id := p["Server"] + `\` + p["Name"]
		if f.groups[key(id)] == nil {
			f.groups[key(id)] = &fakeGroup{server: p["Server"], name: p["Name"], logs: p["LogFolderPath"], system: p["SystemFolderPath"]}
		}
	case strings.HasPrefix(line, "New-MailboxDatabase "):
		g := f.groups[key(p["StorageGroup"])]
		if g == nil {
			return fmt.Errorf("New-MailboxDatabase: storage group %s not found", p["StorageGroup"])
		}
		id := p["StorageGroup"] + `\` + p["Name"]
		if f.dbs[key(id)] == nil {
			f.dbs[key(id)] = &fakeDB{group: p["StorageGroup"], name: p["Name"], edb: p["EdbFilePath"], retention: "14.00:00:00"}
		}
	case strings.HasPrefix(line, "Set-MailboxDatabase "):
		db := f.dbs[key(p["Identity"])]
		if db == nil {
			return fmt.Errorf("Set-MailboxDatabase: %s not found", p["Identity"])
		}
		if v, ok := p["DeletedItemRetention"]; ok {
			db.retention = v
		}
	case strings.HasPrefix(line, "Mount-Database "):
		db := f.dbs[key(p["Identity"])]
		if db == nil {
			return fmt.Errorf("Mount-Database: %s not found", p["Identity"])
		}
		db.mounted, db.file, db.dirty = true, true, true
	case strings.HasPrefix(line, "Dismount-Database "):
		db := f.dbs[key(p["Identity"])]
		if db == nil {
			return fmt.Errorf("Dismount-Database: %s not found", p["Identity"])
		}
		db.mounted, db.dirty = false, false
	default:
		return fmt.Errorf("the fake shell does not know %q", line)
	}
	return nil
}

// clix writes CliXML as Export-Clixml does.
type clix struct {
	b   bytes.Buffer
	ref int
}

func (c *clix) text(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (c *clix) s(n, v string) string       { return fmt.Sprintf(`<S N="%s">%s</S>`, n, c.text(v)) }
func (c *clix) bo(n string, v bool) string { return fmt.Sprintf(`<B N="%s">%t</B>`, n, v) }

// obj is an object with type names, ToString and properties; n names it
// as a property, or is empty.
func (c *clix) obj(n string, types []string, tostring string, props ...string) string {
	c.ref++
	var b strings.Builder
	if n != "" {
		fmt.Fprintf(&b, `<Obj N="%s" RefId="%d">`, n, c.ref)
	} else {
		fmt.Fprintf(&b, `<Obj RefId="%d">`, c.ref)
	}
	b.WriteString("<TN>")
	for _, t := range types {
		fmt.Fprintf(&b, "<T>%s</T>", c.text(t))
	}
	b.WriteString("</TN>")
	fmt.Fprintf(&b, "<ToString>%s</ToString>", c.text(tostring))
	if len(props) > 0 {
		b.WriteString("<Props>" + strings.Join(props, "") + "</Props>")
	}
	b.WriteString("</Obj>")
	return b.String()
}

func (c *clix) id(n, v string) string {
	return c.obj(n, []string{"Deserialized.Microsoft.Exchange.Data.Directory.ADObjectId", "Deserialized.System.Object"}, v, c.s("Name", v))
}

func (c *clix) list(n string, items []string) string {
	c.ref++
	return fmt.Sprintf(`<Obj N="%s" RefId="%d"><TN><T>System.Object[]</T><T>System.Array</T><T>System.Object</T></TN><LST>%s</LST></Obj>`, n, c.ref, strings.Join(items, ""))
}

func (c *clix) dict(n string, entries map[string]string) string {
	c.ref++
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, `<Obj N="%s" RefId="%d"><TN><T>System.Collections.Hashtable</T><T>System.Object</T></TN><DCT>`, n, c.ref)
	for _, k := range keys {
		fmt.Fprintf(&b, `<En><S N="Key">%s</S>%s</En>`, c.text(k), entries[k])
	}
	b.WriteString("</DCT></Obj>")
	return b.String()
}

func sortedKeysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// export is the read script's output for the fake's state.
func (f *fakeShell) export() string {
	c := &clix{}
	var servers, groups, dbs []string
	up, logs, headers := map[string]string{}, map[string]string{}, map[string]string{}
	for _, k := range sortedKeysOf(f.servers) {
		s := f.servers[k]
		servers = append(servers, c.obj("", []string{"Deserialized.Microsoft.Exchange.Data.Directory.Management.ExchangeServer", "Deserialized.System.Object"}, s.name,
			c.s("Name", s.name),
			c.obj("ServerRole", []string{"Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.ServerRole", "Deserialized.System.Enum"}, s.roles),
			c.id("Site", s.site), c.s("Edition", s.edition)))
		up[s.name] = c.bo("Value", s.up)
	}
	for _, k := range sortedKeysOf(f.groups) {
		g := f.groups[k]
		groups = append(groups, c.obj("", []string{"Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.StorageGroup"}, g.name,
			c.s("Name", g.name), c.id("Server", g.server),
			c.obj("LogFolderPath", []string{"Deserialized.Microsoft.Exchange.Data.EdbFilePath"}, g.logs),
			c.obj("SystemFolderPath", []string{"Deserialized.Microsoft.Exchange.Data.EdbFilePath"}, g.system),
			c.bo("CircularLoggingEnabled", false), c.bo("Recovery", false), c.s("LogFilePrefix", "E00")))
		logs[g.server+`\`+g.name] = c.s("Value", "E0000000001.log")
	}
	for _, k := range sortedKeysOf(f.dbs) {
		d := f.dbs[k]
		dbs = append(dbs, c.obj("", []string{"Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.MailboxDatabase"}, d.name,
			c.s("Name", d.name), c.id("StorageGroup", d.group),
			c.obj("EdbFilePath", []string{"Deserialized.Microsoft.Exchange.Data.EdbFilePath"}, d.edb),
			c.bo("Mounted", d.mounted), c.bo("AllowFileRestore", false), c.bo("RetainDeletedItemsUntilBackup", false), c.bo("Recovery", false),
			c.obj("DeletedItemRetention", []string{"Deserialized.Microsoft.Exchange.Data.EnhancedTimeSpan"}, d.retention),
			c.obj("MailboxRetention", []string{"Deserialized.Microsoft.Exchange.Data.EnhancedTimeSpan"}, "30.00:00:00")))
		mh := "Operation terminated with error -1811 (JET_errFileNotFound, File not found)"
		if d.file {
			state := "Clean Shutdown\n     Log Required: 0-0 (0x0-0x0)"
			if d.dirty {
				state = "Dirty Shutdown\n     Log Required: 1-1 (0x1-0x1)"
			}
			mh = "            State: " + state + "\n     Repair Count: 0\n"
		}
		headers[d.group+`\`+d.name] = c.s("Value", mh)
	}
	top := map[string]string{
		"Servers": c.list("Value", servers), "StorageGroups": c.list("Value", groups), "MailboxDatabases": c.list("Value", dbs),
		"PublicFolderDatabases": c.list("Value", nil), "Mailboxes": c.list("Value", nil), "Queues": c.list("Value", nil),
		"Up": c.dict("Value", up), "Logs": c.dict("Value", logs), "Headers": c.dict("Value", headers),
	}
	var b strings.Builder
	b.WriteString(`<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">`)
	b.WriteString(strings.Replace(c.dict("", top), `<Obj N="" `, `<Obj `, 1))
	b.WriteString("</Objs>")
	return b.String()
}
