package journal

import (
	"errors"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/shard"
)

func TestLastByDeviceAndLatest(t *testing.T) {
	recs := []record.Record{rec("a", record.Failed), rec("b", record.Remediated), rec("a", record.Remediated), rec("c", record.Skipped)}
	last := LastByDevice(recs)
	if len(last) != 3 || last["a"].Outcome != record.Remediated || last["c"].Outcome != record.Skipped {
		t.Errorf("LastByDevice = %v", last)
	}
	latest := Latest(recs)
	if names(latest) != "a b c" || latest[0].Outcome != record.Remediated {
		t.Errorf("Latest = %v", latest)
	}
	if Latest(nil) != nil {
		t.Error("Latest(nil) is not nil")
	}
}

// TestResume: done devices are dropped, devices whose change began are
// named, devices the journal never saw run, and a journal of another run
// is refused before anything is decided.
func TestResume(t *testing.T) {
	run := record.RunInfo{ID: "run-2", Inventory: "inv", CAFingerprint: "ca"}
	at := func(name string, o record.Outcome, st record.Stage) record.Record {
		return record.Record{Name: name, Outcome: o, Stage: st, Run: &record.RunInfo{ID: "run-1", Inventory: "inv", CAFingerprint: "ca"}}
	}
	devs := []inventory.Device{{Name: "done"}, {Name: "ok"}, {Name: "cut"}, {Name: "lost"}, {Name: "refused"}, {Name: "new"},
		{Name: "moved", Port: 2202}, {Name: "rehosted", Host: "10.0.0.9"}, {Name: "cut-moved", Port: 2203}}
	recs := []record.Record{
		at("done", record.InProgress, record.StageImport), at("done", record.Remediated, record.StageDone),
		at("ok", record.AlreadyCompliant, record.StageDetect),
		at("cut", record.InProgress, record.StageImport),
		at("lost", record.Failed, record.StageVerify),
		at("refused", record.Failed, record.StageConnect),
		at("gone", record.Failed, record.StageConnect),
		at("moved", record.Remediated, record.StageDone), at("rehosted", record.AlreadyCompliant, record.StageDetect),
		at("cut-moved", record.InProgress, record.StageImport),
	}
	recs[len(recs)-3].Port, recs[len(recs)-2].Host, recs[len(recs)-1].Port = 2201, "10.0.0.8", 2201
	rs, err := Resume(recs, devs, run)
	if err != nil {
		t.Fatal(err)
	}
	var todo []string
	for _, d := range rs.Todo {
		todo = append(todo, d.Name)
	}
	if got := strings.Join(todo, " "); got != "cut lost refused new moved rehosted cut-moved" {
		t.Errorf("todo %q, want cut lost refused new moved rehosted cut-moved", got)
	}
	if len(rs.Interrupted) != 2 || !rs.Interrupted["cut"] || !rs.Interrupted["lost"] {
		t.Errorf("interrupted %v, want cut and lost (a device that moved may be another one)", rs.Interrupted)
	}
	if rs.Moved["moved"] != "port 2201 → 2202" || rs.Moved["rehosted"] != "host 10.0.0.8 → 10.0.0.9" || len(rs.Moved) != 3 {
		t.Errorf("moved %v", rs.Moved)
	}
	if strings.Join(rs.NotSelected, " ") != "gone" {
		t.Errorf("not selected %v, want gone", rs.NotSelected)
	}
	if rs.Last["done"].Outcome != record.Remediated || len(rs.Last) != 9 {
		t.Errorf("last %v", rs.Last)
	}

	empty, err := Resume(nil, devs, run)
	if err != nil || len(empty.Todo) != len(devs) || empty.Last != nil {
		t.Errorf("empty journal: %+v, %v; want every device to do", empty, err)
	}
	other := run
	other.CAFingerprint = "another"
	if _, err := Resume(recs, devs, other); !errors.Is(err, ErrRunMismatch) {
		t.Errorf("another CA: %v, want ErrRunMismatch", err)
	}
}

func TestCheckRun(t *testing.T) {
	const inv = "5f2b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3"
	const ca = "DF717EAA4AD94EC9558499602D48DE5FBCF03A25"
	want := record.RunInfo{ID: "run-2", Inventory: inv, CAFingerprint: ca}
	with := func(run *record.RunInfo) []record.Record {
		r := rec("asa-1", record.Failed)
		r.Run = run
		return []record.Record{rec("ok", record.Remediated), r}
	}
	ok := with(&record.RunInfo{ID: "run-1", Inventory: inv, CAFingerprint: ca})
	ok[0].Run = &record.RunInfo{ID: "run-0", Inventory: inv, CAFingerprint: ca}
	if err := CheckRun(ok, want); err != nil {
		t.Errorf("same inputs, other run id: %v", err)
	}
	if err := CheckRun(nil, want); err != nil {
		t.Errorf("empty journal: %v", err)
	}
	edited := with(&record.RunInfo{ID: "run-1", Inventory: "99aa", CAFingerprint: ca})
	edited[0].Run = &record.RunInfo{ID: "run-0", Inventory: inv, CAFingerprint: ca}
	if err := CheckRun(edited, want); err != nil {
		t.Errorf("an edited inventory, same CA: %v; want it resumed", err)
	}

	tests := []struct {
		name string
		run  *record.RunInfo
		want string
	}{
		{"no run info", nil, `journal does not match this run: the record of device "asa-1" has no run information, so its CA is unknown; start a new journal`},
		{"CA with a common prefix", &record.RunInfo{ID: "run-1", Inventory: inv, CAFingerprint: "DF717EAA4AD94EC9FFFF"},
			`journal does not match this run: it was written for a different CA (fingerprint DF717EAA4AD94EC9FFFF, this run DF717EAA4AD94EC95584…) (run run-1, device "asa-1"); use a new journal for this CA`},
		{"CA and inventory", &record.RunInfo{ID: "run-1", Inventory: "", CAFingerprint: "AB"},
			`journal does not match this run: it was written for a different CA (fingerprint AB, this run DF717EAA4AD9…) (run run-1, device "asa-1"); use a new journal for this CA`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := with(tc.run)
			recs[0].Run = &record.RunInfo{Inventory: inv, CAFingerprint: ca}
			err := CheckRun(recs, want)
			if !errors.Is(err, ErrRunMismatch) {
				t.Fatalf("err = %v, want ErrRunMismatch", err)
			}
			if err.Error() != tc.want {
				t.Errorf("\n got %s\nwant %s", err, tc.want)
			}
			if strings.Count(err.Error(), "\n") != 0 {
				t.Error("message is not one line")
			}
		})
	}
}

// TestIdentityIsOneNotion: the shards' run id and Resume decide "the same
// device" alike: an edit that Resume sees as a move (host or port) gives
// another run id, one it does not (a field other than the address) keeps it.
func TestIdentityIsOneNotion(t *testing.T) {
	run := record.RunInfo{ID: "r", CAFingerprint: "ab12"}
	spec := shard.Spec{Count: 2}
	base := inventory.Device{Name: "a", Host: "10.0.0.1", Port: 22}
	rec := record.Record{Name: "a", Host: "10.0.0.1", Port: 22, Outcome: record.Remediated, Stage: record.StageDone, Run: &run}
	idOf := func(d inventory.Device) string {
		return shard.RunID(run.CAFingerprint, spec, []shard.Device{Identity(d)})
	}
	if RecordIdentity(rec) != Identity(base) {
		t.Fatalf("a record and its device differ: %+v %+v", RecordIdentity(rec), Identity(base))
	}
	edits := map[string]inventory.Device{"port": {Name: "a", Host: "10.0.0.1", Port: 2222}, "host": {Name: "a", Host: "10.0.0.9", Port: 22}, "groups": {Name: "a", Host: "10.0.0.1", Port: 22, Groups: []string{"edge"}}}
	for what, d := range edits {
		rs, err := Resume([]record.Record{rec}, []inventory.Device{d}, run)
		if err != nil {
			t.Fatal(err)
		}
		_, moved := rs.Moved["a"]
		if newID := idOf(d) != idOf(base); moved != newID {
			t.Errorf("%s edit: Resume moved %v, run id changed %v: the two notions disagree", what, moved, newID)
		}
	}
}
