package command

import (
	"github.com/hashicorp/hcl/v2"

	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/generate"
	"github.com/exdr/exdr/internal/english"
	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/ems"
	"github.com/exdr/exdr/providers/lab"
)

const generateUsage = "generate [-out DIR] [-provider lab|ems] [-path DIR] [-powershell PATH] [-domain-controller FQDN] [-target ADDR]... [-all] [-overwrite] [-list]"

// cmdGenerate is "exdr generate": the live organization read through a
// provider and written as a configuration, to adopt exdr without typing
// hundreds of blocks.
func cmdGenerate(ctx context.Context, args []string, s *streams) error {
	fs := newFlags(s, "generate", generateUsage)
	out := fs.String("out", ".", "write the configuration in this folder")
	providerType := fs.String("provider", "lab", "read the organization through this provider: lab or ems")
	labPath := fs.String("path", ".exdr/lab", "with -provider lab, the lab's folder")
	powershell := fs.String("powershell", "powershell.exe", "with -provider ems, the Exchange Management Shell's PowerShell")
	dc := fs.String("domain-controller", "", "with -provider ems, the domain controller every cmdlet reads through")
	all := fs.Bool("all", false, "write the values equal to Exchange's defaults too")
	overwrite := fs.Bool("overwrite", false, "replace files already there, each kept beside as NAME.TIME.previous")
	list := fs.Bool("list", false, "list the address each resource would be written at (what -target takes), and write nothing")
	var targets targetFlags
	fs.Var(&targets, "target", "write only this resource, by the address exdr generate gives it (repeatable); into generated.exdr.hcl")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("exdr generate takes no argument (%q): give the folder to write with -out", fs.Arg(0))
	}
	outDir, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	// The lab's path is written relative to where the files really are.
	outDir = resolveExisting(outDir)
	var prov providers.Provider
	cfg := org.ProviderConfig{Type: *providerType}
	var source string
	switch *providerType {
	case "lab":
		root, err := filepath.Abs(*labPath)
		if err != nil {
			return err
		}
		if !lab.Exists(root) {
			return fmt.Errorf("no lab at %s: give its folder with -path, or build one with exdr apply", root)
		}
		prov = lab.New(root, "")
		cfg.Path = filepath.ToSlash(root)
		if rel, err := filepath.Rel(outDir, root); err == nil {
			cfg.Path = filepath.ToSlash(rel)
		}
		source = "the lab at " + cfg.Path
	case "ems":
		cfg.PowerShell, cfg.DomainController = *powershell, *dc
		prov = ems.New(ems.PowerShell{Path: *powershell}, ems.Options{DomainController: *dc}, nil)
		source = "the Exchange Management Shell"
		if *dc != "" {
			source += " through " + *dc
		}
	default:
		return fmt.Errorf("-provider is lab or ems, not %q", *providerType)
	}
	live, err := prov.Read(ctx)
	if err != nil {
		return fmt.Errorf("read the live organization: %w", err)
	}
	opts := generate.Options{All: *all, Targets: targets, Provider: cfg, Source: source,
		EdgeExports: map[string][]byte{}, EdgeErrors: map[string]error{}}
	if *list {
		for _, a := range generate.Addresses(live, opts) {
			fmt.Fprintln(s.stdout, a)
		}
		return nil
	}
	for _, srv := range live.Servers {
		if !srv.Roles.Has(org.RoleEdgeTransport) {
			continue
		}
		exporter, ok := prov.(providers.EdgeExporter)
		if !ok {
			opts.EdgeErrors[srv.Name] = fmt.Errorf("provider %s cannot export it", *providerType)
			continue
		}
		if b, err := exporter.ExportEdgeConfig(ctx, srv.Name); err != nil {
			opts.EdgeErrors[srv.Name] = err
		} else {
			opts.EdgeExports[srv.Name] = b
		}
	}
	files, err := generate.Generate(live, opts)
	if err != nil {
		return err
	}
	if err := checkInstall(outDir, files); err != nil {
		return err
	}
	if err := refuseToOverwrite(outDir, files, len(targets) > 0, *overwrite); err != nil {
		return err
	}
	var names []string
	err = installFiles(outDir, files, *overwrite, time.Now(), func(name, aside string) {
		fmt.Fprintf(s.stdout, "%s: the previous file is kept as %s.\n", name, filepath.Base(aside))
	})
	if err != nil {
		return err
	}
	for _, f := range files {
		names = append(names, f.Name)
	}
	fmt.Fprintf(s.stdout, "Wrote %s in %s: %s.\n", plural(len(files), "file"), outDir, strings.Join(names, ", "))
	if len(targets) == 0 {
		if err := sayWhatPlanWillSay(outDir, live, s); err != nil {
			return err
		}
	}
	for _, srv := range slices.Sorted(maps.Keys(opts.EdgeErrors)) {
		fmt.Fprintf(s.stderr, "%s %s's Edge configuration could not be exported (%v): run exdr edge export once it can be.\n", s.warnColor("Warning:"), srv, opts.EdgeErrors[srv])
	}
	return nil
}

// sayWhatPlanWillSay plans what it wrote against the organization as
// read, and says what exdr plan will: No changes, or how many steps a
// damaged organization needs. A configuration that does not load is a
// defect of generate, said as one.
func sayWhatPlanWillSay(dir string, live *org.Org, s *streams) error {
	cfg, diags, err := loadInterruptibly(dir, lang.Options{Env: s.env})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		s.diagnostics(cfg.DiagnosticFiles(diags), diags)
		return errors.New("exdr generate wrote a configuration that does not load (a defect: please report it with the files)")
	}
	p, diags := planner.New(cfg.Org, live, planner.Options{})
	if diags.HasErrors() {
		// The refusals' own summaries: "would lose data" was said of a
		// refusal for a missing Edge export (adversarial review).
		var why []string
		for _, d := range diags {
			if d.Severity == hcl.DiagError && !slices.Contains(why, d.Summary) {
				why = append(why, d.Summary)
			}
		}
		fmt.Fprintf(s.stdout, "The organization as read is not healthy: exdr plan on what was written refuses the recovery (%s); run it to see why.\n", strings.Join(why, "; "))
		return nil
	}
	if n := len(p.Steps); n > 0 {
		fmt.Fprintf(s.stdout, "The organization as read is not healthy: exdr plan on what was written shows %s; run it to see them.\n", plural(n, "step"))
		return nil
	}
	if n := len(p.Waiting); n > 0 {
		fmt.Fprintf(s.stdout, "Review them and fill in the objectives in main.exdr.hcl: exdr plan on them plans nothing, and lists %s that %s for the configuration (users served from a standby until failback).\n",
			plural(n, "resource"), english.Agree(n, "waits", "wait"))
		return nil
	}
	fmt.Fprintln(s.stdout, "Review them and fill in the objectives in main.exdr.hcl: exdr plan on them says No changes while the organization stays as it was read.")
	return nil
}

// refuseToOverwrite stops before anything is written when a file to write
// is already there (unless overwrite), or when the folder already holds a
// configuration the whole organization's files would be declared twice
// beside.
func refuseToOverwrite(dir string, files []generate.File, targeted, overwrite bool) error {
	written := map[string]bool{}
	var there []string
	for _, f := range files {
		written[f.Name] = true
		if fileExists(filepath.Join(dir, filepath.FromSlash(f.Name))) {
			there = append(there, f.Name)
		}
	}
	if len(there) > 0 && !overwrite {
		return fmt.Errorf("%s already has %s: exdr generate does not overwrite. Give another -out, move %s away, or give -overwrite to keep each beside as NAME.TIME.previous",
			dir, strings.Join(there, ", "), english.Agree(len(there), "it", "them"))
	}
	if targeted {
		return nil
	}
	others, _ := filepath.Glob(filepath.Join(dir, "*"+lang.FileSuffix))
	for _, o := range others {
		if !written[filepath.Base(o)] {
			return fmt.Errorf("%s already holds a configuration (%s): the organization written beside it would be declared twice. Give -out an empty folder, or -target to write only some resources",
				dir, filepath.Base(o))
		}
	}
	return nil
}
