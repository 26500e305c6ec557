package clixml

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"
)

// doc is an Export-Clixml document with a non-ASCII name and a U64 past
// the int64 range (an unlimited ByteQuantifiedSize's byte count).
const doc = `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">` +
	`<Obj RefId="0"><TN RefId="0"><T>System.Collections.Hashtable</T><T>System.Object</T></TN><DCT>` +
	`<En><S N="Key">DisplayName</S><S N="Value">Zoë O’Brien-Ångström 山田</S></En>` +
	`<En><S N="Key">Bytes</S><U64 N="Value">18446744073709551615</U64></En>` +
	`</DCT></Obj></Objs>`

func utf16LE(s string, bom bool) []byte {
	var b bytes.Buffer
	if bom {
		b.Write([]byte{0xFF, 0xFE})
	}
	for _, u := range utf16.Encode([]rune(s)) {
		binary.Write(&b, binary.LittleEndian, u)
	}
	return b.Bytes()
}

// Export-Clixml writes UTF-16LE with a byte-order mark by default; a
// file re-encoded may be UTF-8 with or without one, and may carry an
// XML declaration naming its encoding. Each decodes to the same values.
// Before, only BOM-less UTF-8 decoded, and a U64 above 2^63-1 was an
// error.
func TestDecodeEncodings(t *testing.T) {
	decl := `<?xml version="1.0" encoding="utf-16"?>`
	tests := []struct {
		name string
		in   []byte
	}{
		{"utf-8", []byte(doc)},
		{"utf-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, doc...)},
		{"utf-16le with BOM", utf16LE(doc, true)},
		{"utf-16le with BOM and a declaration", utf16LE(decl+"\r\n"+doc, true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, err := Decode(bytes.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			e := vals[0].Obj.Entries
			if got := e[0][1].Text(); got != "Zoë O’Brien-Ångström 山田" {
				t.Errorf("DisplayName %q", got)
			}
			if v := e[1][1]; v.Kind != Int || v.Uint != 18446744073709551615 || v.Int != 1<<63-1 {
				t.Errorf("U64 %+v: want Uint exact, Int at its ceiling", v)
			}
		})
	}
}

// powershell.exe writes error and progress records to a redirected
// stderr as a "#< CLIXML" stream; the errors are what the user must see.
func TestStreamErrors(t *testing.T) {
	stderr := "#< CLIXML\r\n" + `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">` +
		`<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T></TN><MS><I64 N="SourceId">1</I64></MS></Obj>` +
		`<S S="Error">Get-MailboxDatabase : The operation could not be performed because object 'MBX01\SG1\DB1' could not be found._x000D__x000A_</S>` +
		`<S S="Error">At line:1 char:20_x000D__x000A_</S>` +
		`<S S="warning">ignored</S></Objs>`
	got := StreamErrors(stderr)
	want := "Get-MailboxDatabase : The operation could not be performed because object 'MBX01\\SG1\\DB1' could not be found.\nAt line:1 char:20"
	if got != want {
		t.Fatalf("errors\n got %q\nwant %q", got, want)
	}
	if got := StreamErrors("plain text error\n"); got != "plain text error" {
		t.Fatalf("plain stderr: %q", got)
	}
	if got := StreamErrors("#< CLIXML\r\n<Objs><S S=\"Error\">cut"); !strings.Contains(got, "cut") {
		t.Fatalf("a cut stream: %q", got)
	}
}

// What Invoke-Command returns from a remote session is the value with
// note properties added (PSComputerName, RunspaceId, PSShowComputerName);
// Export-Clixml writes a string so as an object with no ToString, the
// string inside. Its text is the string: before, it read as "".
func TestRemoteStringText(t *testing.T) {
	doc := `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj RefId="0"><S>E0000000029.log,E000000002A.log</S>` +
		`<MS><S N="PSComputerName">MBX01</S><G N="RunspaceId">5f0b7a4c-8e0e-4a2b-9b1c-1d2e3f405162</G><B N="PSShowComputerName">true</B></MS></Obj></Objs>`
	vals, err := Decode(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := vals[0].Text(); got != "E0000000029.log,E000000002A.log" {
		t.Fatalf("text %q", got)
	}
}
