package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/internal/atomicfile"
	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/ems/script"
)

// FormatVersion versions the JSON form of plans and plan files. A change
// that removes or renames a field bumps the major number.
const FormatVersion = "1.0"

type jsonPlan struct {
	FormatVersion string           `json:"format_version"`
	Organization  string           `json:"organization"`
	Changes       bool             `json:"changes"`
	Summary       jsonSummary      `json:"summary"`
	Steps         []jsonStep       `json:"steps"`
	Unmanaged     []jsonUnmanaged  `json:"unmanaged"`
	Unreadable    []jsonUnreadable `json:"unreadable"`
	Waiting       []jsonUnreadable `json:"waiting"`
	UsersBack     []jsonUsersBack  `json:"users_back"`
	Notes         []string         `json:"notes"`
	Objectives    jsonObjectives   `json:"objectives"`
	Losses        []jsonLoss       `json:"losses"`
	Targets       []string         `json:"targets,omitempty"`
	ReadAt        *time.Time       `json:"read_at,omitempty"`
}

type jsonObjectives struct {
	RTOSeconds float64 `json:"rto_seconds,omitempty"`
	RPOSeconds float64 `json:"rpo_seconds,omitempty"`
}

type jsonLoss struct {
	Address string     `json:"address"`
	Since   *time.Time `json:"since,omitempty"`
	What    string     `json:"what"`
}

type jsonSummary struct {
	Steps           int            `json:"steps"`
	ByEffect        map[string]int `json:"by_effect"`
	EstimateSeconds float64        `json:"estimate_seconds"`
	// RecoveryTimeSeconds is the critical path, steps run at once.
	RecoveryTimeSeconds float64 `json:"recovery_time_seconds"`
}

type jsonStep struct {
	ID              string            `json:"id"`
	Verb            string            `json:"verb"`
	Address         string            `json:"address"`
	Identity        string            `json:"identity"`
	Effect          string            `json:"effect"`
	Reason          string            `json:"reason"`
	Loss            string            `json:"loss,omitempty"`
	Consent         string            `json:"consent,omitempty"`
	DependsOn       []string          `json:"depends_on"`
	EstimateSeconds float64           `json:"estimate_seconds"`
	Command         string            `json:"command"`
	Args            map[string]string `json:"args,omitempty"`
}

type jsonUnreadable struct {
	Address  string `json:"address"`
	Identity string `json:"identity"`
	Why      string `json:"why"`
}

// jsonUsersBack is when a database's users are back, by the estimates.
type jsonUsersBack struct {
	Address         string  `json:"address"`
	Identity        string  `json:"identity"`
	EstimateSeconds float64 `json:"estimate_seconds"`
	Standby         bool    `json:"standby,omitempty"`
	PassiveNode     string  `json:"passive_node,omitempty"`
}

type jsonUnmanaged struct {
	Kind     string `json:"kind"`
	Identity string `json:"identity"`
}

func toJSON(p *Plan) jsonPlan {
	out := jsonPlan{
		FormatVersion: FormatVersion, Organization: p.Organization, Changes: p.Changes(),
		Summary: jsonSummary{Steps: len(p.Steps), ByEffect: map[string]int{}, EstimateSeconds: p.Estimate().Seconds(),
			RecoveryTimeSeconds: p.RecoveryTime().Seconds()},
		Steps:      make([]jsonStep, 0, len(p.Steps)),
		Unmanaged:  make([]jsonUnmanaged, 0, len(p.Unmanaged)),
		Unreadable: make([]jsonUnreadable, 0, len(p.Unreadable)),
		Waiting:    make([]jsonUnreadable, 0, len(p.Waiting)),
		UsersBack:  []jsonUsersBack{},
		Notes:      append([]string{}, p.Notes...),
		Objectives: jsonObjectives{RTOSeconds: time.Duration(p.Objectives.RTO).Seconds(), RPOSeconds: time.Duration(p.Objectives.RPO).Seconds()},
		Losses:     make([]jsonLoss, 0, len(p.Losses)),
		Targets:    p.Targets,
	}
	if !p.ReadAt.IsZero() {
		t := p.ReadAt.UTC()
		out.ReadAt = &t
	}
	for _, l := range p.Losses {
		jl := jsonLoss{Address: l.Address, What: l.What}
		if !l.Since.IsZero() {
			since := l.Since.UTC()
			jl.Since = &since
		}
		out.Losses = append(out.Losses, jl)
	}
	for e, n := range p.Count() {
		out.Summary.ByEffect[e.String()] = n
	}
	for _, s := range p.Steps {
		out.Steps = append(out.Steps, jsonStep{
			ID: s.ID, Verb: string(s.Verb), Address: s.Address, Identity: string(s.Identity), Effect: s.Effect.String(),
			Reason: s.Reason, Loss: s.Loss, Consent: s.Consent, DependsOn: append([]string{}, s.DependsOn...),
			EstimateSeconds: s.Estimate.Seconds(), Command: s.Command, Args: s.Args,
		})
	}
	for _, u := range p.Unmanaged {
		out.Unmanaged = append(out.Unmanaged, jsonUnmanaged{Kind: u.Kind.String(), Identity: string(u.Identity)})
	}
	for _, u := range p.Unreadable {
		out.Unreadable = append(out.Unreadable, jsonUnreadable{Address: u.Address, Identity: string(u.Identity), Why: u.Why})
	}
	for _, w := range p.Waiting {
		out.Waiting = append(out.Waiting, jsonUnreadable{Address: w.Address, Identity: string(w.Identity), Why: w.Why})
	}
	for _, u := range p.UsersBack() {
		out.UsersBack = append(out.UsersBack, jsonUsersBack{Address: u.Address, Identity: string(u.Identity), EstimateSeconds: u.Estimate.Seconds(), Standby: u.Standby, PassiveNode: u.PassiveNode})
	}
	return out
}

func fromJSON(jp jsonPlan) (*Plan, error) {
	p := &Plan{Organization: jp.Organization, Notes: jp.Notes, Targets: jp.Targets, Objectives: org.Objectives{
		RTO: org.Duration(jp.Objectives.RTOSeconds * float64(time.Second)),
		RPO: org.Duration(jp.Objectives.RPOSeconds * float64(time.Second)),
	}}
	if jp.ReadAt != nil {
		p.ReadAt = *jp.ReadAt
	}
	for _, l := range jp.Losses {
		loss := Loss{Address: l.Address, What: l.What}
		if l.Since != nil {
			loss.Since = *l.Since
		}
		p.Losses = append(p.Losses, loss)
	}
	for _, js := range jp.Steps {
		e, ok := providers.ParseEffect(js.Effect)
		if !ok {
			return nil, fmt.Errorf("step %s has unknown effect %q", js.ID, js.Effect)
		}
		p.Steps = append(p.Steps, &providers.Step{
			ID: js.ID, Verb: providers.Verb(js.Verb), Address: js.Address, Identity: org.Identity(js.Identity), Effect: e,
			Reason: js.Reason, Loss: js.Loss, Consent: js.Consent, DependsOn: js.DependsOn, Estimate: time.Duration(js.EstimateSeconds * float64(time.Second)),
			Command: js.Command, Args: js.Args,
		})
	}
	for _, u := range jp.Unmanaged {
		k, _ := org.ParseKind(u.Kind)
		p.Unmanaged = append(p.Unmanaged, Unmanaged{Kind: k, Identity: org.Identity(u.Identity)})
	}
	for _, u := range jp.Unreadable {
		p.Unreadable = append(p.Unreadable, Unreadable{Address: u.Address, Identity: org.Identity(u.Identity), Why: u.Why})
	}
	for _, w := range jp.Waiting {
		p.Waiting = append(p.Waiting, Waiting{Address: w.Address, Identity: org.Identity(w.Identity), Why: w.Why})
	}
	return p, nil
}

// WriteJSON renders the plan for tools.
func WriteJSON(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(toJSON(p.Redacted()))
}

// File is a saved plan: the plan, where it applies, and the facts it was
// planned from with a fingerprint per resource.
type File struct {
	FormatVersion string       `json:"format_version"`
	Created       time.Time    `json:"created"`
	ConfigDir     string       `json:"config_dir"`
	Provider      FileProvider `json:"provider"`
	AllowDataLoss bool         `json:"allow_data_loss"`
	Targets       []string     `json:"targets,omitempty"`
	// Vars are the -var and -var-file arguments the plan was made with,
	// less the values of sensitive variables, so that apply can check
	// convergence against the same configuration.
	Vars []FileVar `json:"vars,omitempty"`
	// Env are the EXDR_VAR_ variables of the environment the plan was
	// made in, as NAME=VALUE, less those of sensitive variables.
	Env []string `json:"env,omitempty"`
	// Omitted names the sensitive variables the plan was made with
	// (from -var or the environment), whose values a plan file does not
	// keep: apply checks the organization only if the environment gives
	// them again (EXDR_VAR_NAME).
	Omitted []string `json:"omitted_sensitive_vars,omitempty"`
	// Secrets are the plan's Secrets: show redacts them as plan does.
	// The steps' arguments hold them anyway, to be carried out.
	Secrets []string                     `json:"sensitive_values,omitempty"`
	Plan    jsonPlan                     `json:"plan"`
	Facts   map[string]map[string]string `json:"facts"`
}

// FileProvider is where a saved plan applies.
type FileProvider struct {
	Type string `json:"type"`
	Path string `json:"path"`
	// Backend and BackendConnStr are the configuration's backend block:
	// its type ("" for files) and conn_str, never with a password.
	Backend        string `json:"backend,omitempty"`
	BackendConnStr string `json:"backend_conn_str,omitempty"`
	// PowerShell and DomainController are the ems provider's: the saved
	// plan runs through the same shell, against the same directory
	// server, as it was made with (it ran through whatever
	// powershell.exe came first on PATH, without -DomainController;
	// adversarial review).
	PowerShell       string `json:"powershell,omitempty"`
	DomainController string `json:"domain_controller,omitempty"`
}

// FileVar is one -var or -var-file argument.
type FileVar struct {
	File  string `json:"file,omitempty"`
	Name  string `json:"name,omitempty"`
	Value string `json:"value,omitempty"`
}

// NewFile wraps a plan for saving. The plan must have been made with
// Options.RecordFacts: a file without facts could not tell apply that the
// organization moved since.
func NewFile(p *Plan, configDir string, prov FileProvider, now time.Time) *File {
	if p.Facts == nil {
		panic("planner.NewFile: the plan was made without Options.RecordFacts")
	}
	f := &File{
		FormatVersion: FormatVersion, Created: now.UTC(), ConfigDir: configDir, Provider: prov,
		Plan:    toJSON(p),
		Secrets: secretsInSteps(p),
		Facts:   map[string]map[string]string{},
	}
	for id, facts := range p.Facts {
		f.Facts[id] = facts
	}
	return f
}

// secretsInSteps are the plan's secrets its steps hold (in a reason, a
// command or an argument): the file keeps those anyway, to carry them
// out, and show redacts them. It kept every secret of the configuration,
// those of variables no step used too (adversarial review).
func secretsInSteps(p *Plan) []string {
	// Every field the file keeps, not the steps alone: a sensitive name in
	// a note or a loss was printed by show (review).
	b, err := json.Marshal(toJSON(p))
	if err != nil {
		return p.Secrets
	}
	text := string(b)
	var out []string
	for _, sec := range p.Secrets {
		enc, _ := json.Marshal(sec) // as the file writes it, a backslash doubled
		if strings.Contains(text, sec) || strings.Contains(text, strings.Trim(string(enc), `"`)) {
			out = append(out, sec)
		}
	}
	return out
}

func fingerprint(f org.Facts) string {
	sum := sha256.Sum256([]byte(f.String()))
	return hex.EncodeToString(sum[:8])
}

// Save writes the plan file through a temporary file and a rename.
func (f *File) Save(path string) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'), 0o600)
}

// LoadFile reads a saved plan.
func LoadFile(path string) (*File, *Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, nil, fmt.Errorf("%s is not an exdr plan file: %w", path, err)
	}
	if major(f.FormatVersion) != major(FormatVersion) {
		return nil, nil, fmt.Errorf("%s has plan format %q; this exdr reads %s.x: make the plan again with this exdr", path, f.FormatVersion, major(FormatVersion))
	}
	p, err := fromJSON(f.Plan)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	// What show prints of a step and what apply runs must be one thing:
	// apply acts on the verb, identity and arguments, so the command is
	// made again from them and must be the one the file shows. Before, a
	// step's verb edited in the file showed its old command and ran the
	// new verb.
	for i, s := range p.Steps {
		if shown := script.Show(s); shown != s.Command {
			return nil, nil, fmt.Errorf("%s: step %d (%s) shows a command its verb, identity and arguments do not run: the file was edited, or saved by another build of exdr; make the plan again with exdr plan -out", path, i+1, s.ID)
		}
	}
	p.Secrets = f.Secrets
	p.Facts = map[string]org.Facts{}
	for id, facts := range f.Facts {
		p.Facts[id] = facts
	}
	return &f, p, nil
}

func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}

// Moved is a fact that changed since a plan was made.
type Moved struct {
	Identity string
	Fact     string
	Was, Now string // "" when absent
}

func (m Moved) String() string {
	was, now := orAbsent(m.Was), orAbsent(m.Now)
	if m.Fact == "" {
		return fmt.Sprintf("%s: %s → %s", m.Identity, was, now)
	}
	return fmt.Sprintf("%s: %s %s → %s", m.Identity, m.Fact, was, now)
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}

// Stale compares the facts a saved plan was made from with the live
// organization now, and lists every fact that moved.
func (f *File) Stale(live *org.Org) []Moved {
	now := liveFacts(live)
	var moved []Moved
	ids := map[string]bool{}
	for id := range f.Facts {
		ids[id] = true
	}
	for id := range now {
		ids[id] = true
	}
	for _, id := range sortedIDs(ids) {
		was, had := f.Facts[id]
		cur, has := now[id]
		switch {
		case !had:
			moved = append(moved, Moved{Identity: id, Was: "", Now: "present"})
		case !has:
			moved = append(moved, Moved{Identity: id, Was: "present", Now: ""})
		case fingerprint(was) != fingerprint(cur):
			keys := map[string]bool{}
			for k := range was {
				keys[k] = true
			}
			for k := range cur {
				keys[k] = true
			}
			for _, k := range sortedIDs(keys) {
				if was[k] != cur[k] {
					moved = append(moved, Moved{Identity: id, Fact: k, Was: was[k], Now: cur[k]})
				}
			}
		}
	}
	return moved
}

// maxInputFile is the most exdr reads of a file a step takes as input
// (an Edge export is some kilobytes).
const maxInputFile = 64 << 20

// StaleInputs lists the files the plan's steps take as input that changed
// since it was made: an Edge server's export, by the SHA-256 its steps
// carry. A saved plan checked it only when the import step ran, after the
// server's rebuild (adversarial review).
func (p *Plan) StaleInputs() []Moved {
	var moved []Moved
	seen := map[string]bool{}
	for _, s := range p.Steps {
		path, want := s.Args["cloned_config"], s.Args["cloned_config_sha256"]
		if want == "" || seen[path] {
			continue
		}
		seen[path] = true
		now := "(unreadable)"
		if b, err := atomicfile.ReadRegular(path, maxInputFile); err == nil {
			sum := sha256.Sum256(b)
			now = hex.EncodeToString(sum[:])
		}
		if now != want {
			moved = append(moved, Moved{Identity: path, Fact: "sha256", Was: shortHash(want), Now: shortHash(now)})
		}
	}
	return moved
}

func shortHash(h string) string {
	if len(h) == 64 {
		return h[:12] + "…"
	}
	return h
}

func sortedIDs(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
