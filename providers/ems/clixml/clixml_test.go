package clixml

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestDecodeMailboxDatabase(t *testing.T) {
	f, err := os.Open("testdata/mailboxdatabase.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vals, err := Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != 2 || vals[1].Obj != vals[0].Obj {
		t.Fatalf("want the object and a back-reference to it, got %d values", len(vals))
	}
	db := vals[0].Obj
	if !db.Is("Microsoft.Exchange.Data.Directory.SystemConfiguration.MailboxDatabase") || db.ToString != "DB1" {
		t.Fatalf("types %v, ToString %q", db.TypeNames, db.ToString)
	}
	checks := []struct{ name, want string }{
		{"Name", "DB1"},
		{"EdbFilePath", `E:\Exchange\SG1\DB1.edb`},
		{"Mounted", "True"},
		{"Server", "MBX01"},
		{"StorageGroup", `MBX01\SG1`},
		{"DeletedItemRetention", "14.00:00:00"},
		{"MailboxRetention", "30.00:00:00"},
		{"ProhibitSendQuota", "1.5 GB (1,610,612,736 bytes)"},
		{"IssueWarningQuota", "unlimited"},
		{"Status", "Mounted"},
		{"Identity", `MBX01\SG1\DB1`}, // an extended member
		{"Description", "Sales\nand marketing_x000A_ (line two)"},
		{"LastIncrementalBackup", ""},
	}
	for _, c := range checks {
		if got := db.Prop(c.name).Text(); got != c.want {
			t.Errorf("%s = %q, want %q", c.name, got, c.want)
		}
	}
	if got := db.Prop("LastFullBackup"); got.Kind != Time || !got.Time.Equal(time.Date(2026, 11, 24, 22, 0, 5, 123456700, time.UTC)) {
		t.Errorf("LastFullBackup = %+v", got)
	}
	if got := db.Prop("Uptime"); got.Kind != Duration || got.Dur != 51*time.Hour+4*time.Minute+5500*time.Millisecond {
		t.Errorf("Uptime = %+v", got)
	}
	if got := db.Prop("DeletedItemRetention").Prop("Ticks"); got.Kind != Int || got.Int != 12096000000000 {
		t.Errorf("DeletedItemRetention.Ticks = %+v", got)
	}
	// TNRef reuses the earlier type list; a Ref inside a list is the
	// earlier object itself.
	if sg := db.Prop("StorageGroup").Obj; !sg.Is("Microsoft.Exchange.Data.Directory.ADObjectId") {
		t.Errorf("StorageGroup types %v", sg.TypeNames)
	}
	if servers := db.Prop("Servers").Obj; len(servers.Items) != 1 || servers.Items[0].Obj != db.Prop("Server").Obj {
		t.Errorf("Servers: %+v", servers.Items)
	}
	if st := db.Prop("Status").Obj; st.Inner == nil || st.Inner.Int != 1 {
		t.Errorf("Status's value: %+v", st.Inner)
	}
	if tags := db.Prop("Tags").Obj; len(tags.Entries) != 1 || tags.Entries[0][0].Str != "site" || tags.Entries[0][1].Str != "HQ" {
		t.Errorf("Tags: %+v", tags.Entries)
	}
	if names := db.Names(); names[0] != "Name" || names[1] != "Server" {
		t.Errorf("property order %v", names)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ name, doc, says string }{
		{"not clixml", `<Root/>`, "not <Objs>"},
		{"empty", ``, "no <Objs> element"},
		{"dangling ref", `<Objs><Ref RefId="3"/></Objs>`, `<Ref RefId="3"> names no earlier object`},
		{"dangling type ref", `<Objs><Obj RefId="0"><TNRef RefId="9"/></Obj></Objs>`, "names no earlier type list"},
		{"bad int", `<Objs><I32>twelve</I32></Objs>`, "<I32> holds \"twelve\""},
		{"bad bool", `<Objs><B>yes</B></Objs>`, "not true or false"},
		{"unknown", `<Objs><Frob>1</Frob></Objs>`, "unknown element <Frob>"},
		{"truncated", `<Objs><Obj RefId="0"><Props><S N="a">x</S>`, "line 1"},
		{"unnamed property", `<Objs><Obj><Props><S>x</S></Props></Obj></Objs>`, "without a name"},
		{"duplicate refid", `<Objs><Obj RefId="0"/><Obj RefId="0"/></Objs>`, "two objects with RefId"},
		{"trailing element", `<Objs></Objs><Objs></Objs>`, "after </Objs>"},
		{"deep", `<Objs>` + strings.Repeat(`<Obj><Props><Obj N="a">`, 70), "nested more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("got %v, want an error saying %q", err, tt.says)
			}
		})
	}
}

func TestUnescape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a_x000D__x000A_b", "a\r\nb"},
		{"_x005F_x0041_", "_x0041_"},
		{"_xD83D__xDE00_", "\U0001F600"},
		{"_xZZZZ_", "_xZZZZ_"},
		{"_x00", "_x00"},
	}
	for _, tt := range tests {
		if got := unescape(tt.in); got != tt.want {
			t.Errorf("unescape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzDecodeCliXML: no input makes the decoder panic or hang, and what it
// accepts it accepts again the same.
func FuzzDecodeCliXML(f *testing.F) {
	if b, err := os.ReadFile("testdata/mailboxdatabase.xml"); err == nil {
		f.Add(string(b))
	}
	f.Add(`<Objs><S>a_x000A_b</S><I32>1</I32><Nil/><Ref RefId="0"/></Objs>`)
	f.Add(`<Objs><Obj RefId="0"><TN RefId="0"><T>X</T></TN><LST><Ref RefId="0"/></LST><DCT><En><S N="Key">k</S><S N="Value">v</S></En></DCT></Obj></Objs>`)
	f.Add(`<Objs><TS>P1DT2H</TS><DT>2026-01-02T03:04:05</DT><BA>AAEC</BA><C>65</C></Objs>`)
	f.Fuzz(func(t *testing.T, doc string) {
		vals, err := Decode(strings.NewReader(doc))
		if err != nil {
			return
		}
		again, err := Decode(strings.NewReader(doc))
		if err != nil || len(again) != len(vals) {
			t.Fatalf("decoded %d values, then %d (%v)", len(vals), len(again), err)
		}
		for i := range vals {
			if vals[i].Text() != again[i].Text() {
				t.Fatalf("value %d: %q, then %q", i, vals[i].Text(), again[i].Text())
			}
		}
	})
}
