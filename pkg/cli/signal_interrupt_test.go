package cli_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/report"
)

// flInFlight is a fleet whose first 8 devices (two of each platform) are
// held by gates in the middle of their change, so that with -c 8 exactly
// these 8 are in flight and nothing else can start until one finishes.
func flInFlight(t *testing.T) (*flLab, []string) {
	t.Helper()
	var devs []flDev
	var held []string
	for i, k := range []string{"xe", "xr", "asa", "fxos", "xe", "xr", "asa", "fxos"} {
		n := fmt.Sprintf("busy-%s-%d", k, i+1)
		devs = append(devs, flDev{name: n, template: k})
		held = append(held, n)
	}
	devs = append(devs, flMix("queued", 16)...)
	gates := map[string]func(*devsim.Device) func() bool{}
	for _, n := range held {
		gates[n] = flAtFirstChange
	}
	return startFlLab(t, devs, "1ms", flLabOptions{Gates: gates}), held
}

func (l *flLab) waitHeld(t *testing.T, names []string) {
	t.Helper()
	for _, n := range names {
		select {
		case <-l.gates[n].held():
		case <-t.Context().Done():
			t.Fatal("test ended")
		}
	}
}

func (l *flLab) releaseAll() {
	for _, g := range l.gates {
		g.release()
	}
}

// flCheckStopped is what every interrupted run must leave: a valid journal
// with a final record for each device in flight and none for the rest,
// no connection to a device that had not started, no device dirty.
func flCheckStopped(t *testing.T, l *flLab, held []string, run *flProc) map[string]record.Record {
	t.Helper()
	final := flWholeJournal(t, l.journal)
	if got := slices.Sorted(maps.Keys(final)); !slices.Equal(got, slices.Sorted(slices.Values(held))) {
		t.Errorf("final records for %v, want exactly the devices in flight %v", got, held)
	}
	for n, st := range l.Settle(t) {
		if !slices.Contains(held, n) && st.Connections != 0 {
			t.Errorf("%s started after the signal: %d connections", n, st.Connections)
		}
		for _, d := range flDirty(st, st.Sessions) {
			t.Error(d)
		}
	}
	// Off a terminal stderr is zap JSON: one line per finished device; the
	// only plain line is the error line that ends every failed command.
	logs, plain := flLogLines(run.stderrLines())
	if len(plain) != 1 || !strings.HasPrefix(plain[0], "trustfix: run stopped early") {
		t.Errorf("plain stderr lines %q, want only the final error", plain)
	}
	flCheckDone(t, logs, held)
	return final
}

// TestFirstInterrupt: the first SIGINT stops launches; the devices in
// flight finish their change (they were held mid-change when it came);
// exit 3; journal, report and output agree. While the run holds the
// journal, a second apply on it is refused (exit 1) and touches nothing.
func TestFirstInterrupt(t *testing.T) {
	t.Parallel()
	l, held := flInFlight(t)
	run := flStart(t, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "8", "-o", "json")
	l.waitHeld(t, held)

	// Every device in flight journaled its intent before changing anything.
	recs, _ := flJournal(t, l.journal)
	if len(recs) != len(held) || slices.ContainsFunc(recs, func(r record.Record) bool { return r.Outcome != record.InProgress }) {
		t.Errorf("journal while held: %d records, want %d in-progress intents", len(recs), len(held))
	}

	// A second run on the same journal is refused while this one holds it.
	before := mustRead(t, l.journal)
	second := devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "--resume")
	wantPID := "pid " + strconv.Itoa(run.cmd.Process.Pid)
	if second.Code != cli.ExitInput || !strings.Contains(second.Stderr, "in use by another trustfix run") || !strings.Contains(second.Stderr, wantPID) {
		t.Errorf("second apply: exit %d, stderr %q; want exit 1 naming %s", second.Code, second.Stderr, wantPID)
	}
	if after := mustRead(t, l.journal); string(after) != string(before) {
		t.Errorf("the refused run wrote to the journal")
	}

	run.signal(syscall.SIGINT)
	line := run.waitLine("the stopping line", flEvent("stopping"))
	var stop struct {
		Reason   string `json:"reason"`
		InFlight int    `json:"in_flight"`
	}
	_ = json.Unmarshal([]byte(line), &stop)
	if stop.Reason != "interrupted" || stop.InFlight != len(held) {
		t.Errorf("stopping line %s: want reason interrupted, %d in flight", line, len(held))
	}
	l.releaseAll()
	if code := run.wait(); code != cli.ExitStopped {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, cli.ExitStopped, run.stderrText())
	}
	final := flCheckStopped(t, l, held, run)
	st := l.states()
	for _, n := range held {
		if r := final[n]; r.Outcome != record.Remediated || !flCAIn(st[n].SavedStore) {
			t.Errorf("%s: %q (%s), CA saved %v: a device in flight at the first signal finishes", n, r.Outcome, r.Error, flCAIn(st[n].SavedStore))
		}
	}

	// -o json is one document, and its summary is the report's.
	applyDoc := flDecodeOne(t, run.stdout.Bytes())
	rep := devsimtest.Run(t, cli.Env{}, "report", l.journal, "-o", "json")
	if rep.Code != cli.ExitOK {
		t.Fatalf("report: exit %d: %s", rep.Code, rep.Stderr)
	}
	reportDoc := flDecodeOne(t, []byte(rep.Stdout))
	flSameSummary(t, applyDoc.Summary, reportDoc.Summary)
	if applyDoc.Summary.Total != len(held) || applyDoc.Summary.ByOutcome[record.Remediated] != len(held) {
		t.Errorf("summary %+v: want %d remediated", applyDoc.Summary, len(held))
	}
}

// SIGHUP (the SSH session that started the run dropped) stops a run the
// way the first SIGINT does, instead of killing it mid-change; but a run
// started under nohup keeps running.
func TestHangup(t *testing.T) {
	t.Parallel()
	t.Run("stops", func(t *testing.T) {
		t.Parallel()
		l, held := flInFlight(t)
		run := flStart(t, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "8")
		l.waitHeld(t, held)
		run.signal(syscall.SIGHUP)
		run.waitLine("the stopping line", flEvent("stopping"))
		l.releaseAll()
		if code := run.wait(); code != cli.ExitStopped {
			t.Fatalf("exit %d, want %d; stderr:\n%s", code, cli.ExitStopped, run.stderrText())
		}
		for n, r := range flCheckStopped(t, l, held, run) {
			if r.Outcome != record.Remediated {
				t.Errorf("%s: %q (%s)", n, r.Outcome, r.Error)
			}
		}
	})
	t.Run("ignored under nohup", func(t *testing.T) {
		t.Parallel()
		nohup, err := exec.LookPath("nohup")
		if err != nil {
			t.Fatalf("nohup: %v", err)
		}
		l, held := flInFlight(t)
		run := flStartVia(t, []string{nohup}, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "8")
		l.waitHeld(t, held)
		run.signal(syscall.SIGHUP)
		// Nothing to wait for: an ignored signal leaves no trace. The gates
		// open at once; a run that had heard the hangup would stop launching.
		l.releaseAll()
		if code := run.wait(); code != cli.ExitOK {
			t.Fatalf("exit %d, want %d (nohup: SIGHUP stays ignored); stderr:\n%s", code, cli.ExitOK, run.stderrText())
		}
		recs, _ := flJournal(t, l.journal)
		if got := len(flFinal(recs)); got != len(l.names) {
			t.Errorf("%d devices done, want all %d", got, len(l.names))
		}
	})
}

// TestSecondInterrupt: a second signal makes the devices in flight back
// out through their guards: each had started its change (held right after
// its first configuration command); none is left in configuration mode,
// with a pending buffer or with the CA half in; exit 3.
func TestSecondInterrupt(t *testing.T) {
	t.Parallel()
	l, held := flInFlight(t)
	run := flStart(t, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "8")
	l.waitHeld(t, held)
	run.signal(syscall.SIGTERM) // SIGTERM and SIGINT are the same to trustfix
	run.waitLine("the stopping line", flEvent("stopping"))
	run.signal(syscall.SIGINT)
	run.waitLine("the aborting line", flEvent("aborting"))
	l.releaseAll()
	if code := run.wait(); code != cli.ExitStopped {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, cli.ExitStopped, run.stderrText())
	}
	final := flCheckStopped(t, l, held, run)
	for n, st := range l.states() {
		if !slices.Contains(held, n) {
			continue
		}
		r := final[n]
		if r.Outcome != record.Failed || !strings.Contains(r.Error, "aborted") {
			t.Errorf("%s: %q stage %q error %q: want failed, aborted", n, r.Outcome, r.Stage, r.Error)
		}
		if flCAIn(st.TrustStore) || st.Unsaved {
			t.Errorf("%s: CA in running configuration %v, unsaved changes %v: want the device as found", n, flCAIn(st.TrustStore), st.Unsaved)
		}
	}
	rep := devsimtest.Run(t, cli.Env{}, "report", l.journal)
	if rep.Code != cli.ExitDevices || !strings.Contains(rep.Stdout, "failed 8") {
		t.Errorf("report: exit %d\n%s%s", rep.Code, rep.Stdout, rep.Stderr)
	}
}

// flDoc is the `-o json` document.
type flDoc struct {
	Devices []record.Record `json:"devices"`
	Summary report.Summary  `json:"summary"`
}

// flDecodeOne decodes exactly one JSON document: nothing may follow it.
func flDecodeOne(t *testing.T, b []byte) flDoc {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(b)))
	var doc flDoc
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout is not a JSON document: %v\n%s", err, b)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err == nil {
		t.Fatalf("stdout holds more than one JSON document: %s", extra)
	}
	return doc
}

// flSameSummary compares the counts per outcome, verdict and platform.
func flSameSummary(t *testing.T, got, want report.Summary) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("summaries differ:\napply:  %s\nreport: %s", g, w)
	}
}
