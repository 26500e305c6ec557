package cmdlets

// Cmdlet is one cmdlet as its documentation page describes it.
type Cmdlet struct {
	Name string
	// Page is the documentation page the entry was written from.
	Page string
	// Sets are its parameter sets; a command must fit one.
	Sets []Set
	// Confirms is set for a cmdlet that asks "Are you sure...?" by
	// default: under powershell.exe -NonInteractive the question fails
	// the command unless -Confirm:$false is given.
	Confirms bool
	// Pipeline names the parameter that takes the pipeline's input
	// (Identity for most Exchange cmdlets): given by a pipeline, it
	// need not be written.
	Pipeline string
}

// Set is one parameter set.
type Set struct {
	Name   string
	Params []Param
}

// Param is one parameter of a set.
type Param struct {
	Name      string
	Switch    bool // takes no value (-Force, or -Confirm:$false)
	Mandatory bool
	// Position is the position an unnamed argument binds to it at, from
	// 1; 0 when it must be named.
	Position int
}
