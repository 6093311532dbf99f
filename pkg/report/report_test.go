package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rivo/uniseg"

	"github.com/trustfix/trustfix/pkg/record"
)

var update = flag.Bool("update", false, "rewrite testdata/report/*.golden")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "report", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestRenderGolden: every format of a plan and an apply; tables piped
// (nothing cut), on terminals of 80 and 200 columns, and in colour.
func TestRenderGolden(t *testing.T) {
	sets := []struct {
		name string
		recs []record.Record
		opts Options
	}{
		{"plan", planRecords(), Options{Summary: true}},
		{"apply", applyRecords(), Options{Apply: true, Summary: true}},
	}
	for _, set := range sets {
		for _, format := range Formats {
			t.Run(set.name+"."+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Render(&buf, format, set.recs, set.opts); err != nil {
					t.Fatal(err)
				}
				golden(t, set.name+"."+format, buf.Bytes())
			})
		}
		for _, v := range []struct {
			suffix string
			width  int
			color  bool
		}{{"80", 80, false}, {"200", 200, false}, {"80.color", 80, true}} {
			t.Run(set.name+".table."+v.suffix, func(t *testing.T) {
				opts := set.opts
				opts.Width, opts.Color = v.width, v.color
				var buf bytes.Buffer
				if err := Render(&buf, Table, set.recs, opts); err != nil {
					t.Fatal(err)
				}
				golden(t, set.name+".table."+v.suffix, buf.Bytes())
				if !v.color {
					for i, l := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
						if n := uniseg.StringWidth(l); n > v.width {
							t.Errorf("line %d is %d columns wide on a terminal of %d:\n%s", i+1, n, v.width, l)
						}
					}
					if strings.Contains(buf.String(), "\x1b") {
						t.Error("escape sequences without colour")
					}
				}
			})
		}
	}
}

func TestRenderEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, JSON, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Devices []json.RawMessage `json:"devices"`
		Summary map[string]any    `json:"summary"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || doc.Devices == nil || doc.Summary["total"] != 0.0 {
		t.Errorf("empty json: %s (%v)", buf.Bytes(), err)
	}
	if !strings.Contains(buf.String(), `"devices": []`) {
		t.Errorf("devices is not an empty array:\n%s", buf.Bytes())
	}
	buf.Reset()
	if err := Render(&buf, Table, nil, Options{Summary: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Devices:    0\n") {
		t.Errorf("empty table:\n%s", buf.Bytes())
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Render(&bytes.Buffer{}, "yaml", nil, Options{})
	if !errors.Is(err, ErrFormat) || err.Error() != `unknown output format "yaml" (want table|wide|json|csv)` {
		t.Errorf("got %v", err)
	}
	for _, f := range Formats {
		if err := CheckFormat(f); err != nil {
			t.Errorf("CheckFormat(%q) = %v", f, err)
		}
	}
}

// everything sets every field of a Record, nested ones included.
func everything() record.Record {
	started := time.Date(2025, 3, 14, 2, 10, 0, 123456789, time.FixedZone("CET", 3600))
	finished := started.Add(time.Minute)
	return record.Record{
		Name: "all", Host: "10.0.0.1", Port: 2222, Platform: "iosxe", Version: "17.3.4", Model: "C9300", Hostname: "h", Serial: "FOC1",
		CAPresent: record.Bool(true), QuoVadisPresent: record.Bool(true),
		Verdict: record.Remediate, Method: record.MethodURL, Persistent: record.Bool(false), Reason: "r <&> \"q\"",
		Advisory: &record.Advisory{Notice: "FN72298", Affected: true, Fixed: "17.6.1", Note: "n"},
		Error:    "e\nmultiline", Outcome: record.Remediated, Stage: "done", Fallback: "terminal",
		Proof:   &record.Proof{Subject: "CN=x", Serial: "01", Fingerprint: "AB"},
		Started: &started, Finished: &finished, Attempts: 2, Transcript: "t.log",
		Run:            &record.RunInfo{ID: "id", Inventory: "inv", CAFingerprint: "ca"},
		FallbackMethod: record.MethodTerminal, FollowUp: "stage a bundle", NonPersistentAllowed: true,
	}
}

// The -o json device object is the journal line: byte for byte once the
// indentation is removed.
func TestJSONDeviceIsTheRecord(t *testing.T) {
	r := everything()
	var buf bytes.Buffer
	if err := Render(&buf, JSON, []record.Record{r}, Options{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Devices []json.RawMessage `json:"devices"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Devices) != 1 {
		t.Fatalf("decode: %v\n%s", err, buf.Bytes())
	}
	want, _ := json.Marshal(r)
	var got bytes.Buffer
	if err := json.Compact(&got, doc.Devices[0]); err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("device object\n got %s\nwant %s", got.Bytes(), want)
	}
	var back record.Record
	if err := json.Unmarshal(doc.Devices[0], &back); err != nil || !back.Started.Equal(*r.Started) || back.Proof.Fingerprint != "AB" {
		t.Errorf("decode back: %v %+v", err, back)
	}
}

func TestCSVHasEveryField(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, CSV, []record.Record{everything(), {Name: "bare"}}, Options{Apply: true}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	col := map[string]string{}
	for i, h := range rows[0] {
		col[h] = rows[1][i]
	}
	for k, want := range map[string]string{
		"port": "2222", "ca_present": "true", "persistent": "false", "advisory_affected": "true", "advisory_fixed": "17.6.1",
		"error": "e\nmultiline", "started": "2025-03-14T02:10:00.123456789+01:00", "attempts": "2", "proof_fingerprint": "AB", "run_id": "id",
	} {
		if col[k] != want {
			t.Errorf("%s = %q, want %q", k, col[k], want)
		}
	}
	for i, h := range rows[0] {
		// not_selected contradicts a remediated row: TestSummaryFollowUp.
		if rows[1][i] == "" && h != "not_selected" {
			t.Errorf("column %s is empty for a record with every field set", h)
		}
		if h != "name" && h != "port" && rows[2][i] != "" {
			t.Errorf("column %s = %q for a bare record, want empty", h, rows[2][i])
		}
	}
}

// A plan's CSV has no column that only a change fills; apply's has the
// plan's columns first, in the same order.
func TestCSVPlanColumns(t *testing.T) {
	for _, apply := range []bool{false, true} {
		var buf bytes.Buffer
		if err := Render(&buf, CSV, []record.Record{everything()}, Options{Apply: apply}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := PlanColumns
		if apply {
			want = ApplyColumns
		}
		if !slices.Equal(rows[0], want) {
			t.Errorf("apply %v: header %q, want %q", apply, rows[0], want)
		}
	}
	if !slices.Equal(ApplyColumns[:len(PlanColumns)], PlanColumns) {
		t.Error("apply's columns do not start with the plan's")
	}
	for _, c := range []string{"outcome", "attempts", "transcript", "started", "run_id", "follow_up"} {
		if slices.Contains(PlanColumns, c) {
			t.Errorf("plan CSV has the apply-only column %s", c)
		}
	}
}

// On a terminal the reason is cut to the width; piped, nothing is.
func TestTableCells(t *testing.T) {
	long := strings.Repeat("x", 200)
	recs := []record.Record{{Name: "a\tb", Host: "h", Port: 22, Error: long}, {Name: "c", Host: "::1", Port: 2022, Reason: "why"}}
	var buf bytes.Buffer
	if err := Render(&buf, Table, recs, Options{Width: 100}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, long) || !strings.Contains(out, "x…") {
		t.Errorf("long error not cut on a terminal:\n%s", out)
	}
	buf.Reset()
	if err := Render(&buf, Table, recs, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), long) {
		t.Errorf("piped output cut:\n%s", buf.String())
	}
	buf.Reset()
	if err := Render(&buf, Wide, recs, Options{}); err != nil {
		t.Fatal(err)
	}
	out = buf.String()
	for _, want := range []string{"a b ", "[::1]:2022", "why", " ? ", "QUOVADIS"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Devices:") {
		t.Error("summary printed without Options.Summary")
	}
}
