package lang

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/exdr/exdr/internal/redact"
	"github.com/exdr/exdr/org"
)

// Options are what a load takes besides the files.
type Options struct {
	Vars []VarArg // -var and -var-file, in command-line order
	Env  []string // the environment, for EXDR_VAR_*; nil reads none
	// Cache is the folder of the cache of loaded configurations
	// (CacheDir); "" keeps none.
	Cache string
}

// Config is a loaded configuration.
type Config struct {
	Dir string
	Org *org.Org
	// Files are the parsed files by name, for hcl's diagnostic writer;
	// values given on the command line are there too, under names such as
	// "<value for var.x from -var>".
	Files map[string]*hcl.File
	// Sensitive names the variables declared sensitive, so that callers
	// that keep variable values (plan files) can leave these out.
	Sensitive map[string]bool
	// Drills are the drill blocks, in the order written.
	Drills []*org.Drill

	sources []Source // for DiagnosticFiles
}

// LoadPath loads a directory with LoadDir, or a single file on its own
// (file() then reads beside it).
func LoadPath(path string, opts Options) (*Config, hcl.Diagnostics) {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		return LoadDir(path, opts)
	}
	b, err := ReadSource(path)
	if err != nil {
		return &Config{Dir: filepath.Dir(path), Files: map[string]*hcl.File{}}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration file",
			Detail:   err.Error(),
		}}
	}
	return Load(filepath.Dir(path), []Source{{Filename: path, Bytes: b}}, opts)
}

// LoadDir loads every *.exdr.hcl file in dir. The Config is returned even
// with errors, so that its Files can render the diagnostics.
func LoadDir(dir string, opts Options) (*Config, hcl.Diagnostics) {
	// The slot does not depend on the files' bytes: its entry is read and
	// decoded on another core while the files are read and hashed, and
	// used only if it was loaded from these very files.
	var candidate chan *cacheEntry
	if opts.Cache != "" {
		slot, _ := cacheKeys(dir, nil, opts)
		candidate = make(chan *cacheEntry, 1)
		go func() { candidate <- decodeCache(opts.Cache, slot) }()
	}
	srcs, diags := ReadDir(dir)
	if diags.HasErrors() {
		return &Config{Dir: dir, Files: map[string]*hcl.File{}}, diags
	}
	return loadSources(dir, srcs, opts, candidate)
}

// Load loads a configuration from sources already read; dir is where
// file() and csvdecode(file()) look for their files.
func Load(dir string, srcs []Source, opts Options) (*Config, hcl.Diagnostics) {
	return loadSources(dir, srcs, opts, nil)
}

// loadSources is Load; candidate, when not nil, delivers the entry in the
// configuration's slot, already decoded.
func loadSources(dir string, srcs []Source, opts Options, candidate <-chan *cacheEntry) (*Config, hcl.Diagnostics) {
	var slot, key string
	if opts.Cache != "" {
		slot, key = cacheKeys(dir, srcs, opts)
		var e *cacheEntry
		if candidate != nil {
			e = <-candidate
		} else {
			e = decodeCache(opts.Cache, slot)
		}
		if e = useCache(opts.Cache, slot, key, e); e != nil {
			cacheHits.Add(1)
			return &Config{Dir: dir, Org: e.Org, Drills: e.Drills, Sensitive: e.Sensitive, sources: srcs}, nil
		}
	}
	reads := &readLog{}
	cfg, diags := loadUncached(dir, srcs, opts, reads)
	cfg.sources = srcs
	if opts.Cache != "" && len(diags) == 0 && reads.keep() {
		writeCache(opts.Cache, slot, &cacheEntry{Key: key, Reads: reads.list(), Org: cfg.Org, Drills: cfg.Drills, Sensitive: cfg.Sensitive})
	}
	return cfg, diags
}

// loadUncached is Load without the cache; reads records the files it reads
// beyond the sources. Its diagnostics never quote a value from a
// sensitive variable: a message that names a value (a log folder kept by
// another group) printed the secret path (adversarial review).
func loadUncached(dir string, srcs []Source, opts Options, reads *readLog) (*Config, hcl.Diagnostics) {
	cfg, diags, m := evaluate(dir, srcs, opts, reads)
	diags = distinct(diags)
	if len(diags) == 0 || m == nil {
		return cfg, diags
	}
	secrets := m.sensitiveForms()
	if cfg.Org != nil {
		secrets = append(secrets, cfg.Org.Secrets()...)
	}
	if len(secrets) > 0 {
		r := redact.New(secrets)
		for _, d := range diags {
			d.Summary, d.Detail = r.Redact(d.Summary), r.Redact(d.Detail)
		}
	}
	return cfg, diags
}

// distinct is diags without repeats: the same error at the same place,
// made again by each instance of a for_each block or each read of one
// attribute, was printed as many times (adversarial review).
func distinct(diags hcl.Diagnostics) hcl.Diagnostics {
	if len(diags) < 2 {
		return diags
	}
	type key struct {
		severity        hcl.DiagnosticSeverity
		summary, detail string
		subject         hcl.Range
	}
	seen := make(map[key]bool, len(diags))
	out := diags[:0:0]
	for _, d := range diags {
		k := key{severity: d.Severity, summary: d.Summary, detail: d.Detail}
		if d.Subject != nil {
			k.subject = *d.Subject
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}

// sensitiveForms are the values of the sensitive variables, in each form
// exdr writes them (secretForms).
func (m *module) sensitiveForms() []string {
	var out []string
	for _, v := range m.variables {
		if v.sensitive && v.value != cty.NilVal && v.value.IsWhollyKnown() {
			val, _ := v.value.UnmarkDeep()
			out = append(out, secretForms(val)...)
		}
	}
	return out
}

// evaluate is loadUncached before its diagnostics are redacted; m is nil
// when the sources did not parse into a module.
func evaluate(dir string, srcs []Source, opts Options, reads *readLog) (*Config, hcl.Diagnostics, *module) {
	var syntax *syntaxSlot
	if opts.Cache != "" {
		syntax = readSyntaxSlot(syntaxSlotPath(opts.Cache, dir))
	}
	m, diags := parseSources(srcs, syntax)
	m.reads = reads
	cfg := &Config{Dir: dir, Files: m.files, Sensitive: map[string]bool{}}
	for name, v := range m.variables {
		if v.sensitive {
			cfg.Sensitive[name] = true
		}
	}
	if m.syntaxErrors {
		return cfg, diags, m
	}
	diags = append(diags, m.resolveVariables(opts.Vars, opts.Env)...)
	g, ds := m.buildGraph()
	diags = append(diags, ds...)
	if ds.HasErrors() {
		// Evaluating around a dangling reference would only add
		// "Unknown variable" errors that repeat these.
		return cfg, diags, m
	}
	nodes, ds := g.sort()
	diags = append(diags, ds...)
	if ds.HasErrors() {
		return cfg, diags, m
	}
	ev := &evaluator{m: m, funcs: functions(filepath.Clean(dir), reads), org: &org.Org{}, dir: dir}
	diags = append(diags, ev.settings()...)
	diags = append(diags, ev.evalAll(nodes)...)
	ev.org.Sort()
	diags = append(diags, ev.link()...)
	if !diags.HasErrors() {
		// The Exchange rules assume a complete model: every required
		// attribute set, every reference resolved.
		diags = append(diags, validate(ev.org)...)
	}
	cfg.Org = ev.org
	drills, drillDiags := ev.drills()
	cfg.Drills = drills
	diags = append(diags, drillDiags...)
	return cfg, diags, m
}

type evaluator struct {
	m     *module
	funcs map[string]function.Function
	org   *org.Org
	links []*link
	dir   string // the configuration's directory
}

// evalContext holds only what the node refers to, so building it costs
// the node's references and not the size of the configuration.
func (ev *evaluator) evalContext(n *node) *hcl.EvalContext {
	vars := map[string]cty.Value{}
	if len(n.refVars) > 0 {
		vs := make(map[string]cty.Value, len(n.refVars))
		for _, name := range n.refVars {
			vs[name] = ev.m.variables[name].value
		}
		vars["var"] = cty.ObjectVal(vs)
	}
	groups := map[string]map[string]cty.Value{}
	for _, e := range n.deps {
		root, label := "local", ""
		if e.to.local != nil {
			label = e.to.local.Name
		} else {
			root, label = e.to.resource.addr.Kind.String(), e.to.resource.addr.Name
		}
		if groups[root] == nil {
			groups[root] = map[string]cty.Value{}
		}
		groups[root][label] = e.to.value
	}
	for root, objs := range groups {
		vars[root] = cty.ObjectVal(objs)
	}
	return &hcl.EvalContext{Variables: vars, Functions: ev.funcs}
}

// evalAll evaluates the nodes, in dependency order, a level at a time:
// a node reads only the values of the nodes it refers to, all of an
// earlier level, so a level's nodes are evaluated on every core. What
// each node declares is gathered in the nodes' order afterwards, so the
// model and its diagnostics are those of evaluating them one by one.
func (ev *evaluator) evalAll(nodes []*node) hcl.Diagnostics {
	levelOf := make(map[*node]int, len(nodes))
	var levels [][]int // node indexes, by level
	for i, n := range nodes {
		level := 0
		for _, e := range n.deps {
			if l, ok := levelOf[e.to]; ok {
				level = max(level, l+1)
			}
		}
		levelOf[n] = level
		for len(levels) <= level {
			levels = append(levels, nil)
		}
		levels[level] = append(levels[level], i)
	}
	sinks := make([]*evaluator, len(nodes))
	nodeDiags := make([]hcl.Diagnostics, len(nodes))
	for _, level := range levels {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), (len(level)+31)/32) {
			wg.Go(func() {
				for {
					j := int(next.Add(1)) - 1
					if j >= len(level) {
						return
					}
					i := level[j]
					sinks[i] = &evaluator{m: ev.m, funcs: ev.funcs, org: &org.Org{}, dir: ev.dir}
					nodeDiags[i] = sinks[i].evalNode(nodes[i])
				}
			})
		}
		wg.Wait()
	}
	var diags hcl.Diagnostics
	for i, sink := range sinks {
		ev.merge(sink)
		diags = append(diags, nodeDiags[i]...)
	}
	return diags
}

// merge appends what a node's evaluation declared.
func (ev *evaluator) merge(sink *evaluator) {
	o, s := ev.org, sink.org
	o.Servers = append(o.Servers, s.Servers...)
	o.StorageGroups = append(o.StorageGroups, s.StorageGroups...)
	o.Databases = append(o.Databases, s.Databases...)
	o.RecoveryStorageGroups = append(o.RecoveryStorageGroups, s.RecoveryStorageGroups...)
	o.Mailboxes = append(o.Mailboxes, s.Mailboxes...)
	o.QueueDatabases = append(o.QueueDatabases, s.QueueDatabases...)
	o.Backups = append(o.Backups, s.Backups...)
	o.Merges = append(o.Merges, s.Merges...)
	o.SettingsSecrets = append(o.SettingsSecrets, s.SettingsSecrets...)
	ev.links = append(ev.links, sink.links...)
}

func (ev *evaluator) evalNode(n *node) hcl.Diagnostics {
	ctx := ev.evalContext(n)
	if n.local != nil {
		val, diags := n.local.Expr.Value(ctx)
		if diags.HasErrors() {
			val = cty.DynamicVal
		}
		n.value = val
		return diags
	}
	rb := n.resource
	if rb.forEach == nil {
		obj, diags := ev.decodeInstance(rb, rb.addr, ctx)
		n.value = obj
		return diags
	}
	keys, vals, diags := ev.forEach(rb, ctx)
	if diags.HasErrors() {
		n.value = cty.DynamicVal
		return diags
	}
	objs := make(map[string]cty.Value, len(keys))
	for i, key := range keys {
		ictx := ctx.NewChild()
		ictx.Variables = map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{
			"key":   cty.StringVal(key),
			"value": vals[i],
		})}
		addr := rb.addr
		addr.Key, addr.Keyed = key, true
		obj, ds := ev.decodeInstance(rb, addr, ictx)
		diags = append(diags, ds...)
		objs[key] = obj
	}
	n.value = cty.ObjectVal(objs)
	return diags
}

// forEach evaluates a for_each argument: a map, or a set of strings, as in
// Terraform. Keys come back sorted.
func (ev *evaluator) forEach(rb *resourceBlock, ctx *hcl.EvalContext) ([]string, []cty.Value, hcl.Diagnostics) {
	val, diags := rb.forEach.Value(ctx)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	bad := func(detail string) ([]string, []cty.Value, hcl.Diagnostics) {
		return nil, nil, append(diags, &hcl.Diagnostic{
			Severity:    hcl.DiagError,
			Summary:     "Invalid for_each argument",
			Detail:      detail,
			Subject:     rb.forEach.Range().Ptr(),
			Expression:  rb.forEach,
			EvalContext: ctx,
		})
	}
	if val.IsMarked() {
		return bad("for_each cannot use a sensitive value: the keys become resource addresses, which are printed.")
	}
	if val.IsNull() {
		return bad("for_each is null. Give it a map, or a set of strings such as toset([\"DB1\", \"DB2\"]).")
	}
	if !val.IsWhollyKnown() {
		return nil, nil, diags // an error upstream has been reported already
	}
	ty := val.Type()
	switch {
	case ty.IsMapType() || ty.IsObjectType():
		var keys []string
		var vals []cty.Value
		for it := val.ElementIterator(); it.Next(); {
			k, v := it.Element()
			keys = append(keys, k.AsString())
			vals = append(vals, v)
		}
		return keys, vals, diags // cty iterates maps and objects in key order
	case ty.IsSetType() && ty.ElementType() == cty.String:
		var keys []string
		var vals []cty.Value
		for it := val.ElementIterator(); it.Next(); {
			_, v := it.Element()
			if v.IsNull() {
				return bad("for_each's set holds a null; every element must be a string.")
			}
			keys = append(keys, v.AsString())
			vals = append(vals, v)
		}
		return keys, vals, diags
	case ty.IsSetType() && val.LengthInt() == 0:
		// toset([]) is a set of an unknown element type, with nothing
		// in it: no instance. It was told to use toset(...) (adversarial
		// review).
		return nil, nil, diags
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		return bad("for_each takes a map, or a set of strings, so that every instance has a stable key. " +
			"Convert a list of strings with toset(...), or a list of objects with a for expression: " +
			"{ for row in LIST : row.alias => row }.")
	}
	return bad("for_each takes a map, or a set of strings; this is " + ty.FriendlyName() + ".")
}

// Digest is the SHA-256 of the configuration's files, each by name and
// content in name order: the same files give the same digest, whatever
// machine reads them.
func (c *Config) Digest() string { return Digest(c.sources) }

// Digest is Config.Digest of sources.
func Digest(srcs []Source) string {
	sorted := slices.Clone(srcs)
	slices.SortFunc(sorted, func(a, b Source) int { return strings.Compare(a.Filename, b.Filename) })
	h := sha256.New()
	for _, s := range sorted {
		fmt.Fprintf(h, "%d:%s\n%d:", len(s.Filename), s.Filename, len(s.Bytes))
		h.Write(s.Bytes)
	}
	return hex.EncodeToString(h.Sum(nil))
}
