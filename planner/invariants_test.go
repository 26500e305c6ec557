package planner

import (
	"strings"
	"testing"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// The invariants catch what they are for: each case is a plan that
// breaks one.
func TestInvariantsCatchBrokenPlans(t *testing.T) {
	step := func(id string, verb providers.Verb, ident string, effect providers.Effect, args map[string]string, deps ...string) *providers.Step {
		return &providers.Step{ID: id, Verb: verb, Identity: org.Identity(`MBX01\SG1\` + ident), Effect: effect, Args: args, DependsOn: deps}
	}
	for _, tt := range []struct {
		name  string
		steps []*providers.Step
		want  string
	}{
		{"unordered on one database", []*providers.Step{
			step("a", providers.VerbSetDatabase, "DB1", providers.Reversible, nil),
			step("b", providers.VerbMount, "DB1", providers.Reversible, nil),
		}, "neither waits for the other"},
		{"data loss without consent", []*providers.Step{
			step("a", providers.VerbRepairDatabase, "DB1", providers.DataLoss, nil),
		}, "nothing allows it"},
		{"allow_file_restore never put back", []*providers.Step{
			step("a", providers.VerbAllowFileRestore, "DB1", providers.Reversible, map[string]string{"value": "true"}),
			step("b", providers.VerbRestoreBackup, "DB1", providers.Irreversible, nil, "a"),
		}, "no later step puts it back"},
		{"put back, but not after", []*providers.Step{
			step("a", providers.VerbAllowFileRestore, "DB1", providers.Reversible, map[string]string{"value": "true"}),
			step("b", providers.VerbSetDatabase, "DB1", providers.Reversible, map[string]string{"allow_file_restore": "false"}),
		}, "no later step puts it back"},
		{"a repair marked reversible", []*providers.Step{
			step("a", providers.VerbRepairDatabase, "DB1", providers.Reversible, nil),
		}, "milder than repair_database can be (data_loss)"},
		{"a step without an argument its verb needs", []*providers.Step{
			step("a", providers.VerbCreateMailbox, "DB1", providers.Reversible, map[string]string{"mailbox": "alice"}),
		}, "carries no owner, which every create_mailbox step needs"},
		{"a verb no one knows", []*providers.Step{
			step("a", providers.Verb("format_disk"), "DB1", providers.Reversible, nil),
		}, "providers.Verbs does not list"},
		{"a sound plan", []*providers.Step{
			step("a", providers.VerbAllowFileRestore, "DB1", providers.Reversible, map[string]string{"value": "true"}),
			step("b", providers.VerbSetDatabase, "DB1", providers.Reversible, map[string]string{"allow_file_restore": "false", "kind": "mailbox"}, "a"),
			step("c", providers.VerbCreateMailbox, "DB1", providers.Reversible, map[string]string{"mailbox": "alice", "owner": `CONTOSO\alice`}, "b"),
			step("d", providers.VerbCreateMailbox, "DB1", providers.Reversible, map[string]string{"mailbox": "bob", "owner": `CONTOSO\bob`}, "b"),
		}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := &builder{desired: desiredOrg(), plan: &Plan{Steps: tt.steps}}
			b.wantIx = newLookups(org.NewIndex(b.desired))
			err := b.checkInvariants()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
