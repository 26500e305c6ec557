package planner

import (
	"fmt"
	"strings"

	"github.com/exdr/exdr/providers"
)

// checkInvariants holds every plan to the rules the executor and the
// providers rely on, and that the person reviewing it is told:
//
//   - no two steps on one identity are unordered: the provider contract
//     says two steps never touch one database (or storage group, queue,
//     server) at once;
//   - every data_loss step carries the consent that allows it;
//   - every step's verb is in providers.Verbs, its effect is no milder
//     than the verb's, and it carries the arguments the verb needs;
//   - every setting a recovery changes for its own sake is put back after
//     it: "This database can be overwritten by a restore" turned on is
//     turned off again (unless the configuration wants it on), a
//     transport service stopped is started again.
//
// A violation is a procedure bug; the planner refuses the plan.
// Long on purpose: the rules one after another, each a few lines.
func (b *builder) checkInvariants() error {
	steps := b.plan.Steps
	byID := make(map[string]*providers.Step, len(steps))
	for _, s := range steps {
		byID[s.ID] = s
	}
	anc := ancestry{byID: byID, memo: map[string]map[string]bool{}}
	var problems []string

	byIdentity := map[string][]*providers.Step{}
	byResource := map[string][]*providers.Step{}
	for _, s := range steps {
		k := s.Identity.Key()
		byIdentity[k] = append(byIdentity[k], s)
		byResource[actsOn(s)] = append(byResource[actsOn(s)], s)
	}
	for _, group := range byResource {
		for i := 0; i < len(group); i++ {
			for j := i + 1; j < len(group); j++ {
				a, c := group[i], group[j]
				if !anc.of(a.ID)[c.ID] && !anc.of(c.ID)[a.ID] {
					problems = append(problems, fmt.Sprintf("%s and %s both act on %s and neither waits for the other", a.ID, c.ID, a.Identity))
				}
			}
		}
	}

	for _, s := range steps {
		if s.Effect == providers.DataLoss && s.Consent == "" {
			problems = append(problems, fmt.Sprintf("%s loses data and nothing allows it", s.ID))
		}
		spec, known := providers.Spec(s.Verb)
		switch {
		case !known:
			problems = append(problems, fmt.Sprintf("%s has a verb providers.Verbs does not list", s.ID))
		case s.Effect < spec.Effect:
			problems = append(problems, fmt.Sprintf("%s is marked %s, milder than %s can be (%s)", s.ID, s.Effect, s.Verb, spec.Effect))
		}
		for _, arg := range spec.Needs {
			if _, ok := s.Args[arg]; !ok {
				problems = append(problems, fmt.Sprintf("%s carries no %s, which every %s step needs", s.ID, arg, s.Verb))
			}
		}
	}

	wantOn := map[string]bool{}
	for _, db := range b.desired.Databases {
		if db.AllowFileRestore != nil && *db.AllowFileRestore {
			wantOn[db.Identity().Key()] = true
		}
	}
	for _, s := range steps {
		var putBack func(*providers.Step) bool
		switch {
		case s.Verb == providers.VerbAllowFileRestore && s.Args["value"] == "true" && b.wantIx.Database(s.Identity) != nil && !wantOn[s.Identity.Key()]:
			putBack = func(t *providers.Step) bool {
				return t.Verb == providers.VerbSetDatabase && t.Args["allow_file_restore"] == "false"
			}
		case s.Verb == providers.VerbStopTransport:
			putBack = func(t *providers.Step) bool {
				return t.Verb == providers.VerbStartTransport || t.Verb == providers.VerbRotateQueue
			}
		default:
			continue
		}
		found := false
		for _, t := range byIdentity[s.Identity.Key()] {
			if putBack(t) && anc.of(t.ID)[s.ID] {
				found = true
				break
			}
		}
		if !found {
			problems = append(problems, fmt.Sprintf("%s changes a setting for the recovery's sake and no later step puts it back", s.ID))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(problems, "; "))
}

// actsOn is what a step changes: its identity, or for a step on one
// mailbox (whose identity is its database, where the provider finds it)
// that mailbox. Steps on two mailboxes of one database may run at once.
func actsOn(s *providers.Step) string {
	switch s.Verb {
	case providers.VerbCreateMailbox, providers.VerbConnectMailbox, providers.VerbSetMailbox:
		return s.Identity.Key() + "|" + strings.ToLower(s.Args["mailbox"])
	case providers.VerbRestoreMailbox:
		return s.Identity.Key() + "|" + strings.ToLower(s.Args["target"]) + "|" + strings.ToLower(s.Args["mailbox"])
	}
	return s.Identity.Key()
}

// ancestry answers "does this step wait, directly or not, for that one".
type ancestry struct {
	byID map[string]*providers.Step
	memo map[string]map[string]bool
}

// of returns every step id waits for, transitively.
func (a *ancestry) of(id string) map[string]bool {
	if m, ok := a.memo[id]; ok {
		return m
	}
	m := map[string]bool{}
	a.memo[id] = m // the plan is acyclic: a step never reaches itself
	if s := a.byID[id]; s != nil {
		for _, d := range s.DependsOn {
			m[d] = true
			for x := range a.of(d) {
				m[x] = true
			}
		}
	}
	return m
}
