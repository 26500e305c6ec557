package emsfake

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/exdr/exdr/providers/ems"
	"github.com/exdr/exdr/providers/ems/cmdlets"
)

// Shell is an ems.Runner that plays a small Exchange organization: it
// answers the read script with CliXML made from its state, as
// Export-Clixml would write it, and carries out the cmdlets of apply
// scripts on that state, reading their arguments as PowerShell reads
// single-quoted literals. It is for tests: the
// conformance suite, and CLI scenarios through Main.
type Shell struct {
	mu      sync.Mutex
	Servers map[string]*Server `json:"servers"`
	Groups  map[string]*Group  `json:"storage_groups"`
	DBs     map[string]*DB     `json:"databases"`
	// Organization is what Get-OrganizationConfig names; Contoso when
	// empty.
	Organization string `json:"organization,omitempty"`
	// EdgeSubscriptionError makes Get-EdgeSubscription fail with it, as
	// it does for an account without the Organization Administrator role.
	EdgeSubscriptionError string `json:"edge_subscription_error,omitempty"`
	// OEM makes stdout what a redirected powershell.exe writes: the
	// console's OEM code page, in which a character it lacks comes out
	// as '?' (here every non-ASCII one, as code page 437 lacks most).
	OEM bool `json:"-"`
}

func (f *Shell) organization() string {
	if f.Organization == "" {
		return "Contoso"
	}
	return f.Organization
}

// Server, Group and DB are the organization's objects, keyed by their
// identity in lower case.
type Server struct {
	Name, Roles, Site, Edition string
	// Version is AdminDisplayVersion; SP3 when empty.
	Version string
	Up      bool
	// Subscribed is set for an Edge server with an Edge subscription,
	// as Get-EdgeSubscription lists it.
	Subscribed bool `json:",omitempty"`
	// Nodes are a clustered mailbox server's RedundantMachines.
	Nodes []string `json:",omitempty"`
}

type Group struct{ Server, Name, Logs, System string }

type DB struct {
	Group, Name, EDB, Retention string
	Mounted, File, Dirty        bool
}

// New has MBX01 built already: Windows and Exchange installed by a
// person, as create_server's manual step asks.
func New() *Shell {
	return &Shell{
		Servers: map[string]*Server{"mbx01": {Name: "MBX01", Roles: "Mailbox", Site: "contoso.com/Configuration/Sites/HQ", Edition: "Standard", Up: true}},
		Groups:  map[string]*Group{}, DBs: map[string]*DB{},
	}
}

// Run carries out one script.
func (f *Shell) Run(ctx context.Context, script string) (string, string, int, error) {
	if err := ctx.Err(); err != nil {
		return "", "", 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// Every command is bound as PowerShell would bind it, against the
	// documented parameter sets: a script Exchange 2007 would refuse
	// fails here, on stderr as powershell.exe writes a redirected error.
	if err := cmdlets.Check(script); err != nil {
		return "", errorStream(err.Error()), 1, nil
	}
	if strings.Contains(script, "$out = @{}") {
		return f.stdout(readAnswer(f.export())), "", 0, nil
	}
	// A New- cmdlet writes the object it made; the fake writes its
	// identity, one line each, for the journal to keep.
	var out strings.Builder
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if err := f.cmdlet(line); err != nil {
			return out.String(), err.Error(), 1, nil
		}
		p := params(line)
		switch {
		case strings.HasPrefix(line, "New-StorageGroup "):
			fmt.Fprintf(&out, "%s\\%s\r\n", p["Server"], p["Name"])
		case strings.HasPrefix(line, "New-MailboxDatabase "), strings.HasPrefix(line, "New-PublicFolderDatabase "):
			fmt.Fprintf(&out, "%s\\%s\r\n", p["StorageGroup"], p["Name"])
		}
	}
	return f.stdout(out.String()), "", 0, nil
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
		if v, after, ok := ems.ReadLiteral(rest); ok {
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

func (f *Shell) cmdlet(line string) error {
	p := params(line)
	switch {
	case strings.HasPrefix(line, "if (") || line == "}" || line == "" || strings.HasPrefix(line, "$ErrorActionPreference") || strings.HasPrefix(line, "Add-PSSnapin"):
		return nil
	case strings.HasPrefix(line, "New-StorageGroup "):
		if f.Servers[key(p["Server"])] == nil {
			return fmt.Errorf("New-StorageGroup: server %s not found", p["Server"])
		}
		id := p["Server"] + `\` + p["Name"]
		if f.Groups[key(id)] == nil {
			f.Groups[key(id)] = &Group{Server: p["Server"], Name: p["Name"], Logs: p["LogFolderPath"], System: p["SystemFolderPath"]}
		}
	case strings.HasPrefix(line, "New-MailboxDatabase "):
		g := f.Groups[key(p["StorageGroup"])]
		if g == nil {
			return fmt.Errorf("New-MailboxDatabase: storage group %s not found", p["StorageGroup"])
		}
		id := p["StorageGroup"] + `\` + p["Name"]
		if f.DBs[key(id)] == nil {
			f.DBs[key(id)] = &DB{Group: p["StorageGroup"], Name: p["Name"], EDB: p["EdbFilePath"], Retention: "14.00:00:00"}
		}
	case strings.HasPrefix(line, "Set-MailboxDatabase "):
		db := f.DBs[key(p["Identity"])]
		if db == nil {
			return fmt.Errorf("Set-MailboxDatabase: %s not found", p["Identity"])
		}
		if v, ok := p["DeletedItemRetention"]; ok {
			db.Retention = v
		}
	case strings.HasPrefix(line, "Mount-Database "):
		db := f.DBs[key(p["Identity"])]
		if db == nil {
			return fmt.Errorf("Mount-Database: %s not found", p["Identity"])
		}
		db.Mounted, db.File, db.Dirty = true, true, true
	case strings.HasPrefix(line, "Dismount-Database "):
		db := f.DBs[key(p["Identity"])]
		if db == nil {
			return fmt.Errorf("Dismount-Database: %s not found", p["Identity"])
		}
		db.Mounted, db.Dirty = false, false
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

func (c *clix) s(n, v string) string {
	if n == "" { // an item of a list
		return fmt.Sprintf(`<S>%s</S>`, c.text(v))
	}
	return fmt.Sprintf(`<S N="%s">%s</S>`, n, c.text(v))
}
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
	var b strings.Builder
	fmt.Fprintf(&b, `<Obj N="%s" RefId="%d"><TN><T>System.Collections.Hashtable</T><T>System.Object</T></TN><DCT>`, n, c.ref)
	for _, k := range slices.Sorted(maps.Keys(entries)) {
		fmt.Fprintf(&b, `<En><S N="Key">%s</S>%s</En>`, c.text(k), entries[k])
	}
	b.WriteString("</DCT></Obj>")
	return b.String()
}

func (f *Shell) stdout(s string) string {
	if !f.OEM {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= 0x80 {
			return '?'
		}
		return r
	}, s)
}

// errorStream is an error record as powershell.exe writes it to a
// redirected stderr.
func errorStream(msg string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(msg))
	return "#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><S S=\"Error\">" +
		b.String() + "_x000D__x000A_</S></Objs>"
}

// readAnswer is what the read script prints: the file Export-Clixml
// writes (UTF-16LE with a byte-order mark), as base64 after the marker,
// in CRLF lines as powershell.exe writes them.
func readAnswer(doc string) string {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(doc)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return ems.ReadMarker + "\r\n" + base64.StdEncoding.EncodeToString(b) + "\r\n"
}

// export is the read script's output for the fake's state.
func (f *Shell) export() string {
	c := &clix{}
	var servers, groups, dbs, subscriptions []string
	clustered := map[string]string{}
	up, logs, headers := map[string]string{}, map[string]string{}, map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(f.Servers)) {
		s := f.Servers[k]
		servers = append(servers, c.obj("", []string{"Deserialized.Microsoft.Exchange.Data.Directory.Management.ExchangeServer", "Deserialized.System.Object"}, s.Name,
			c.s("Name", s.Name),
			c.obj("ServerRole", []string{"Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.ServerRole", "Deserialized.System.Enum"}, s.Roles),
			c.id("Site", s.Site), c.s("Edition", s.Edition), c.obj("AdminDisplayVersion", []string{"Deserialized.Microsoft.Exchange.Data.ServerVersion"}, version(s.Version))))
		up[s.Name] = c.bo("Value", s.Up)
		if s.Subscribed {
			subscriptions = append(subscriptions, c.s("", s.Name))
		}
		if len(s.Nodes) > 0 {
			var nodes []string
			for _, n := range s.Nodes {
				nodes = append(nodes, c.s("", n))
			}
			clustered[s.Name] = c.list("Value", nodes)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(f.Groups)) {
		g := f.Groups[k]
		groups = append(groups, c.obj("", []string{"Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.StorageGroup"}, g.Name,
			c.s("Name", g.Name), c.id("Server", g.Server),
			c.obj("LogFolderPath", []string{"Deserialized.Microsoft.Exchange.Data.EdbFilePath"}, g.Logs),
			c.obj("SystemFolderPath", []string{"Deserialized.Microsoft.Exchange.Data.EdbFilePath"}, g.System),
			c.bo("CircularLoggingEnabled", false), c.bo("Recovery", false), c.s("LogFilePrefix", "E00")))
		if f.up(g.Server) {
			logs[g.Server+`\`+g.Name] = c.s("Value", "E0000000001.log")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(f.DBs)) {
		d := f.DBs[k]
		dbs = append(dbs, c.obj("", []string{"Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.MailboxDatabase"}, d.Name,
			c.s("Name", d.Name), c.id("StorageGroup", d.Group),
			c.obj("EdbFilePath", []string{"Deserialized.Microsoft.Exchange.Data.EdbFilePath"}, d.EDB),
			c.bo("Mounted", d.Mounted), c.bo("AllowFileRestore", false), c.bo("RetainDeletedItemsUntilBackup", false), c.bo("Recovery", false),
			c.obj("DeletedItemRetention", []string{"Deserialized.Microsoft.Exchange.Data.EnhancedTimeSpan"}, d.Retention),
			c.obj("MailboxRetention", []string{"Deserialized.Microsoft.Exchange.Data.EnhancedTimeSpan"}, "30.00:00:00")))
		if d.Mounted || !f.up(d.Group) {
			// As the read script: eseutil /mh is not run on a file
			// store.exe holds, nor on a server that does not answer.
			continue
		}
		mh := "Operation terminated with error -1811 (JET_errFileNotFound, File not found)"
		if d.File {
			state := "Clean Shutdown\n     Log Required: 0-0 (0x0-0x0)"
			if d.Dirty {
				state = "Dirty Shutdown\n     Log Required: 1-1 (0x1-0x1)"
			}
			mh = "            State: " + state + "\n     Repair Count: 0\n"
		}
		headers[d.Group+`\`+d.Name] = c.s("Value", mh)
	}
	top := map[string]string{
		"Organization":      c.s("Value", f.organization()),
		"EdgeSubscriptions": c.list("Value", subscriptions),
		"Clustered":         c.dict("Value", clustered),
		"Servers":           c.list("Value", servers), "StorageGroups": c.list("Value", groups), "MailboxDatabases": c.list("Value", dbs),
		"PublicFolderDatabases": c.list("Value", nil), "Mailboxes": c.list("Value", nil), "Queues": c.list("Value", nil),
		"Up": c.dict("Value", up), "Logs": c.dict("Value", logs), "Headers": c.dict("Value", headers),
	}
	if f.EdgeSubscriptionError != "" {
		delete(top, "EdgeSubscriptions")
		top["EdgeSubscriptionsError"] = c.s("Value", f.EdgeSubscriptionError)
	}
	var b strings.Builder
	b.WriteString(`<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">`)
	b.WriteString(strings.Replace(c.dict("", top), `<Obj N="" `, `<Obj `, 1))
	b.WriteString("</Objs>")
	return b.String()
}

// version is a server's AdminDisplayVersion: Exchange 2007 SP3 unless
// the fake was told otherwise.
func version(v string) string {
	if v == "" {
		return "Version 8.3 (Build 83.6)"
	}
	return v
}

// up reports whether the server of an identity (its first part)
// answers.
func (f *Shell) up(identity string) bool {
	server, _, _ := strings.Cut(identity, `\`)
	s := f.Servers[strings.ToLower(server)]
	return s != nil && s.Up
}

// StateEnv names the file Main keeps the organization in between runs.
const StateEnv = "EXDR_FAKE_EXCHANGE"

// Main is a stand-in for powershell.exe as ems.PowerShell starts it: it
// reads the script on stdin through the bootstrap (ems.DecodeInvocation),
// runs it on the organization kept in $EXDR_FAKE_EXCHANGE (created with
// New's state when missing), saves it, and exits with the script's code.
// exdr runs steps in parallel, each its own powershell.exe: the read, the
// run and the save hold an exclusive lock on the state (lockState), so
// that no invocation writes over another's changes.
func Main() int {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakepowershell:", err)
		return 2
	}
	script, err := ems.DecodeInvocation(os.Args[1:], input)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakepowershell:", err)
		return 2
	}
	return runSaved(script)
}

// MainTyped is a person at the Management Shell of the same organization
// as Main, the script on stdin as typed: the tests' out-of-band changes
// (someone dismounts a database).
func MainTyped() int {
	script, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakepowershell:", err)
		return 2
	}
	return runSaved(string(script))
}

// runSaved runs script on the organization in $EXDR_FAKE_EXCHANGE, under
// its lock, and saves it.
func runSaved(script string) int {
	path := os.Getenv(StateEnv)
	if path == "" {
		fmt.Fprintln(os.Stderr, "fakepowershell: set "+StateEnv+" to the file that keeps the organization")
		return 2
	}
	unlock, err := lockState(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fakepowershell: locking %s: %v\n", path, err)
		return 2
	}
	defer unlock()
	f := New()
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, f); err != nil {
			fmt.Fprintf(os.Stderr, "fakepowershell: %s: %v\n", path, err)
			return 2
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(os.Stderr, "fakepowershell:", err)
		return 2
	}
	stdout, stderr, code, err := f.Run(context.Background(), script)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakepowershell:", err)
		return 2
	}
	b, _ := json.MarshalIndent(f, "", "  ")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "fakepowershell:", err)
		return 2
	}
	fmt.Fprint(os.Stdout, stdout)
	fmt.Fprint(os.Stderr, stderr)
	return code
}
