package lang

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/exdr/exdr/internal/atomicfile"
	"github.com/exdr/exdr/org"
)

// Source is one configuration file's name and bytes.
type Source struct {
	Filename string
	Bytes    []byte
}

// ReadDir reads every *.exdr.hcl file of dir, in name order.
func ReadDir(dir string) ([]Source, hcl.Diagnostics) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration directory",
			Detail:   fmt.Sprintf("%s. Give the directory that holds the *%s files.", err, FileSuffix),
		}}
	}
	var srcs []Source
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), FileSuffix) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, err := ReadSource(path)
		if err != nil {
			return nil, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Cannot read configuration file",
				Detail:   err.Error(),
			}}
		}
		srcs = append(srcs, Source{Filename: path, Bytes: b})
	}
	if len(srcs) == 0 {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No configuration files",
			Detail:   fmt.Sprintf("The directory %s holds no *%s files. Give the directory of your configuration, or create main%s in it.", dir, FileSuffix, FileSuffix),
		}}
	}
	return srcs, nil
}

// MaxSourceFile is the largest configuration, variables or function-read
// file exdr reads: the benchmark's 100,000 databases in one file are
// 29 MB.
const MaxSourceFile = 256 << 20

// ReadSource reads a file of the configuration: a regular file (a link to
// one counts) of at most MaxSourceFile bytes. A FIFO named like a
// configuration file hung every command, and a link to /dev/zero read
// until memory ran out.
func ReadSource(path string) ([]byte, error) {
	b, err := atomicfile.ReadRegular(path, MaxSourceFile)
	if errors.Is(err, atomicfile.ErrNotRegular) {
		return nil, fmt.Errorf("%s is not a regular file (a FIFO, a device or a socket): exdr reads configuration only from files", path)
	}
	return b, err
}

// module is every top-level block of a configuration, gathered from all of
// its files before anything is evaluated.
type module struct {
	files     map[string]*hcl.File
	reads     *readLog // files read beyond the sources, for the cache
	exdr      *hcl.Block
	providers []*hcl.Block
	drills    []*hcl.Block
	variables map[string]*variable
	varOrder  []string
	locals    map[string]*hcl.Attribute
	resources []*resourceBlock
	byAddr    map[org.Address]*resourceBlock
	// syntaxErrors is set when a file did not parse: nothing after
	// parsing can be trusted then. Schema errors (an unknown attribute, a
	// duplicate block) still let evaluation find the other mistakes.
	syntaxErrors bool
}

// resourceBlock is one resource block as written, before for_each is
// expanded.
type resourceBlock struct {
	addr    org.Address // without key
	block   *hcl.Block
	content *hcl.BodyContent
	forEach hcl.Expression // nil without for_each
	// Filled by buildGraph, which walks every expression once: the
	// traversals of each top-level attribute, and every block referred to.
	vars       map[string][]hcl.Traversal
	referenced []org.Address
}

// parseSources parses srcs, decoding from syntax the files it holds (nil
// parses every file).
// windowsPathHint ends hcl's message for a backslash it cannot read.
const windowsPathHint = " In a Windows path, write each backslash twice: \"D:\\\\Exchange\\\\SG1\"."

func parseSources(srcs []Source, syntax *syntaxSlot) (*module, hcl.Diagnostics) {
	m := &module{
		files:     make(map[string]*hcl.File, len(srcs)),
		variables: map[string]*variable{},
		locals:    map[string]*hcl.Attribute{},
		byAddr:    map[org.Address]*resourceBlock{},
	}
	var diags hcl.Diagnostics
	all := parseAll(srcs, syntax)
	for i, p := range all {
		for _, d := range p.diags {
			if d.Summary == "Invalid escape sequence" && !strings.Contains(d.Detail, windowsPathHint) {
				// The likeliest cause in an Exchange configuration:
				// a Windows path written with single backslashes
				// (adversarial review: hcl's message alone said nothing
				// of it).
				d.Detail += windowsPathHint
			}
		}
		diags = append(diags, p.diags...)
		if p.file != nil {
			m.files[srcs[i].Filename] = p.file
		}
		if p.body == nil {
			if len(p.diags) > 0 {
				m.syntaxErrors = true
			}
			continue
		}
		if p.diags.HasErrors() {
			m.syntaxErrors = true
			continue
		}
		content, ds := p.body.Content(rootSchema)
		diags = append(diags, ds...)
		for _, b := range content.Blocks {
			diags = append(diags, m.addBlock(b)...)
		}
	}
	if syntax != nil {
		keepSyntax(syntax, srcs, all)
	}
	return m, diags
}

type parsed struct {
	body  *hclsyntax.Body
	file  *hcl.File // nil when decoded from the syntax cache
	diags hcl.Diagnostics
	// entry is what the syntax cache keeps for the file: the one it was
	// decoded from, or its fresh parse encoded; nil when it keeps none.
	entry *syntaxEntry
	fresh bool // entry is new to the syntax cache
}

// keepSyntax rewrites the syntax cache when it no longer holds exactly
// the entries of this load.
func keepSyntax(syntax *syntaxSlot, srcs []Source, all []parsed) {
	entries := make([]*syntaxEntry, len(all))
	kept, changed := 0, false
	for i, p := range all {
		entries[i] = p.entry
		if p.entry != nil {
			kept++
			changed = changed || p.fresh
		}
	}
	if changed || kept != len(syntax.entries) {
		syntax.write(srcs, entries)
	}
}

// parseAll parses the files on every core, or decodes those the syntax
// cache holds: parsing is most of the cost of loading a large
// configuration, and each file parses on its own. Results keep the order
// of srcs, so everything after is deterministic.
func parseAll(srcs []Source, syntax *syntaxSlot) []parsed {
	out := make([]parsed, len(srcs))
	workers := min(runtime.GOMAXPROCS(0), len(srcs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				out[i] = parseOne(srcs[i], syntax)
			}
		})
	}
	for i := range srcs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func parseOne(src Source, syntax *syntaxSlot) parsed {
	if body := syntax.lookup(src); body != nil {
		filesDecoded.Add(1)
		e := syntax.entries[src.Filename]
		return parsed{body: body, entry: &e}
	}
	filesParsed.Add(1)
	if diags := checkNesting(src.Filename, src.Bytes); diags != nil {
		// The text alone, for the diagnostic's snippet.
		return parsed{file: &hcl.File{Bytes: src.Bytes}, diags: diags}
	}
	f, diags := hclsyntax.ParseConfig(src.Bytes, src.Filename, hcl.InitialPos)
	p := parsed{file: f, diags: diags}
	if f != nil {
		p.body, _ = f.Body.(*hclsyntax.Body)
	}
	if p.body != nil {
		p.diags = append(p.diags, checkLiterals(p.body)...)
	}
	if syntax != nil && p.body != nil && len(p.diags) == 0 {
		if e, ok := encodeSyntax(src, p.body); ok {
			p.entry, p.fresh = &e, true
		}
	}
	return p
}

func (m *module) addBlock(b *hcl.Block) hcl.Diagnostics {
	switch b.Type {
	case "exdr":
		if m.exdr != nil {
			return duplicateBlock("exdr block", b, m.exdr, "Keep one exdr block for the whole configuration.")
		}
		m.exdr = b
	case "provider":
		for _, p := range m.providers {
			if p.Labels[0] == b.Labels[0] {
				return duplicateBlock(fmt.Sprintf("provider %q", b.Labels[0]), b, p, "A configuration has one block per provider.")
			}
		}
		m.providers = append(m.providers, b)
	case "drill":
		for _, d := range m.drills {
			if d.Labels[0] == b.Labels[0] {
				return duplicateBlock(fmt.Sprintf("drill %q", b.Labels[0]), b, d, "Give each drill a name of its own.")
			}
		}
		m.drills = append(m.drills, b)
	case "variable":
		return m.addVariable(b)
	case "locals":
		attrs, diags := b.Body.JustAttributes()
		for _, name := range sortedKeys(attrs) {
			a := attrs[name]
			if prev, ok := m.locals[name]; ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate local value",
					Detail:   fmt.Sprintf("local.%s is already defined at %s. Give each local value a name of its own.", name, prev.NameRange),
					Subject:  a.NameRange.Ptr(),
				})
				continue
			}
			diags = append(diags, checkIdentifier("local value", name, a.NameRange)...)
			m.locals[name] = a
		}
		return diags
	default:
		return m.addResource(b)
	}
	return nil
}

func (m *module) addResource(b *hcl.Block) hcl.Diagnostics {
	kind, _ := org.ParseKind(b.Type)
	addr := org.Address{Kind: kind, Name: b.Labels[0]}
	diags := checkIdentifier(kind.Noun()+" label", addr.Name, b.LabelRanges[0])
	if prev, ok := m.byAddr[addr]; ok {
		return append(diags, duplicateBlock(addr.String(), b, prev.block,
			"Each block of a kind needs its own label. To declare two objects with the same Exchange name, give them different labels and set name = \"...\" in each.")...)
	}
	content, ds := b.Body.Content(kindSchemas[kind])
	diags = append(diags, ds...)
	rb := &resourceBlock{addr: addr, block: b, content: content}
	if a, ok := content.Attributes["for_each"]; ok {
		rb.forEach = a.Expr
	}
	seen := map[string]*hcl.Block{}
	for _, nb := range content.Blocks {
		if nestedSpec(kind, nb.Type).many {
			continue
		}
		if prev, ok := seen[nb.Type]; ok {
			diags = append(diags, duplicateBlock(nb.Type+" block", nb, prev,
				fmt.Sprintf("A %s has at most one %s block.", kind.Noun(), nb.Type))...)
			continue
		}
		seen[nb.Type] = nb
	}
	m.byAddr[addr] = rb
	m.resources = append(m.resources, rb)
	return diags
}

func nestedSpec(kind org.Kind, typ string) blockSpec {
	for _, b := range kindSpecs[kind].blocks {
		if b.typ == typ {
			return b
		}
	}
	panic(fmt.Sprintf("lang: %s has no nested block %q in its spec", kind, typ))
}

func duplicateBlock(what string, b, prev *hcl.Block, advice string) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + blockNoun(b),
		Detail:   fmt.Sprintf("%s is already declared at %s. %s", what, prev.DefRange, advice),
		Subject:  b.DefRange.Ptr(),
	}}
}

func blockNoun(b *hcl.Block) string {
	if k, ok := org.ParseKind(b.Type); ok {
		return k.Noun() + " block"
	}
	return b.Type + " block"
}

// checkIdentifier refuses labels that a reference could not name: a label
// is used as kind.LABEL, so it must be an HCL identifier.
func checkIdentifier(what, name string, rng hcl.Range) hcl.Diagnostics {
	if asciiIdentifier(name) || hclsyntax.ValidIdentifier(name) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid name",
		Detail: fmt.Sprintf("The %s %q cannot be referred to: use letters, digits, underscores and dashes, starting with a letter. "+
			"To give an Exchange object a name with other characters, set name = %q inside the block.", what, name, name),
		Subject: rng.Ptr(),
	}}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// asciiIdentifier is the common case of hclsyntax.ValidIdentifier without
// its Unicode segmentation, which costs more than the rest of a load.
func asciiIdentifier(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && (c < '0' || c > '9') && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// maxNesting is how deep brackets, braces, parentheses and template
// interpolations may nest. hcl's parser recurses once or more per level:
// a file of 70,000 nested brackets (140 KB) overflowed the stack, a fatal
// error with no place named, and 5,000 nested interpolations printed
// 75 MB of errors. A configuration nests a few levels.
const maxNesting = 500

// checkNesting refuses src when its brackets nest deeper than
// maxNesting, naming where. It counts every bracket, in strings and
// comments too: a string with five hundred unclosed brackets is refused
// with the rest.
func checkNesting(filename string, src []byte) hcl.Diagnostics {
	depth, line, col := 0, 1, 1
	for i, c := range src {
		switch c {
		case '(', '[', '{':
			depth++
			if depth > maxNesting {
				pos := hcl.Pos{Line: line, Column: col, Byte: i}
				return hcl.Diagnostics{{
					Severity: hcl.DiagError,
					Summary:  "Nesting too deep",
					Detail:   fmt.Sprintf("Brackets, braces and interpolations nest more than %d deep here; exdr reads no deeper. Write the value with less nesting (a local value for an inner part).", maxNesting),
					Subject:  &hcl.Range{Filename: filename, Start: pos, End: hcl.Pos{Line: line, Column: col + 1, Byte: i + 1}},
				}}
			}
		case ')', ']', '}':
			depth = max(depth-1, 0)
		case '\n':
			line, col = line+1, 0
		}
		if c < 0x80 || c >= 0xC0 {
			col++ // a column per character, not per byte
		}
	}
	return nil
}
