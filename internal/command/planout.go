package command

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/exdr/exdr/lang"
	"github.com/exdr/exdr/org"
)

// checkPlanOut refuses a -out that is not a plan file's place: a folder
// that does not exist, a path inside the lab (its directory, its disks),
// a name the configuration would load, or an existing file that is not a
// plan exdr wrote. plan wrote over the lab's directory.json and over a
// configuration file without a word (adversarial review); an earlier
// plan file is replaced, as Terraform replaces it.
func checkPlanOut(out, labDir string, o *org.Org) error {
	dir := filepath.Dir(out)
	if abs, err := filepath.Abs(out); err == nil && o != nil {
		for _, s := range o.Servers {
			if s.Edge != nil && s.Edge.File != "" && sameFile(abs, s.Edge.File) {
				return fmt.Errorf("-out %s is %s's cloned configuration (edge %s), which the configuration reads; give the plan file another name", out, s.Name, s.Edge.ClonedConfig)
			}
		}
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("-out %s: the folder %s does not exist; make it, or give a file in a folder that does", out, dir)
	}
	if strings.HasSuffix(strings.ToLower(filepath.Base(out)), lang.FileSuffix) {
		return fmt.Errorf("-out %s: a file named *%s would be read as configuration; name the plan file otherwise, such as %s", out, lang.FileSuffix,
			strings.TrimSuffix(filepath.Base(out), filepath.Ext(filepath.Base(out)))+".plan")
	}
	if labDir != "" && within(dir, labDir) {
		return fmt.Errorf("-out %s is inside the lab (%s), which holds the organization's own files; write the plan elsewhere, such as beside the configuration", out, labDir)
	}
	st, err := os.Lstat(out)
	switch {
	case os.IsNotExist(err):
		return nil
	case err != nil:
		return fmt.Errorf("-out %s: %w", out, err)
	case st.Mode()&os.ModeSymlink != 0:
		return fmt.Errorf("-out %s is a symbolic link; exdr does not write through it: give the file it names, or another name", out)
	case !st.Mode().IsRegular():
		return fmt.Errorf("-out %s exists and is not a regular file; exdr does not write over it: give another name", out)
	case !isPlanFile(out):
		return fmt.Errorf("-out %s exists and is not a plan file exdr wrote; exdr does not write over it: give another name, or move it away first", out)
	}
	return nil
}

// sameFile reports whether two paths name one file, or would: equal
// when cleaned, or the same file through links.
func sameFile(a, b string) bool {
	return filepath.Clean(a) == filepath.Clean(b) || sameDir(a, b) // sameDir compares any two files
}

// within reports whether folder dir is root or inside it, through links.
func within(dir, root string) bool {
	resolve := func(p string) (string, error) {
		p, err := filepath.Abs(p)
		if err != nil {
			return "", err
		}
		return filepath.EvalSymlinks(p)
	}
	d, err := resolve(dir)
	if err != nil {
		return false
	}
	r, err := resolve(root)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(r, d)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// isPlanFile says whether path holds what exdr plan -out writes: a JSON
// object with its format_version and plan.
func isPlanFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var head struct {
		FormatVersion string          `json:"format_version"`
		Plan          json.RawMessage `json:"plan"`
	}
	// A plan file is at most some megabytes; the limit keeps a large
	// file named by mistake from being read whole.
	if err := json.NewDecoder(io.LimitReader(f, 256<<20)).Decode(&head); err != nil {
		return false
	}
	return head.FormatVersion != "" && len(head.Plan) > 0
}

// envNames writes the EXDR_VAR_ names of variables, joined.
func envNames(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = lang.EnvPrefix + n
	}
	return strings.Join(out, ", ")
}
