package command

import (
	"encoding/json"
	"io"

	"github.com/hashicorp/hcl/v2"
)

// diagWidth is where diagnostic details wrap.
const diagWidth = 78

// printDiagnostics writes diagnostics with their source snippets, as hcl
// renders them.
func printDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) {
	if len(diags) == 0 {
		return
	}
	wr := hcl.NewDiagnosticTextWriter(w, files, diagWidth, color)
	_ = wr.WriteDiagnostics(diags)
}

// diagnosticsFormatVersion versions the JSON form of diagnostics: a
// change that removes or renames a field bumps the major number.
const diagnosticsFormatVersion = "1.0"

type jsonValidation struct {
	FormatVersion string           `json:"format_version"`
	Valid         bool             `json:"valid"`
	ErrorCount    int              `json:"error_count"`
	WarningCount  int              `json:"warning_count"`
	Diagnostics   []jsonDiagnostic `json:"diagnostics"`
}

type jsonDiagnostic struct {
	Severity string     `json:"severity"`
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail,omitempty"`
	Range    *jsonRange `json:"range,omitempty"`
	Snippet  *string    `json:"snippet,omitempty"`
}

type jsonRange struct {
	Filename string  `json:"filename"`
	Start    jsonPos `json:"start"`
	End      jsonPos `json:"end"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

func toJSONDiagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) []jsonDiagnostic {
	out := make([]jsonDiagnostic, 0, len(diags))
	for _, d := range diags {
		jd := jsonDiagnostic{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			jd.Severity = "warning"
		}
		if d.Subject != nil {
			r := d.Subject
			jd.Range = &jsonRange{
				Filename: r.Filename,
				Start:    jsonPos{r.Start.Line, r.Start.Column, r.Start.Byte},
				End:      jsonPos{r.End.Line, r.End.Column, r.End.Byte},
			}
			if line, ok := sourceLine(files[r.Filename], r.Start.Line); ok {
				jd.Snippet = &line
			}
		}
		out = append(out, jd)
	}
	return out
}

// sourceLine returns one line of a file, for the JSON snippet.
func sourceLine(f *hcl.File, n int) (string, bool) {
	if f == nil {
		return "", false
	}
	line := 1
	start := 0
	for i, b := range f.Bytes {
		if line == n && b == '\n' {
			return string(f.Bytes[start:i]), true
		}
		if b == '\n' {
			line++
			start = i + 1
		}
	}
	if line == n {
		return string(f.Bytes[start:]), true
	}
	return "", false
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// diagnostics prints diagnostics on stderr and, under -json, keeps them
// for the JSON answer of a failure.
func (s *streams) diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) {
	printDiagnostics(s.stderr, files, diags, s.color(true))
	if s.json {
		s.jsonDiags = append(s.jsonDiags, toJSONDiagnostics(files, diags)...)
	}
}

// jsonFailure is the answer of a -json command that failed: the shape
// of validate -json without its "valid".
type jsonFailure struct {
	FormatVersion string           `json:"format_version"`
	ErrorCount    int              `json:"error_count"`
	WarningCount  int              `json:"warning_count"`
	Diagnostics   []jsonDiagnostic `json:"diagnostics"`
}

// writeJSONFailure answers a failed -json command on stdout with the
// diagnostics it printed and err, unless it has written its JSON
// already, so that a pipeline never reads an empty document.
func (s *streams) writeJSONFailure(err error) {
	cw, ok := s.stdout.(*countingWriter)
	if !s.json || !ok || cw.n > 0 {
		return
	}
	out := jsonFailure{FormatVersion: diagnosticsFormatVersion, Diagnostics: s.jsonDiags}
	if err != nil {
		out.Diagnostics = append(out.Diagnostics, jsonDiagnostic{Severity: "error", Summary: err.Error()})
	}
	if out.Diagnostics == nil {
		out.Diagnostics = []jsonDiagnostic{}
	}
	for _, d := range out.Diagnostics {
		if d.Severity == "error" {
			out.ErrorCount++
		} else {
			out.WarningCount++
		}
	}
	_ = writeJSON(s.stdout, out)
}

// countingWriter counts what a -json command has written to stdout.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
