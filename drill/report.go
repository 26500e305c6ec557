package drill

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/exdr/exdr/internal/english"
	"github.com/exdr/exdr/internal/redact"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/planner"
)

// FormatVersion is the version of the JSON report.
const FormatVersion = "1"

// Report is what a drill found.
type Report struct {
	FormatVersion string `json:"format_version"`
	Drill         string `json:"drill"`
	Organization  string `json:"organization"`
	// BuiltSteps is set when there was no lab: the drill built the
	// organization in a fresh one first, in this many steps.
	BuiltSteps int            `json:"built_steps,omitempty"`
	Started    time.Time      `json:"started"`
	Verdict    string         `json:"verdict"` // pass or fail
	Reasons    []string       `json:"reasons,omitempty"`
	Objectives org.Objectives `json:"-"`
	// DisasterAt is the lab's time when the disaster struck: the items'
	// times are in the same clock.
	DisasterAt time.Time `json:"disaster_at"`
	Disaster   []string  `json:"disaster"`
	// EstimatedRTO is the plan's critical path from the estimates (the
	// lab itself recovers in moments); ApplyTook is the wall time.
	EstimatedRTO  time.Duration `json:"-"`
	ApplyTook     time.Duration `json:"-"`
	PlannedLosses []string      `json:"planned_losses,omitempty"`
	Steps         []*StepReport `json:"steps"`
	Converged     bool          `json:"converged"`
	// Waiting are the differences from the configuration the recovery
	// leaves on purpose (a database served from its standby until
	// failback is declared), each its address and why.
	Waiting []string `json:"waiting,omitempty"`
	// UsersBack is when each database's users were back: estimated by
	// the plan, and measured in the lab from the start of the apply.
	UsersBack []UsersBackReport `json:"users_back,omitempty"`
	// Failback is the drill's failback, when it asks for one.
	Failback    *FailbackReport `json:"failback,omitempty"`
	ItemsBefore int             `json:"items_before"`
	ItemsAfter  int             `json:"items_after"`
	Lost        []LostItem      `json:"lost"`
	// MessagesQueued were in transport queues before the disaster;
	// MessagesLost are those not in their recipient's mailbox after.
	MessagesQueued int        `json:"messages_queued"`
	MessagesLost   []LostItem `json:"messages_lost"`
	// Measured are the rates the recovery's steps ran at, by verb, in
	// units a second: what later plans estimate from.
	Measured map[string]float64 `json:"measured_rates,omitempty"`
	// MeasuredRPO is how far before the disaster the oldest lost item
	// was written: zero when nothing was lost.
	MeasuredRPO time.Duration `json:"-"`
}

// redact replaces the configuration's sensitive values in what the
// report says (a sensitive database name in an identity, a mailbox alias
// in a lost item), as a plan's renderings do; the verdict is made
// already.
func (r *Report) redact(secrets []string) {
	if len(secrets) == 0 {
		return
	}
	x := redact.New(secrets)
	each := func(list []string) {
		for i := range list {
			list[i] = x.Redact(list[i])
		}
	}
	r.Organization = x.Redact(r.Organization)
	each(r.Reasons)
	each(r.Disaster)
	each(r.PlannedLosses)
	each(r.Waiting)
	for _, s := range r.Steps {
		s.Error = x.Redact(s.Error)
	}
	for i := range r.UsersBack {
		r.UsersBack[i].Identity = x.Redact(r.UsersBack[i].Identity)
	}
	for _, lost := range [][]LostItem{r.Lost, r.MessagesLost} {
		for i := range lost {
			lost[i].Mailbox, lost[i].Subject = x.Redact(lost[i].Mailbox), x.Redact(lost[i].Subject)
		}
	}
	if r.Failback != nil {
		r.Failback.Error = x.Redact(r.Failback.Error)
	}
}

// StepReport is one step of the recovery, estimated and measured.
type StepReport struct {
	ID       string        `json:"id"`
	Verb     string        `json:"verb"`
	Effect   string        `json:"effect"`
	Estimate time.Duration `json:"-"`
	// EstStart is when the step would start in a real recovery, each
	// running once what it depends on is done; Start is when it started
	// in the lab, from the start of the apply.
	EstStart time.Duration `json:"-"`
	Start    time.Duration `json:"-"`
	Took     time.Duration `json:"-"`
	Status   string        `json:"status"`
	Error    string        `json:"error,omitempty"`
}

// UsersBackReport is when one database's users were back.
type UsersBackReport struct {
	Address  string        `json:"address"`
	Identity string        `json:"identity"` // where they work: on a standby, the database there
	Standby  bool          `json:"standby,omitempty"`
	Estimate time.Duration `json:"-"`
	Measured time.Duration `json:"-"`
	// The same, in seconds, for tools.
	EstimateSeconds float64 `json:"estimate_seconds"`
	MeasuredSeconds float64 `json:"measured_seconds"`
}

// LostItem is an item a mailbox held before the disaster and not after.
type LostItem struct {
	Mailbox string    `json:"mailbox"`
	Subject string    `json:"subject"`
	Time    time.Time `json:"time"`
}

func (r *Report) fail(format string, args ...any) {
	r.Reasons = append(r.Reasons, fmt.Sprintf(format, args...))
}

// judgeRecovery holds the result against the drill's objectives.
func (r *Report) judgeRecovery(dr *org.Drill) {
	if rto := time.Duration(r.Objectives.RTO); rto > 0 && r.EstimatedRTO > rto {
		r.fail("the recovery takes about %s, over the recovery time objective of %s", short(r.EstimatedRTO), short(rto))
	}
	for _, it := range append(slices.Clone(r.Lost), r.MessagesLost...) {
		if d := r.DisasterAt.Sub(it.Time); d > r.MeasuredRPO {
			r.MeasuredRPO = d
		}
	}
	if len(r.Lost)+len(r.MessagesLost) > 0 && r.MeasuredRPO == 0 {
		r.MeasuredRPO = time.Nanosecond // lost, though written at the very moment of the disaster
	}
	if rpo := time.Duration(r.Objectives.RPO); len(r.Lost)+len(r.MessagesLost) > 0 && r.MeasuredRPO > rpo {
		var lost []string
		if len(r.Lost) > 0 {
			lost = append(lost, plural(len(r.Lost), "item"))
		}
		if len(r.MessagesLost) > 0 {
			lost = append(lost, plural(len(r.MessagesLost), "queued message"))
		}
		r.fail("%s lost, the oldest written %s before the disaster, over the recovery point objective of %s",
			strings.Join(lost, " and "), short(r.MeasuredRPO), short(rpo))
	}
	if want := dr.Expect.UsersBack; want != nil {
		for _, u := range r.UsersBack {
			if u.Estimate > time.Duration(*want) {
				r.fail("users_back: the users of %s are back in about %s, over %s", u.Address, short(u.Estimate), short(time.Duration(*want)))
			}
		}
	}
	if dr.Expect.ItemsBack && len(r.Lost) > 0 {
		r.fail("items_back: %d of %s did not come back", len(r.Lost), plural(r.ItemsBefore, "item"))
	}
	if dr.Expect.MessagesDelivered && len(r.MessagesLost) > 0 {
		r.fail("messages_delivered: %d of %s %s not delivered", len(r.MessagesLost), plural(r.MessagesQueued, "queued message"), agree(len(r.MessagesLost), "was", "were"))
	}
}

func (r *Report) judge() {
	r.FormatVersion = FormatVersion
	r.Verdict = "pass"
	if len(r.Reasons) > 0 {
		r.Verdict = "fail"
	}
}

// short writes a planned or objective duration as plans do (1h6m, 45s);
// measured lab times, far shorter, keep their milliseconds.
func short(d time.Duration) string {
	if d > 0 && d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return planner.RoundEstimate(d)
}

// WriteMarkdown writes the report for a pull request.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	verdict := "PASS"
	if r.Verdict != "pass" {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "# Drill %s: %s\n\n", r.Drill, verdict)
	fmt.Fprintf(&b, "Organization %s, drill started %s.", r.Organization, r.Started.Format(time.RFC3339))
	if r.BuiltSteps > 0 {
		fmt.Fprintf(&b, " There was no lab: the drill built the organization in a fresh one (%s).", plural(r.BuiltSteps, "step"))
	}
	b.WriteString("\n\n")
	for _, why := range r.Reasons {
		fmt.Fprintf(&b, "- %s\n", why)
	}
	if len(r.Reasons) > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "## Disaster\n\nAt %s (lab time):\n\n", r.DisasterAt.Format(time.RFC3339))
	for _, d := range r.Disaster {
		fmt.Fprintf(&b, "- %s\n", d)
	}
	b.WriteString("\n## Objectives\n\n| | objective | measured |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| recovery time | %s | %s estimated (%s in the lab) |\n", short(time.Duration(r.Objectives.RTO)), short(r.EstimatedRTO), short(r.ApplyTook))
	fmt.Fprintf(&b, "| recovery point | %s | %s |\n", short(time.Duration(r.Objectives.RPO)), r.rpo())
	fmt.Fprintf(&b, "| items | %d before | %d after, %d lost |\n", r.ItemsBefore, r.ItemsAfter, len(r.Lost))
	if r.MessagesQueued > 0 {
		fmt.Fprintf(&b, "| queued messages | %d before | %d delivered, %d lost |\n", r.MessagesQueued, r.MessagesQueued-len(r.MessagesLost), len(r.MessagesLost))
	}
	fmt.Fprintf(&b, "| converged | | %s |\n\n", map[bool]string{true: "yes", false: "no"}[r.Converged])
	if len(r.UsersBack) > 0 {
		b.WriteString("| users back | estimated | measured in the lab |\n|---|---|---|\n")
		for _, u := range r.UsersBack {
			where := u.Identity
			if u.Standby {
				where += ", on the standby"
			}
			fmt.Fprintf(&b, "| %s (%s) | %s | %s |\n", u.Address, where, short(u.Estimate), short(u.Measured))
		}
		b.WriteString("\n")
	}
	for _, w := range r.Waiting {
		fmt.Fprintf(&b, "Left as it is until the configuration says more: %s\n\n", w)
	}
	if fb := r.Failback; fb != nil {
		state := "the organization matches the configuration"
		switch {
		case fb.Error != "":
			state = "it failed: " + fb.Error
		case !fb.Converged:
			state = "the organization does not match the configuration"
		}
		fmt.Fprintf(&b, "Failback: %s; the users' outage about %s (estimated), %s in the lab; %s.\n\n",
			plural(fb.Steps, "step"), short(fb.Outage), short(fb.Took), state)
	}
	if len(r.Steps) > 0 {
		b.WriteString("## Steps\n\n| step | effect | estimate | took | status |\n|---|---|---|---|---|\n")
		for _, s := range r.Steps {
			status := s.Status
			if s.Error != "" {
				status += ": " + s.Error
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", s.ID, s.Effect, short(s.Estimate), short(s.Took), status)
		}
		b.WriteString("\n")
	}
	if len(r.PlannedLosses) > 0 {
		b.WriteString("## Losses the plan stated\n\n")
		for _, l := range r.PlannedLosses {
			fmt.Fprintf(&b, "- %s\n", l)
		}
		b.WriteString("\n")
	}
	if len(r.Lost) > 0 {
		b.WriteString("## Items lost\n\n| mailbox | subject | written |\n|---|---|---|\n")
		for _, it := range r.Lost {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", it.Mailbox, it.Subject, it.Time.Format(time.RFC3339))
		}
	}
	if len(r.MessagesLost) > 0 {
		b.WriteString("## Queued messages lost\n\n| recipient | subject | queued |\n|---|---|---|\n")
		for _, it := range r.MessagesLost {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", it.Mailbox, it.Subject, it.Time.Format(time.RFC3339))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report for tools; durations are in seconds.
func WriteJSON(w io.Writer, r *Report) error {
	type step struct {
		*StepReport
		EstimateSeconds float64 `json:"estimate_seconds"`
		EstStartSeconds float64 `json:"estimated_start_seconds"`
		StartSeconds    float64 `json:"start_seconds"`
		TookSeconds     float64 `json:"took_seconds"`
	}
	doc := struct {
		*Report
		RTOObjectiveSeconds float64 `json:"rto_objective_seconds"`
		RPOObjectiveSeconds float64 `json:"rpo_objective_seconds"`
		EstimatedRTOSeconds float64 `json:"estimated_rto_seconds"`
		ApplySeconds        float64 `json:"apply_seconds"`
		MeasuredRPOSeconds  float64 `json:"measured_rpo_seconds"`
		Steps               []step  `json:"steps"`
	}{Report: r, RTOObjectiveSeconds: time.Duration(r.Objectives.RTO).Seconds(), RPOObjectiveSeconds: time.Duration(r.Objectives.RPO).Seconds(),
		EstimatedRTOSeconds: r.EstimatedRTO.Seconds(), ApplySeconds: r.ApplyTook.Seconds(), MeasuredRPOSeconds: r.MeasuredRPO.Seconds(), Steps: []step{}}
	for _, s := range r.Steps {
		doc.Steps = append(doc.Steps, step{s, s.Estimate.Seconds(), s.EstStart.Seconds(), s.Start.Seconds(), s.Took.Seconds()})
	}
	if r.Lost == nil || r.MessagesLost == nil {
		// Empty lists, not null, for tools; on a copy, so that writing
		// the report does not change it.
		c := *r
		if c.Lost == nil {
			c.Lost = []LostItem{}
		}
		if c.MessagesLost == nil {
			c.MessagesLost = []LostItem{}
		}
		doc.Report = &c
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// rpo says what the recovery lost, as the measured recovery point.
func (r *Report) rpo() string {
	if len(r.Lost)+len(r.MessagesLost) == 0 {
		return "nothing lost"
	}
	if r.MeasuredRPO < time.Second {
		// Lost, though written at the disaster or during it (mail that
		// arrived in the outage): "0s of mail lost" read as nothing.
		return fmt.Sprintf("%d lost, written at the disaster or during it", len(r.Lost)+len(r.MessagesLost))
	}
	return short(r.MeasuredRPO) + " of mail lost"
}

// plural writes a count with its noun, agreeing in number: "1 item",
// "2 items".
func plural(n int, word string) string { return english.Plural(n, word) }

// agree is the word that agrees with a count: one, or many.
func agree(n int, one, many string) string { return english.Agree(n, one, many) }

// remain says how many steps remain, agreeing in number.
func remain(n int) string {
	return plural(n, "step") + " " + agree(n, "remains", "remain")
}
