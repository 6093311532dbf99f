package cli_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// flWriteJournal writes records as a journal file, one JSON line each.
func flWriteJournal(t *testing.T, path string, recs ...record.Record) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, r := range recs {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func flFileSHA256(t *testing.T, path string) string {
	t.Helper()
	sum := sha256.Sum256(mustRead(t, path))
	return hex.EncodeToString(sum[:])
}

// A journal written for another CA (or that does not say) is refused
// before any device is contacted: exit 1, a one-line reason, the journal
// untouched. (Another inventory is not refused: TestResumeAfterAnEdit.)
func TestResumeRefusesAnotherRunsJournal(t *testing.T) {
	t.Parallel()
	l := startFlLab(t, flMix("r", 3), "", flLabOptions{})
	now := time.Now()
	rec := func(inv, ca string) record.Record {
		return record.Record{Name: "r-01", Host: "127.0.0.1", Platform: "iosxe", Verdict: record.Remediate, Outcome: record.Remediated,
			Attempts: 1, Started: &now, Finished: &now, Run: &record.RunInfo{ID: "20260101T000000Z-abcdef", Inventory: inv, CAFingerprint: ca}}
	}
	invSum, caSum := flFileSHA256(t, l.Inv), cert.Default().SHA1()
	noRun := rec(invSum, caSum)
	noRun.Run = nil
	tests := []struct {
		name   string
		rec    record.Record
		resume bool
		want   string
	}{
		{"other CA", rec(invSum, cert.QuoVadis().SHA1()), true, "a different CA"},
		{"no run information", noRun, true, "no run information"},
		{"records but no --resume", rec(invSum, caSum), false, "use --resume"},
	}
	for i, tt := range tests {
		j := l.journal + "." + string(rune('a'+i))
		before := flWriteJournal(t, j, tt.rec)
		args := []string{"apply", "-i", l.Inv, "--journal", j, "--yes"}
		if tt.resume {
			args = append(args, "--resume")
		}
		res := devsimtest.Run(t, cli.Env{}, args...)
		lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
		if res.Code != cli.ExitInput || len(lines) != 1 || !strings.Contains(res.Stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 and one line saying %q", tt.name, res.Code, res.Stderr, tt.want)
		}
		if !bytes.Equal(mustRead(t, j), before) {
			t.Errorf("%s: the refused run changed the journal", tt.name)
		}
	}
	for n, st := range l.states() {
		if st.Connections != 0 {
			t.Errorf("%s: %d connections; a refused run touches no device", n, st.Connections)
		}
	}
}

// A run that lost the device after the import and could not get back to
// it records the device failed at the stage it reached; the resume finds
// the CA in the running configuration and saves it, without importing
// again. (Treating it as already compliant would leave it unsaved: the CA
// gone at the next reload.)
func TestResumeSavesAfterAConnectionLostPastTheImport(t *testing.T) {
	t.Parallel()
	devs := []flDev{{name: "lost-xe", template: "xe"}, {name: "lost-asa", template: "asa"}, {name: "fine", template: "fxos"}}
	l := startFlLab(t, devs, "", flLabOptions{Gates: map[string]func(*devsim.Device) func() bool{
		"lost-xe": flAfterImport, "lost-asa": flAfterImport,
	}})
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), devsimtest.Guard)
		defer cancel()
		done <- cli.Run(ctx, []string{"apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "3"},
			cli.Env{Out: &bytes.Buffer{}, Err: &stderr, In: strings.NewReader(""), LookupEnv: devsimtest.LookupEnv})
	}()
	for _, n := range []string{"lost-xe", "lost-asa"} {
		<-l.gates[n].held()
		// The network goes: the session is cut right after the import and
		// the device cannot be reached again during this run.
		l.gates[n].setDown(true)
		l.gates[n].cut()
	}
	if code := <-done; code != cli.ExitDevices {
		t.Fatalf("run 1: exit %d, want %d\n%s", code, cli.ExitDevices, stderr.String())
	}
	after1 := l.Settle(t)
	recs := readJournal(t, l.journal)
	for _, n := range []string{"lost-xe", "lost-asa"} {
		r := last(t, recs, n)
		if r.Outcome != record.Failed {
			t.Fatalf("%s after run 1: %q stage %q, want failed", n, r.Outcome, r.Stage)
		}
		if st := after1[n]; !flCAIn(st.TrustStore) || !st.Unsaved {
			t.Fatalf("%s after run 1: CA in running %v, unsaved %v: the gate should have cut it between import and save", n, flCAIn(st.TrustStore), st.Unsaved)
		}
		l.gates[n].setDown(false)
		l.gates[n].release()
	}

	res := devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "--resume")
	if res.Code != cli.ExitOK {
		t.Fatalf("resume: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	after2 := l.Settle(t)
	recs = readJournal(t, l.journal)
	for _, n := range []string{"lost-xe", "lost-asa"} {
		r := last(t, recs, n)
		st := after2[n]
		if r.Outcome != record.Remediated || !flCAIn(st.SavedStore) || st.Unsaved {
			t.Errorf("%s after the resume: %q (%s), CA saved %v, unsaved %v; want remediated and saved", n, r.Outcome, r.Reason, flCAIn(st.SavedStore), st.Unsaved)
		}
		if imports := flImports(st.Sessions[len(after1[n].Sessions):]); imports != 0 {
			t.Errorf("%s: the resume imported again (%d sessions)", n, imports)
		}
	}
	if st := after2["fine"]; st.Connections != after1["fine"].Connections {
		t.Errorf("fine: remediated in run 1, connected again by the resume")
	}
}

// A journal whose last line a crash cut short: the resume warns (as a
// structured line), keeps the fragment on a line of its own, and goes on.
func TestResumeAfterATornLine(t *testing.T) {
	t.Parallel()
	l := startFlLab(t, flMix("t", 3), "", flLabOptions{})
	res := devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-l", "t-01")
	if res.Code != cli.ExitOK {
		t.Fatalf("run 1: exit %d\n%s", res.Code, res.Stderr)
	}
	fragment := `{"name":"t-02","host":"127.0.0.1","outc`
	f, err := os.OpenFile(l.journal, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(fragment); err != nil {
		t.Fatal(err)
	}
	f.Close()
	before := l.states()

	res = devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "--resume")
	if res.Code != cli.ExitOK {
		t.Fatalf("resume: exit %d\n%s", res.Code, res.Stderr)
	}
	if !strings.Contains(res.Stderr, `"problem":"incomplete last line`) {
		t.Errorf("resume did not report the torn line:\n%s", res.Stderr)
	}
	raw := string(mustRead(t, l.journal))
	if !strings.Contains(raw, "\n"+fragment+"\n{") || !strings.HasSuffix(raw, "\n") {
		t.Errorf("the fragment is not on a line of its own:\n%s", raw)
	}
	recs, probs := flJournal(t, l.journal)
	if len(probs) != 1 || !strings.Contains(probs[0].Reason, "not a JSON record") {
		t.Errorf("problems %v, want the fragment only", probs)
	}
	for _, n := range []string{"t-02", "t-03"} {
		if r := flFinal(recs)[n]; r.Outcome != record.Remediated && r.Outcome != record.AlreadyCompliant {
			t.Errorf("%s: %q after the resume", n, r.Outcome)
		}
	}
	if after := l.Device("t-01").State(); after.Connections != before["t-01"].Connections {
		t.Errorf("t-01 was done before the crash, yet the resume connected to it")
	}
	if rep := devsimtest.Run(t, cli.Env{}, "report", l.journal); rep.Code != cli.ExitOK || !strings.Contains(rep.Stderr, "line ") {
		t.Errorf("report: exit %d, want 0 and a warning naming the torn line\n%s", rep.Code, rep.Stderr)
	}
}
