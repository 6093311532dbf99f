package report

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
)

// shardJournals writes the journals of one run split over two processes
// (one run id, disjoint devices), as apply writes them: a run-start line
// with the devices and their inventory positions, the records, a run-end
// line. Shard b also holds a later retry of ncs-core-1 (a conflict) and
// covers a device it never started (no record).
func shardJournals(t *testing.T) []*journal.File {
	t.Helper()
	dir := t.TempDir()
	ca := cert.Default()
	caRef := &journal.CARef{Subject: ca.Subject(), SHA1: ca.SHA1(), SHA256: ca.SHA256(), PEM: string(ca.PEM())}
	recs := applyRecords()
	run := *recs[0].Run
	byName := map[string]record.Record{}
	for _, r := range recs {
		byName[r.Name] = r
	}
	ref := func(name string, pos int) journal.DeviceRef {
		r := byName[name]
		if name == "core-9" {
			return journal.DeviceRef{Name: name, Host: "10.0.9.9", Port: 22, Position: pos}
		}
		return journal.DeviceRef{Name: name, Host: r.Host, Port: r.Port, Position: pos}
	}
	inv := &journal.InventoryRef{Path: "fleet.yaml", SHA256: "5f2b9c0e", Devices: 7}
	shards := []struct {
		name    string
		devices []journal.DeviceRef
		recs    []record.Record
	}{
		{"shard-a.jsonl", []journal.DeviceRef{ref("ie3400-dock-01", 1), ref("c9300-access-02", 2), ref("ncs-core-1", 3)},
			[]record.Record{byName["ie3400-dock-01"], byName["c9300-access-02"], byName["ncs-core-1"]}},
		{"shard-b.jsonl", []journal.DeviceRef{ref("esa-1", 4), ref("xr-edge-02", 5), ref("lab-sw-9", 6), ref("core-9", 7)},
			[]record.Record{byName["lab-sw-9"], byName["esa-1"], byName["xr-edge-02"], retried(byName["ncs-core-1"])}},
	}
	var files []*journal.File
	for i, s := range shards {
		path := filepath.Join(dir, s.name)
		j, err := journal.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		start := journal.Run{Event: journal.RunStart, Run: run, Time: t0, Command: "apply", Operator: "netops@jump-" + string(rune('a'+i)),
			Inventory: inv, CA: caRef, Devices: s.devices}
		if err := j.AppendRun(start); err != nil {
			t.Fatal(err)
		}
		for _, r := range s.recs {
			if err := j.Append(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := j.AppendRun(journal.Run{Event: journal.RunEnd, Run: run, Time: t0.Add(6 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		j.Close()
		f, err := journal.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f.Path = s.name // stable in the golden files
		files = append(files, f)
	}
	return files
}

// retried is a later attempt at a device that succeeded.
func retried(r record.Record) record.Record {
	r.Outcome, r.Stage, r.Error, r.Attempts = record.Remediated, record.StageDone, "", 4
	r.CAPresent, r.Persistent, r.Method, r.Fallback = record.Bool(true), record.Bool(true), record.MethodFile, ""
	r.Started, r.Finished = at(5*time.Minute), at(5*time.Minute+50*time.Second)
	r.Transcript = "transcripts/ncs-core-1.log"
	return r
}

func changeOf(t *testing.T, files []*journal.File) Change {
	t.Helper()
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	ch := NewChange(paths, files, journal.Merge(files), reg)
	ch.Generated, ch.Version = t0.Add(time.Hour), "v1.2.3"
	return ch
}

// TestChangeRecordGolden: the change record of one run written by two
// processes, in Markdown and HTML.
func TestChangeRecordGolden(t *testing.T) {
	ch := changeOf(t, shardJournals(t))
	for _, format := range ChangeFormats {
		var buf bytes.Buffer
		if err := RenderChange(&buf, format, ch); err != nil {
			t.Fatal(err)
		}
		golden(t, "change."+format, buf.Bytes())
	}
}

// What the change record must say, whatever its layout: failures and
// follow-ups before the device list, every device in inventory order
// (positions from the run lines, across shards), the conflict and the
// device without a record, the backout of each platform × method used.
func TestChangeRecordContent(t *testing.T) {
	ch := changeOf(t, shardJournals(t))
	var buf bytes.Buffer
	if err := RenderChange(&buf, Markdown, ch); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	idx := func(s string) int {
		i := strings.Index(md, s)
		if i < 0 {
			t.Fatalf("no %q in:\n%s", s, md)
		}
		return i
	}
	if !(idx("## Failed (1)") < idx("## Follow-up") && idx("## Follow-up") < idx("## Devices (6, in inventory order)")) {
		t.Error("failures and follow-ups do not come first")
	}
	devices := md[idx("## Devices"):idx("## Backout")]
	last := -1
	for _, n := range []string{"ie3400-dock-01", "c9300-access-02", "ncs-core-1", "esa-1", "xr-edge-02", "lab-sw-9"} {
		i := strings.Index(devices, "| "+strings.ReplaceAll(n, "-", "-")+" |")
		if i < last {
			t.Errorf("%s out of inventory order", n)
		}
		last = i
	}
	for _, want := range []string{
		"| Run | run-20250314 |", "| Operator | netops@jump-a, netops@jump-b |", "| Start | 2025-03-14 02:10:00 UTC |",
		"| End | 2025-03-14 02:16:00 UTC |", "| Duration | 6m0s |", "fleet.yaml (SHA-256 5f2b9c0e, 7 devices)",
		"SHA-256 " + cert.Default().SHA256(), "## No record (1)", "| 7 | core-9 | 10.0.9.9 |",
		"ncs-core-1: the record of shard-b.jsonl", "### iosxe, method terminal (1 device)", "### iosxr, method file (1 device)",
		"### iosxr, method terminal (1 device)", "crypto ca trustpoint Trustpool", "transcripts/xr-edge-02.log",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the change record lacks %q", want)
		}
	}
	// The retry in shard b won: ncs-core-1 is remediated, not failed.
	if regexp.MustCompile(`(?m)^\| ncs-core-1 .*failed`).MatchString(md[idx("## Failed"):idx("## Follow-up")]) {
		t.Error("ncs-core-1's older failure is listed although a later record remediated it")
	}
}

// Device text cannot break out of a Markdown cell or an HTML element.
func TestChangeRecordEscapes(t *testing.T) {
	files := shardJournals(t)
	files[0].Records[0].Error = "x | y <script>alert(1)</script> *bold* [link](http://e)\x1b[31m"
	files[0].Records[0].Outcome = record.Failed
	ch := changeOf(t, files)
	var md, html bytes.Buffer
	if err := RenderChange(&md, Markdown, ch); err != nil {
		t.Fatal(err)
	}
	if err := RenderChange(&html, HTML, ch); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "x | y", "*bold*", "[link](", "\x1b"} {
		if strings.Contains(md.String(), bad) {
			t.Errorf("markdown holds %q unescaped", bad)
		}
	}
	if strings.Contains(html.String(), "<script>") || !strings.Contains(html.String(), "&lt;script&gt;") {
		t.Error("html does not escape device text")
	}
	for _, ext := range []string{"http://", "https://", "src=", "<link", "<script"} {
		if ext == "http://" {
			continue // the device's own text, escaped, may say it
		}
		if strings.Contains(html.String(), ext) {
			t.Errorf("html is not self-contained: %q", ext)
		}
	}
}
