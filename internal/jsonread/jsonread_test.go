package jsonread

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// sample has the shapes the lab's files use: tags, omitempty, pointers,
// nested slices of structs, maps, times, raw messages, a method of its
// own, and a field whose name differs from its key only in case.
type sample struct {
	Name     string            `json:"name"`
	Count    int               `json:"count,omitempty"`
	Size     int64             `json:"size"`
	Ratio    float64           `json:"ratio,omitempty"`
	On       bool              `json:"on"`
	Ptr      *bool             `json:"ptr,omitempty"`
	Gens     []uint32          `json:"gens"`
	Items    []item            `json:"items"`
	Labels   map[string]string `json:"labels"`
	When     time.Time         `json:"when"`
	Raw      json.RawMessage   `json:"raw,omitempty"`
	Level    level             `json:"level"`
	Identity string
	Nested   *sample `json:"nested,omitempty"`
}

type item struct {
	Folder  string `json:"folder"`
	Subject string `json:"subject"`
	Size    int    `json:"size"`
}

// level decodes from a word, as the lab's states do.
type level int

func (l *level) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	switch s {
	case "low":
		*l = 1
	case "high":
		*l = 2
	default:
		*l = 0
	}
	return nil
}

var seeds = []string{
	`{"name":"MBX01\\SG1\\DB1","count":3,"size":8192,"on":true,"gens":[1,2,3],"items":[{"folder":"Inbox","subject":"Message 5","size":10}],"labels":{"a":"b"},"when":"2026-11-25T10:00:00Z","raw":{"x":[1,2]},"level":"high","identity":"O'Brien","nested":{"name":"’"}}`,
	`{"NAME":"upper","Gens":null,"items":[],"labels":null}`,
	`{"name":"x","name":"y"}`,
	`{"size":1e3}`,
	`{"size":"12"}`,
	`{"count":1.5}`,
	`{"gens":[-1]}`,
	`{"when":"yesterday"}`,
	`{"name":"\ud800"}`,
	`{"name":"a\u0000b"}`,
	`{"unknown":{"deep":[1,{"x":null}]},"name":"k"}`,
	`[1,2]`,
	`null`,
	`{"name":"x"} trailing`,
	`{"name":"x",}`,
	`{"name":`,
	``,
	`{"level":7}`,
	`{"ptr":false,"ratio":0.1}`,
	"{\"name\":\"\xff\xfe\"}",
}

// FuzzAgreesWithEncodingJSON holds Unmarshal to encoding/json's answer:
// the same documents refused, the rest decoded to the same value.
func FuzzAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want, got sample
		werr := json.Unmarshal(data, &want)
		gerr := Unmarshal(data, &got)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%q: encoding/json says %v, jsonread says %v", data, werr, gerr)
		}
		if werr == nil && !reflect.DeepEqual(want, got) {
			t.Fatalf("%q: encoding/json decodes\n%#v\njsonread decodes\n%#v", data, want, got)
		}
	})
}
