package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/record"
)

func TestSummariseMixed(t *testing.T) {
	recs := append(planRecords(), applyRecords()...)
	s := Summarise(recs)
	if s.Total != 15 {
		t.Errorf("Total = %d", s.Total)
	}
	wantV := map[record.Verdict]int{
		record.Compliant: 2, record.Remediate: 6, record.UpgradeRequired: 2, record.Unsupported: 1,
		record.Unreachable: 2, record.AuthFailed: 1, record.Error: 1,
	}
	if !reflect.DeepEqual(s.ByVerdict, wantV) {
		t.Errorf("ByVerdict = %v, want %v", s.ByVerdict, wantV)
	}
	wantO := map[record.Outcome]int{record.Remediated: 2, record.AlreadyCompliant: 1, record.Failed: 2, record.Skipped: 1, record.InProgress: 0}
	if !reflect.DeepEqual(s.ByOutcome, wantO) {
		t.Errorf("ByOutcome = %v, want %v", s.ByOutcome, wantO)
	}
	wantP := map[string]PlatformCounts{
		"iosxe": {Total: 5, ByVerdict: map[record.Verdict]int{record.Remediate: 2, record.Compliant: 2, record.AuthFailed: 1},
			ByOutcome: map[record.Outcome]int{record.Remediated: 1, record.AlreadyCompliant: 1}},
		"iosxr":   {Total: 3, ByVerdict: map[record.Verdict]int{record.Remediate: 3}, ByOutcome: map[record.Outcome]int{record.Failed: 1, record.Remediated: 1}},
		"asa":     {Total: 1, ByVerdict: map[record.Verdict]int{record.Error: 1}},
		"fxos":    {Total: 1, ByVerdict: map[record.Verdict]int{record.Remediate: 1}},
		"esa":     {Total: 2, ByVerdict: map[record.Verdict]int{record.UpgradeRequired: 2}, ByOutcome: map[record.Outcome]int{record.Skipped: 1}},
		"nxos":    {Total: 1, ByVerdict: map[record.Verdict]int{record.Unsupported: 1}},
		"unknown": {Total: 2, ByVerdict: map[record.Verdict]int{record.Unreachable: 2}, ByOutcome: map[record.Outcome]int{record.Failed: 1}},
	}
	if !reflect.DeepEqual(s.ByPlatform, wantP) {
		t.Errorf("ByPlatform =\n%v\nwant\n%v", s.ByPlatform, wantP)
	}
	// Plan rows fail on their verdict, apply rows on their outcome.
	wantF := []string{"asa-edge-1", "lab-sw-9", "\x1b[31mevil\x1b[0m", "ncs-core-1", "lab-sw-9"}
	if !reflect.DeepEqual(s.Failed, wantF) {
		t.Errorf("Failed = %q, want %q", s.Failed, wantF)
	}
	sum := 0
	for _, n := range s.ByVerdict {
		sum += n
	}
	if sum != s.Total {
		t.Errorf("verdict counts add up to %d, not %d", sum, s.Total)
	}
}

func TestSummaryJSONShape(t *testing.T) {
	plan, _ := json.Marshal(Summarise(planRecords()[:1]))
	want := `{"total":1,"by_verdict":{"auth-failed":0,"compliant":0,"error":0,"remediate":1,"unreachable":0,"unsupported":0,"upgrade-required":0},` +
		`"by_platform":{"iosxe":{"total":1,"by_verdict":{"remediate":1}}},"failed":[],"follow_up":[]}`
	if string(plan) != want {
		t.Errorf("plan summary\n got %s\nwant %s", plan, want)
	}
	apply, _ := json.Marshal(Summarise(applyRecords()[:1]))
	if !strings.Contains(string(apply), `"by_outcome":{"already-compliant":0,"failed":0,"in-progress":0,"remediated":1,"skipped":0}`) {
		t.Errorf("apply summary lacks every outcome: %s", apply)
	}
}

func TestRenderSummaryFailedList(t *testing.T) {
	var recs []record.Record
	for i := range maxListed + 5 {
		recs = append(recs, record.Record{Name: fmt.Sprintf("d%02d", i), Platform: "asa", Verdict: record.Unreachable, Error: fmt.Sprintf("reason %02d", i)})
	}
	var buf bytes.Buffer
	if err := renderSummary(&buf, recs, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "d19  unreachable  reason 19\n") || !strings.Contains(out, "… and 5 more") || strings.Contains(out, "d20") {
		t.Errorf("failed list not bounded, or without reasons:\n%s", out)
	}
	if strings.Contains(out, "Outcomes:") {
		t.Errorf("plan summary shows outcomes:\n%s", out)
	}
}

// Follow-ups are listed apart from failures, with what makes them lasting.
func TestRenderSummaryFollowUp(t *testing.T) {
	var buf bytes.Buffer
	if err := renderSummary(&buf, applyRecords(), Options{Apply: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	fail, follow := strings.Index(out, "\nFailed:\n"), strings.Index(out, "\nFollow-up (fixed until the next reload):\n")
	if fail < 0 || follow < fail {
		t.Fatalf("no separate failed and follow-up lists:\n%s", out)
	}
	if f := out[follow:]; !strings.Contains(f, "xr-edge-02  terminal  terminal does not survive a reload") || strings.Contains(f, "ncs-core-1") {
		t.Errorf("follow-up list:\n%s", f)
	}
	if strings.Contains(out[fail:follow], "xr-edge-02") {
		t.Errorf("a follow-up is listed as failed:\n%s", out)
	}
	if s := Summarise(applyRecords()); !slices.Equal(s.FollowUp, []string{"xr-edge-02"}) || slices.Contains(s.Failed, "xr-edge-02") {
		t.Errorf("summary follow_up %q failed %q", s.FollowUp, s.Failed)
	}
}

// TestSummaryFollowUp: a device fixed only until its next reload is listed
// apart from the failures, accepted or not; a device a resumed run did not
// select is neither. The record's own follow_up text is what the table shows.
func TestSummaryFollowUp(t *testing.T) {
	no := record.Bool(false)
	recs := []record.Record{
		{Name: "xr-edge-02", Verdict: record.Remediate, Outcome: record.Remediated, Persistent: no, FollowUp: "stage a bundle"},
		{Name: "xr-ok", Verdict: record.Remediate, Outcome: record.Remediated, Persistent: no, FollowUp: "stage a bundle", NonPersistentAllowed: true},
		{Name: "xr-found", Verdict: record.Compliant, Persistent: no, FollowUp: "stage a bundle"},
		{Name: "xr-broken", Verdict: record.Remediate, Outcome: record.Failed, Persistent: no},
		{Name: "gone", Verdict: record.Remediate, Outcome: record.Failed, NotSelected: true},
	}
	s := Summarise(recs)
	if !reflect.DeepEqual(s.FollowUp, []string{"xr-edge-02", "xr-ok", "xr-found"}) || !reflect.DeepEqual(s.Failed, []string{"xr-broken"}) ||
		!reflect.DeepEqual(s.NotSelected, []string{"gone"}) {
		t.Errorf("follow-up %q failed %q not selected %q", s.FollowUp, s.Failed, s.NotSelected)
	}
	var buf bytes.Buffer
	if err := Render(&buf, Table, recs[:1], Options{Apply: true, Summary: true, Width: 200}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "Follow-up (fixed until the next reload):") || !strings.Contains(out, "stage a bundle") || strings.Contains(out, "\nFailed:\n") {
		t.Errorf("table summary:\n%s", out)
	}
}

// TestMethodShowsTheFallback: a plan row that may fall back shows both.
func TestMethodShowsTheFallback(t *testing.T) {
	var buf bytes.Buffer
	r := record.Record{Name: "xr", Verdict: record.Remediate, Method: record.MethodURL, FallbackMethod: record.MethodTerminal, Persistent: record.Bool(false)}
	if err := Render(&buf, Table, []record.Record{r}, Options{Width: 200}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "url→terminal") {
		t.Errorf("METHOD does not show the fallback:\n%s", buf.String())
	}
}
