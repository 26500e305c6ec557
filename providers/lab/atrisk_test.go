package lab

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/store"
)

// The estimate of what a failing page held must count every record on
// it, wherever the damage lands. Before, it counted the records whose
// `{"id":` start was still readable, so damage over a record's start
// undercounted by one: the plan said a repair loses 13 messages, and it
// lost 14 (TestQueueRepairLosesExactlyTheMessagesOnBadPages failed so,
// once, when the traffic's layout put a record's start at the page's
// middle).
func TestItemsAtRiskWhereverTheDamageLands(t *testing.T) {
	var payload []byte
	var starts []int
	for i := 1; i <= 12; i++ {
		starts = append(starts, len(payload))
		line, err := json.Marshal(store.Item{ID: uint64(i), Mailbox: fmt.Sprintf("db1-user%03d", i), Folder: "Inbox", Subject: fmt.Sprintf("Message %d", i),
			From: "sender@contoso.example", Time: time.Date(2026, 12, 2, 10, 0, i, 0, time.UTC), Body: "hello"})
		if err != nil {
			t.Fatal(err)
		}
		payload = append(append(payload, line...), '\n')
	}
	damage := []byte("exdr-lab-break")
	for name, at := range map[string]int{
		"inside a record":                      starts[4] + 20,
		"over a record's start":                starts[5],
		"from inside one record into the next": starts[6] - 6,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.edb")
			if err := ese.CreateEDB(path, &ese.Header{Signature: 7}); err != nil {
				t.Fatal(err)
			}
			e, err := ese.OpenEDB(path, true)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			p := (&ese.Page{Number: 2, Signature: 7, Payload: payload}).Encode()
			copy(p[ese.PageHeaderSize+at:], damage)
			if _, err := e.Handle.WriteAt(p, 2*ese.PageSize); err != nil {
				t.Fatal(err)
			}
			if got := store.ItemsAtRisk(e, []uint32{2}); got != 12 {
				t.Errorf("damage %s: %d items at risk, the page held 12 (%q)", name, got, bytes.TrimSpace(p[ese.PageHeaderSize+at-8:ese.PageHeaderSize+at+24]))
			}
		})
	}
}
