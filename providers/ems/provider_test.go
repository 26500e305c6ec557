package ems_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/ems"
	"github.com/exdr/exdr/providers/ems/emsfake"
	"github.com/exdr/exdr/providers/providertest"
)

var _ providers.Provider = (*ems.Provider)(nil)

func TestConformance(t *testing.T) {
	providertest.Run(t, func(t *testing.T) providers.Provider {
		return ems.New(emsfake.New(), ems.Options{DomainController: "dc01.contoso.com"}, nil)
	})
}

// A manual step with no one to ask stops the apply with what to do; once
// the organization shows it done, the next apply goes on.
func TestManualStepStopsThenContinues(t *testing.T) {
	f := emsfake.New()
	p := ems.New(f, ems.Options{}, nil)
	step := &providers.Step{ID: "server.MBX02:create_server", Verb: providers.VerbCreateServer, Identity: "MBX02",
		Args: map[string]string{"server": "MBX02", "roles": "mailbox", "setup": "recover_server"}, Reason: "server MBX02 does not answer"}
	err := p.Apply(context.Background(), step, nil)
	var manual *ems.ManualStepError
	if !errors.As(err, &manual) || !strings.Contains(err.Error(), "a manual step: Build the server MBX02: .\\Setup.com /m:RecoverServer") || !strings.Contains(err.Error(), "run exdr apply again") {
		t.Fatalf("got %v, want a manual step error with the instructions", err)
	}
	f.Servers["mbx02"] = &emsfake.Server{Name: "MBX02", Roles: "Mailbox", Up: true}
	if err := p.Apply(context.Background(), step, nil); err != nil {
		t.Fatalf("after the person built it: %v", err)
	}
	// With someone at a terminal, the step waits for them.
	asked := 0
	p = ems.New(f, ems.Options{}, func(_ context.Context, s *ems.Script, _ *providers.Step) error {
		asked++
		f.Servers["mbx03"] = &emsfake.Server{Name: "MBX03", Roles: "Mailbox", Up: true}
		return nil
	})
	step.Args["server"], step.Identity = "MBX03", "MBX03"
	if err := p.Apply(context.Background(), step, nil); err != nil || asked != 1 {
		t.Fatalf("confirmed: %v, asked %d times", err, asked)
	}
}

// Every value in an applied script is a literal the shell reads back as
// it was written.
func TestAppliedScriptsQuoteValues(t *testing.T) {
	f := emsfake.New()
	p := ems.New(f, ems.Options{}, nil)
	s := &providers.Step{Verb: providers.VerbCreateStorageGroup, Identity: `MBX01\Sales 'East'`,
		Args: map[string]string{"server": "MBX01", "name": "Sales 'East'", "log_folder_path": `D:\Sales 'East'`, "system_folder_path": `D:\Sales 'East'`}}
	if err := p.Apply(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	if g := f.Groups[strings.ToLower(`MBX01\Sales 'East'`)]; g == nil || g.Logs != `D:\Sales 'East'` {
		t.Fatalf("the shell saw %+v", f.Groups)
	}
}

// Names outside the console's code page survive the read: the document
// crosses powershell.exe's redirected stdout as base64, never as text
// in the OEM code page (which made "Zoë O’Brien" "Zo? O?Brien", or
// invalid UTF-8 that failed the whole read).
func TestReadKeepsNonASCIINames(t *testing.T) {
	f := emsfake.New()
	f.OEM = true
	f.Groups[`mbx01\ventas`] = &emsfake.Group{Server: "MBX01", Name: "Ventas Zoë", Logs: `D:\Ventas`, System: `D:\Ventas`}
	f.DBs[`mbx01\ventas zoë\zoë o’brien`] = &emsfake.DB{Group: `MBX01\Ventas Zoë`, Name: "Zoë O’Brien", EDB: `E:\Zoë\O’Brien.edb`, Retention: "14.00:00:00", Mounted: true, File: true}
	o, err := ems.New(f, ems.Options{}, nil).Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Databases) != 1 || o.Databases[0].Name != "Zoë O’Brien" || o.Databases[0].EdbFilePath != `E:\Zoë\O’Brien.edb` {
		t.Fatalf("databases: %+v", o.Databases)
	}
}

// Exchange 2007 before SP1 is below exdr's floor: the read refuses,
// naming the server and its version, instead of failing later on a
// parameter RTM lacks.
func TestReadRefusesBelowSP1(t *testing.T) {
	f := emsfake.New()
	f.Servers["mbx02"] = &emsfake.Server{Name: "MBX02", Roles: "Mailbox", Up: true, Version: "Version 8.0 (Build 685.24)"}
	_, err := ems.New(f, ems.Options{}, nil).Read(context.Background())
	if err == nil || !strings.Contains(err.Error(), "SP1 or later") || !strings.Contains(err.Error(), "MBX02 (Version 8.0 (Build 685.24))") {
		t.Fatalf("got %v", err)
	}
	f.Servers["mbx02"].Version = "Version 8.1 (Build 240.6)"
	if _, err := ems.New(f, ems.Options{}, nil).Read(context.Background()); err != nil {
		t.Fatalf("SP1: %v", err)
	}
}
