package journal

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/record"
)

// A journal with run lines reads back whole; Read (what resume uses)
// skips the run lines without calling them problems.
func TestRunLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	run := record.RunInfo{ID: "r1", Inventory: "inv", CAFingerprint: "ca"}
	start := Run{Event: RunStart, Run: run, Time: time.Unix(0, 0).UTC(), Command: "apply", Operator: "me@here",
		Devices: []DeviceRef{{Name: "a", Host: "h", Port: 22, Position: 3}}}
	if err := j.AppendRun(start); err != nil {
		t.Fatal(err)
	}
	if err := j.Append(record.Record{Name: "a", Verdict: record.Compliant, Outcome: record.AlreadyCompliant, Run: &run}); err != nil {
		t.Fatal(err)
	}
	if err := j.AppendRun(Run{Event: RunEnd, Run: run, Time: time.Unix(60, 0).UTC()}); err != nil {
		t.Fatal(err)
	}
	if err := j.AppendRun(Run{Event: "other"}); err == nil {
		t.Error("a run line with an unknown event was written")
	}
	j.Close()
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Runs) != 2 || len(f.Records) != 1 || len(f.Problems) != 0 || f.Runs[0].Operator != "me@here" || f.Runs[0].Schema != Schema {
		t.Errorf("read %+v", f)
	}
	recs, probs, err := Read(path)
	if err != nil || len(recs) != 1 || len(probs) != 0 {
		t.Errorf("Read: %d records, problems %v, %v", len(recs), probs, err)
	}
}

// A file that is not a journal is refused with its name and line; one
// whose later line was cut by a crash is still a journal.
func TestNotAJournal(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"lab.yaml":    "defaults:\n  username: netops\ndevices: []\n",
		"array.json":  "[1, 2]\n",
		"other.jsonl": "\n{\"name\": \"x\"}\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := ReadFile(path)
		if !errors.Is(err, ErrNotJournal) || !strings.HasPrefix(err.Error(), path+":") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line naming the file and line", name, err)
		}
	}
	torn := filepath.Join(dir, "torn.jsonl")
	if err := os.WriteFile(torn, []byte(`{"name":"a","verdict":"compliant"}`+"\n"+`{"name":"b","verd`), 0o600); err != nil {
		t.Fatal(err)
	}
	if f, err := ReadFile(torn); err != nil || len(f.Records) != 1 || len(f.Problems) != 1 {
		t.Errorf("torn journal: %v %+v", err, f)
	}
	empty := filepath.Join(dir, "empty.jsonl")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(empty); err != nil {
		t.Errorf("an empty journal: %v", err)
	}
}

func ts(sec int) *time.Time { t := time.Unix(int64(sec), 0).UTC(); return &t }

// Merge: the latest record per device wins across journals, with the
// conflict reported; inventory order comes from the run lines' positions
// across journals; a device a run covered without a record is missing;
// runs are told apart by id.
func TestMerge(t *testing.T) {
	r1, r2 := record.RunInfo{ID: "r1"}, record.RunInfo{ID: "r2"}
	a := &File{Path: "a.jsonl",
		Runs: []Run{{Event: RunStart, Run: r1, Time: *ts(0), Operator: "x@1", Devices: []DeviceRef{{Name: "d3", Position: 3}, {Name: "d1", Position: 1}}},
			{Event: RunEnd, Run: r1, Time: *ts(100)}},
		Records: []record.Record{
			{Name: "d3", Outcome: record.InProgress, Run: &r1, Started: ts(1)},
			{Name: "d3", Outcome: record.Failed, Run: &r1, Started: ts(1), Finished: ts(50)},
			{Name: "d1", Outcome: record.Remediated, Run: &r1, Started: ts(2), Finished: ts(20)},
		}}
	b := &File{Path: "b.jsonl",
		Runs: []Run{{Event: RunStart, Run: r2, Time: *ts(200), Operator: "y@2", Devices: []DeviceRef{{Name: "d2", Position: 2}, {Name: "d3", Position: 3}, {Name: "d4", Position: 4}}}},
		Records: []record.Record{
			{Name: "d3", Outcome: record.Remediated, Run: &r2, Started: ts(201), Finished: ts(260)},
			{Name: "d2", Outcome: record.AlreadyCompliant, Run: &r2, Started: ts(202), Finished: ts(210)},
			{Name: "zz", Outcome: record.Skipped}, // named by no run line: last
		}}
	m := Merge([]*File{a, b})
	var names []string
	for _, e := range m.Devices {
		names = append(names, e.Record.Name+"@"+e.Source)
	}
	if got := strings.Join(names, " "); got != "d1@a.jsonl d2@b.jsonl d3@b.jsonl zz@b.jsonl" {
		t.Errorf("devices %s", got)
	}
	if len(m.Conflicts) != 1 || m.Conflicts[0].Device != "d3" || m.Conflicts[0].Kept != "b.jsonl" || m.Conflicts[0].Dropped[0].Source != "a.jsonl" {
		t.Errorf("conflicts %+v", m.Conflicts)
	}
	if len(m.Missing) != 1 || m.Missing[0].Name != "d4" {
		t.Errorf("missing %+v", m.Missing)
	}
	if len(m.Runs) != 2 || m.Runs[0].ID != "r1" || !m.Runs[0].Ended || m.Runs[1].Ended || !m.Runs[1].Finished.Equal(*ts(260)) {
		t.Errorf("runs %+v", m.Runs)
	}
	// One journal alone: its last line per device, no conflict.
	if m2 := Merge([]*File{a}); len(m2.Devices) != 2 || len(m2.Conflicts) != 0 || m2.Devices[1].Record.Outcome != record.Failed {
		t.Errorf("one journal: %+v", m2)
	}
}
