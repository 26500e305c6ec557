package command

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/exdr/exdr/lang"
)

// A plan file keeps the -var and -var-file arguments and the EXDR_VAR_
// environment a plan was made with, and names, without their values, the
// sensitive variables among them.
func TestSavedVars(t *testing.T) {
	args := []lang.VarArg{{Name: "site", Value: "DR"}, {Name: "password", Value: "hunter2"}, {File: "prod.tfvars"}}
	env := []string{"PATH=/bin", "EXDR_VAR_retention=7d", "EXDR_VAR_token=s3cret", "EXDR_VAR_password=other"}
	keep, keepEnv, omitted := savedVars(args, env, map[string]bool{"password": true, "token": true})
	abs, _ := filepath.Abs("prod.tfvars")
	if want := []lang.VarArg{{Name: "site", Value: "DR"}, {File: abs}}; !slices.Equal(keep, want) {
		t.Errorf("kept %v, want %v", keep, want)
	}
	if want := []string{"EXDR_VAR_retention=7d"}; !slices.Equal(keepEnv, want) {
		t.Errorf("kept environment %v, want %v", keepEnv, want)
	}
	if want := []string{"token", "password"}; !slices.Equal(omitted, want) {
		t.Errorf("omitted %v, want %v", omitted, want)
	}
}

func TestNotInEnv(t *testing.T) {
	env := []string{"EXDR_VAR_a=1", "EXDR_VAR_bb=", "EXDR_VAR_c"}
	if got := notInEnv([]string{"a", "b", "bb", "c"}, env); !slices.Equal(got, []string{"b", "c"}) {
		t.Errorf("notInEnv = %v, want [b c]", got)
	}
}
