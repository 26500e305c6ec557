package lang

import (
	"strings"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
)

func TestDrillDecoded(t *testing.T) {
	src := `
variable "victim" {
  default = "MBX01"
}
server "MBX01" {
  roles = ["mailbox"]
}
storage_group "SG1" {
  server          = server.MBX01.name
  log_folder_path = "D:\\SG1"
}
mailbox_database "DB1" {
  storage_group = storage_group.SG1.identity
  edb_file_path = "E:\\SG1\\DB1.edb"
}
drill "lose_mbx01" {
  allow_data_loss = true
  before "traffic" {
    mailboxes = 2
    items     = 5
  }
  before "backup" {}
  before "clock" {
    advance = "1h"
  }
  disaster "lose_server" {
    server = var.victim
  }
  disaster "corrupt_page" {
    database = "MBX01\\SG1\\DB1"
    page     = 3
  }
  expect {
    rto        = "2h"
    items_back = false
  }
}
`
	cfg, diags := load(t, src, Options{}, nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(cfg.Drills) != 1 {
		t.Fatalf("%d drills, want 1", len(cfg.Drills))
	}
	d := cfg.Drills[0]
	var kinds []string
	for _, a := range append(append([]org.DrillAction{}, d.Before...), d.Disaster...) {
		kinds = append(kinds, a.Kind)
	}
	if got := strings.Join(kinds, " "); got != "traffic backup clock lose_server corrupt_page" {
		t.Errorf("actions %q, in the wrong order or missing", got)
	}
	if d.Before[0].Args["items"] != "5" || d.Disaster[0].Args["server"] != "MBX01" || d.Disaster[1].Args["page"] != "3" {
		t.Errorf("arguments: %+v %+v", d.Before, d.Disaster)
	}
	if !d.AllowDataLoss || d.Expect.ItemsBack || d.Expect.RTO == nil || time.Duration(*d.Expect.RTO) != 2*time.Hour || d.Expect.RPO != nil {
		t.Errorf("allow_data_loss and expect: %+v %+v", d.AllowDataLoss, d.Expect)
	}
}
