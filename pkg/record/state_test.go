package record

import "testing"

func TestDone(t *testing.T) {
	for o, want := range map[Outcome]bool{
		Remediated: true, AlreadyCompliant: true,
		Failed: false, Skipped: false, InProgress: false, "": false,
	} {
		if got := (Record{Outcome: o}).Done(); got != want {
			t.Errorf("Done(%q) = %v, want %v", o, got, want)
		}
	}
}

func TestFailed(t *testing.T) {
	for _, tc := range []struct {
		r    Record
		want bool
	}{
		{Record{Verdict: Compliant}, false},
		{Record{Verdict: Remediate}, false},
		{Record{Verdict: UpgradeRequired}, false},
		{Record{Verdict: Unsupported}, false},
		{Record{Verdict: Unreachable}, true},
		{Record{Verdict: AuthFailed}, true},
		{Record{Verdict: Error}, true},
		// the outcome, when there is one, decides
		{Record{Verdict: Error, Outcome: Skipped}, false},
		{Record{Verdict: Remediate, Outcome: Remediated}, false},
		{Record{Verdict: Compliant, Outcome: AlreadyCompliant}, false},
		{Record{Verdict: Remediate, Outcome: Failed}, true},
		{Record{Verdict: Remediate, Outcome: InProgress}, true},
	} {
		if got := tc.r.Failed(); got != tc.want {
			t.Errorf("%s/%s: Failed() = %v, want %v", tc.r.Verdict, tc.r.Outcome, got, tc.want)
		}
	}
}

func TestChangeBegun(t *testing.T) {
	for _, tc := range []struct {
		o    Outcome
		s    Stage
		want bool
	}{
		{InProgress, StageImport, true},
		{InProgress, "", true},
		{Failed, StageConnect, false},
		{Failed, StageDetect, false},
		{Failed, StageImport, true},
		{Failed, StageVerify, true},
		{Failed, StageSave, true},
		{Remediated, StageDone, false},
		{Skipped, StageDetect, false},
	} {
		if got := (Record{Outcome: tc.o, Stage: tc.s}).ChangeBegun(); got != tc.want {
			t.Errorf("%s at %s: ChangeBegun() = %v, want %v", tc.o, tc.s, got, tc.want)
		}
	}
}

func TestNeedsFollowUp(t *testing.T) {
	for _, tc := range []struct {
		r    Record
		want bool
	}{
		{Record{Outcome: Remediated, Persistent: Bool(false)}, true},
		{Record{Outcome: Remediated, Persistent: Bool(true)}, false},
		{Record{Outcome: Remediated}, false},
		{Record{Outcome: Failed, Persistent: Bool(false)}, false},
		{Record{Verdict: Remediate, Persistent: Bool(false)}, false}, // a plan row
		{Record{Verdict: Compliant, Persistent: Bool(false), FollowUp: "stage a bundle"}, true},
		{Record{Outcome: AlreadyCompliant, Persistent: Bool(false), FollowUp: "stage a bundle"}, true},
		{Record{Outcome: Failed, FollowUp: "stage a bundle"}, false},
		{Record{Outcome: Remediated, Persistent: Bool(false), NotSelected: true}, false},
	} {
		if got := tc.r.NeedsFollowUp(); got != tc.want {
			t.Errorf("%+v: NeedsFollowUp() = %v, want %v", tc.r, got, tc.want)
		}
	}
}

func TestFollowUpDue(t *testing.T) {
	r := Record{Outcome: Remediated, Persistent: Bool(false), FollowUp: "stage a bundle"}
	if !r.FollowUpDue() {
		t.Error("a follow-up nobody accepted is not due")
	}
	r.NonPersistentAllowed = true
	if r.FollowUpDue() || !r.NeedsFollowUp() {
		t.Errorf("accepted: due %v, needs follow-up %v; want false, true", r.FollowUpDue(), r.NeedsFollowUp())
	}
}

func TestNotSelectedNeverFails(t *testing.T) {
	if (Record{Outcome: Failed, NotSelected: true}).Failed() {
		t.Error("a device this run did not select counts as failed")
	}
}
