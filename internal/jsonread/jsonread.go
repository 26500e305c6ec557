package jsonread

import (
	"fmt"

	gojson "github.com/goccy/go-json"
)

// Unmarshal decodes data into v as encoding/json.Unmarshal does.
func Unmarshal(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid JSON: the decoder failed: %v", r)
		}
	}()
	return gojson.Unmarshal(data, v)
}
