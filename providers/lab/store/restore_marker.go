package store

import (
	"encoding/json"
	"os"
)

// RestoreMarker is what restore_backup leaves for hard_recovery, as a
// streaming restore leaves restore.env: the chain restored, the
// generations it brings, and the restored file's signature.
type RestoreMarker struct {
	Sets      []string `json:"sets"`
	Signature uint64   `json:"signature"`
	Covers    uint32   `json:"covers"` // the newest generation the chain holds
	Completed bool     `json:"completed"`
	// The log stream the restored logs belong to: the backed-up storage
	// group's, which for a recovery database is not its own.
	LogPrefix    string `json:"log_prefix"`
	LogSignature uint64 `json:"log_signature"`
	// LogDir is that storage group's live log folder, which a roll-forward
	// reads after the restored logs.
	LogDir string `json:"log_dir"`
}

func ReadMarker(path string) (*RestoreMarker, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var mk RestoreMarker
	return &mk, json.Unmarshal(b, &mk)
}
