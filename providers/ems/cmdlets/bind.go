package cmdlets

import (
	"fmt"
	"slices"
	"strings"
)

// common are PowerShell's common parameters, which every cmdlet takes;
// true for those that take a value.
var common = map[string]bool{"verbose": false, "debug": false, "erroraction": true, "warningaction": true,
	"errorvariable": true, "warningvariable": true, "outvariable": true, "outbuffer": true}

// BindError is a command PowerShell would refuse, with its words.
type BindError struct {
	Command Command
	Msg     string
}

func (e *BindError) Error() string {
	return fmt.Sprintf("line %d: %s: %s", e.Command.Line, e.Command.Name, e.Msg)
}

// Bind checks one command against the catalog as PowerShell binds its
// parameters: every name a parameter of the cmdlet, every parameter
// that takes a value given one, one parameter set that holds them all
// with its mandatory parameters given, and -Confirm:$false where the
// cmdlet would ask. A cmdlet not in the catalog is not checked (nil).
func Bind(c Command) error {
	cl := lookup(c.Name)
	if cl == nil {
		return nil
	}
	fail := func(format string, args ...any) error {
		return &BindError{Command: c, Msg: fmt.Sprintf(format, args...)}
	}
	named := map[string]Arg{}
	var positional []string
	for i := 0; i < len(c.Args); i++ {
		a := c.Args[i]
		if a.isValue() {
			positional = append(positional, a.Value)
			continue
		}
		key := strings.ToLower(a.Param)
		takesValue, isCommon := common[key]
		var p *Param
		if !isCommon {
			if p = cl.param(a.Param); p == nil {
				return fail("A parameter cannot be found that matches parameter name '%s'.", a.Param)
			}
			takesValue = !p.Switch
			key = strings.ToLower(p.Name)
		}
		if _, dup := named[key]; dup {
			return fail("Cannot bind parameter because parameter '%s' is specified more than once.", a.Param)
		}
		if takesValue && !a.Colon {
			if i+1 >= len(c.Args) || !c.Args[i+1].isValue() {
				return fail("Missing an argument for parameter '%s'. Specify a parameter of the type it takes and try again.", a.Param)
			}
			i++
			a.Value = c.Args[i].Value
		}
		if a.Colon && a.Value == "" {
			return fail("Missing an argument for parameter '%s'.", a.Param)
		}
		named[key] = a
	}
	var why string
	for _, set := range cl.Sets {
		if msg := set.fits(named, positional, c.Piped, cl.Pipeline); msg == "" {
			why = ""
			break
		} else if why == "" || strings.HasPrefix(msg, "Cannot process") {
			why = msg
		}
	}
	if why != "" {
		return fail("%s", why)
	}
	if cl.Confirms {
		conf, ok := named["confirm"]
		if !ok || !strings.EqualFold(conf.Value, "$false") {
			return fail("it asks for confirmation by default, which fails under powershell.exe -NonInteractive: write -Confirm:$false")
		}
	}
	return nil
}

// fits says why a set cannot take the command; empty when it can.
func (s Set) fits(named map[string]Arg, positional []string, piped bool, pipeline string) string {
	has := map[string]bool{}
	for _, p := range s.Params {
		has[strings.ToLower(p.Name)] = true
	}
	for k := range named {
		if _, isCommon := common[k]; !isCommon && !has[k] {
			return "Parameter set cannot be resolved using the specified named parameters."
		}
	}
	// Unnamed values bind to the set's positional parameters not named.
	var slots []Param
	for _, p := range s.Params {
		if _, given := named[strings.ToLower(p.Name)]; p.Position > 0 && !given {
			slots = append(slots, p)
		}
	}
	slices.SortFunc(slots, func(a, b Param) int { return a.Position - b.Position })
	if len(positional) > len(slots) {
		return fmt.Sprintf("A positional parameter cannot be found that accepts argument '%s'.", positional[len(slots)])
	}
	bound := map[string]bool{}
	for i := range positional {
		bound[strings.ToLower(slots[i].Name)] = true
	}
	var missing []string
	for _, p := range s.Params {
		k := strings.ToLower(p.Name)
		if p.Mandatory && !bound[k] && !(piped && strings.EqualFold(p.Name, pipeline)) {
			if _, given := named[k]; !given {
				missing = append(missing, p.Name)
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("Cannot process command because of one or more missing mandatory parameters: %s.", strings.Join(missing, " "))
	}
	return ""
}

// param finds a parameter by its full name in any set.
func (cl *Cmdlet) param(name string) *Param {
	for i := range cl.Sets {
		for j := range cl.Sets[i].Params {
			if strings.EqualFold(cl.Sets[i].Params[j].Name, name) {
				return &cl.Sets[i].Params[j]
			}
		}
	}
	return nil
}

func lookup(name string) *Cmdlet {
	if cl, ok := Catalog[name]; ok {
		return cl
	}
	for k, cl := range Catalog {
		if strings.EqualFold(k, name) {
			return cl
		}
	}
	return nil
}

// Check binds every command of a script, returning the first refusal.
func Check(script string) error {
	cmds, err := Commands(script)
	if err != nil {
		return fmt.Errorf("the script does not parse: %w", err)
	}
	for _, c := range cmds {
		if err := Bind(c); err != nil {
			return err
		}
	}
	return nil
}
