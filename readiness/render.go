package readiness

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/exdr/exdr/internal/english"
)

// FormatVersion is the version of the JSON document WriteJSON writes.
const FormatVersion = "1"

// where is a finding's place in the configuration, file:line:col, or
// empty for what the configuration does not name.
func (f Finding) where() string {
	if f.Range.Filename == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d", filepath.ToSlash(f.Range.Filename), f.Range.Start.Line, f.Range.Start.Column)
}

// WriteText prints the findings for a reader: each with where it is, what
// is wrong and what to do, then the verdict.
func WriteText(w io.Writer, findings []Finding) error {
	if len(findings) == 0 {
		_, err := fmt.Fprintf(w, "Ready: all %d checks pass.\n", len(Rules))
		return err
	}
	for _, f := range findings {
		head := f.Identity
		if f.Address != "" {
			head = f.Address + " (" + f.Identity + ")"
		}
		if where := f.where(); where != "" {
			head = where + ": " + head
		}
		if _, err := fmt.Fprintf(w, "%s: %s\n  %s.\n  To fix: %s.\n\n", head, f.Rule, f.Message, f.Fix); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "Not ready: %s.\n", plural(len(findings), "finding"))
	return err
}

// plural writes a count with its noun, agreeing in number: "1 finding",
// "2 findings".
func plural(n int, word string) string { return english.Plural(n, word) }

// agree is the word that agrees with a count: one, or many.
func agree(n int, one, many string) string { return english.Agree(n, one, many) }

type jsonFinding struct {
	Finding
	Location string `json:"location,omitempty"`
}

// WriteJSON prints the findings for monitoring.
func WriteJSON(w io.Writer, findings []Finding) error {
	doc := struct {
		FormatVersion string        `json:"format_version"`
		Ready         bool          `json:"ready"`
		Checks        []string      `json:"checks"`
		Findings      []jsonFinding `json:"findings"`
	}{FormatVersion: FormatVersion, Ready: len(findings) == 0, Checks: Rules, Findings: []jsonFinding{}}
	for _, f := range findings {
		doc.Findings = append(doc.Findings, jsonFinding{f, f.where()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
