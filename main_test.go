package main

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"exdr": func() { os.Exit(exdrMain()) },
	})
}

// TestScripts runs the CLI scenarios in testdata/script. -update rewrites
// their expected output (the flag is goldie's, so both share it).
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("examples")
	if err != nil {
		t.Fatal(err)
	}
	update := false
	if f := flag.Lookup("update"); f != nil {
		update = f.Value.String() == "true"
	}
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("testdata", "script"),
		UpdateScripts: update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", examples)
			return os.CopyFS(filepath.Join(env.WorkDir, "quickstart"), os.DirFS(filepath.Join(examples, "quickstart")))
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"flipbytes": flipBytes,
		},
	})
}

// flipBytes inverts four bytes of a file at an offset, as a failing disk
// would: flipbytes FILE OFFSET.
func flipBytes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: flipbytes FILE OFFSET")
	}
	off, err := strconv.ParseInt(args[1], 0, 64)
	ts.Check(err)
	f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_RDWR, 0)
	ts.Check(err)
	defer f.Close()
	b := make([]byte, 4)
	_, err = f.ReadAt(b, off)
	ts.Check(err)
	for i := range b {
		b[i] = ^b[i]
	}
	_, err = f.WriteAt(b, off)
	ts.Check(err)
}
