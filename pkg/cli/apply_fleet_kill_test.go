package cli_test

import (
	"bytes"
	"strings"
	"syscall"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// TestKillMidRunThenResume is the crash of an overnight run: `trustfix
// apply` runs as a real process over a lab of 56 devices (every platform,
// per-line latency, a wrong password, a silent host, a connection that
// drops mid-paste, line noise in a paste), is killed with SIGKILL while
// devices are in flight, and `apply --resume` finishes the job. It proves:
//   - the journal has no torn line: every complete line is a record (a
//     fragment, if SIGKILL ever cut a write, is reported by Read and
//     the resume goes on);
//   - the resume touches no device twice: a device whose import had landed
//     is never sent an import again, and no run imports twice (except
//     after the drop fault cut the first try);
//   - devices finished before the kill are not logged in to again (devsim
//     counts connections and logins);
//   - a device the kill caught between import and save (held there by a
//     gate, so the window is a state, not a race) is saved by the resume
//     without a second import;
//   - every healthy device ends remediated or already compliant, with the
//     CA in its saved configuration.
func TestKillMidRunThenResume(t *testing.T) {
	t.Parallel()
	devs := []flDev{
		{name: "window-xe", template: "xe"}, // first: held right after its import
		{name: "auth-xe", template: "xe", faults: "auth_fail: true", inv: []string{"retries: 3"}},
		{name: "dark-xe", template: "xe", faults: "silent: true", inv: []string{"timeout: 1s"}},
		{name: "drop-xe", template: "xe", faults: "drop_after_bytes: 1200, drop_sessions: 1"},
		{name: "noise-xe", template: "xe", faults: "corrupt_paste: 1"},
	}
	faulty := []string{"auth-xe", "dark-xe", "drop-xe", "noise-xe"}
	devs = append(devs, flMix("fleet", 51)...)
	l := startFlLab(t, devs, "1ms", flLabOptions{Gates: map[string]func(*devsim.Device) func() bool{"window-xe": flAfterImport}})
	initial := l.states()

	run1 := flStart(t, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "8")
	// Kill once the window device sits between import and save, the faulty
	// devices have their records, and a good part of the fleet is done.
	var done1 map[string]record.Record
	devsimtest.Eventually(t, "run 1 to be well under way", func() bool {
		select {
		case <-l.gates["window-xe"].held():
		default:
			return false
		}
		recs, _ := flJournal(t, l.journal)
		done1 = flFinal(recs)
		for _, n := range faulty {
			if _, ok := done1[n]; !ok {
				return false
			}
		}
		return len(done1) >= 15
	})
	run1.signal(syscall.SIGKILL)
	if code := run1.wait(); code != -1 {
		t.Fatalf("run 1 exit %d, want killed; stderr:\n%s", code, run1.stderrText())
	}
	after1 := l.Settle(t)

	// The journal after the kill.
	raw1 := mustRead(t, l.journal)
	frag := flCheckLines(t, l.journal)
	recs1, probs := flJournal(t, l.journal)
	if len(frag) > 0 {
		// SIGKILL cannot split one write(2) of a small line on a local file
		// system, but if it ever does, Read must report the fragment.
		if len(probs) != 1 || !strings.Contains(probs[0].Reason, "incomplete last line") {
			t.Errorf("torn tail %.80q: Read reports %v, want one incomplete last line", frag, probs)
		}
	} else if len(probs) > 0 {
		t.Errorf("journal problems after the kill: %v", probs)
	}
	final1 := flFinal(recs1)
	last1 := map[string]record.Record{}
	for _, r := range recs1 {
		last1[r.Name] = r
	}
	if r := last1["window-xe"]; r.Outcome != record.InProgress {
		t.Fatalf("window-xe: last record %q, want in-progress (killed between import and save)", r.Outcome)
	}
	if st := after1["window-xe"]; !flCAIn(st.TrustStore) || flCAIn(st.SavedStore) || !st.Unsaved {
		t.Fatalf("window-xe after the kill: running has CA %v, saved has CA %v: want imported, not saved", flCAIn(st.TrustStore), flCAIn(st.SavedStore))
	}
	if len(final1) >= len(devs) {
		t.Fatalf("run 1 finished every device before the kill")
	}
	t.Logf("killed with %d of %d devices finished, %d in-progress", len(final1), len(devs), len(last1)-len(final1))

	// Resume, with the window open again.
	l.gates["window-xe"].release()
	run2 := flStart(t, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "--resume", "-c", "8")
	if code := run2.wait(); code != cli.ExitDevices {
		t.Fatalf("resume exit %d, want %d (the wrong password and the silent host fail); stderr:\n%s", code, cli.ExitDevices, run2.stderrText())
	}
	run2.waitLine("the resume line", flEvent("resume"))
	after2 := l.Settle(t)

	recs2, probs2 := flJournal(t, l.journal)
	if len(probs2) > 0 && len(frag) == 0 {
		t.Errorf("journal problems after the resume: %v", probs2)
	}
	if !bytes.HasPrefix(mustRead(t, l.journal), raw1) {
		t.Errorf("the resume rewrote the journal: it may only append")
	}
	if frag2 := flCheckLines(t, l.journal); len(frag2) > 0 {
		t.Errorf("journal ends in a partial line after the resume: %.80q", frag2)
	}
	last2 := map[string]record.Record{}
	for _, r := range recs2 {
		last2[r.Name] = r
	}

	for _, n := range l.names {
		st0, st1, st2 := initial[n], after1[n], after2[n]
		r := last2[n]
		run2Sessions := st2.Sessions[len(st1.Sessions):]

		// The end state.
		switch n {
		case "auth-xe", "dark-xe":
			if r.Outcome != record.Failed {
				t.Errorf("%s: outcome %q, want failed", n, r.Outcome)
			}
		default:
			if r.Outcome != record.Remediated && r.Outcome != record.AlreadyCompliant {
				t.Errorf("%s: outcome %q stage %q (%s), want remediated or already-compliant", n, r.Outcome, r.Stage, r.Error)
			}
			if !flCAIn(st2.SavedStore) || st2.Unsaved {
				t.Errorf("%s: CA in saved configuration %v, unsaved changes %v", n, flCAIn(st2.SavedStore), st2.Unsaved)
			}
		}

		// Finished before the kill: not touched again.
		if f, ok := final1[n]; ok && (f.Outcome == record.Remediated || f.Outcome == record.AlreadyCompliant) {
			if st2.Connections != st1.Connections || st2.Logins != st1.Logins {
				t.Errorf("%s finished in run 1 (%s) but the resume connected %d times, logged in %d times",
					n, f.Outcome, st2.Connections-st1.Connections, st2.Logins-st1.Logins)
			}
		}

		// Never changed twice.
		imports1 := flImports(st1.Sessions)
		imports2 := flImports(run2Sessions)
		landed := flCAIn(st1.TrustStore) && !flCAIn(st0.TrustStore)
		if landed && imports2 > 0 {
			t.Errorf("%s: the CA was installed in run 1, yet the resume sent %d import sessions", n, imports2)
		}
		if imports2 > 1 {
			t.Errorf("%s: the resume imported in %d sessions", n, imports2)
		}
		dropped := 0
		for _, s := range st1.Sessions {
			if s.Dropped {
				dropped++
			}
		}
		if imports1 > 1+dropped {
			t.Errorf("%s: run 1 imported in %d sessions (%d dropped)", n, imports1, dropped)
		}

		// The resume leaves nothing dirty.
		for _, d := range flDirty(st2, run2Sessions) {
			t.Errorf("resume: %s", d)
		}

		// Authentication is never retried, in either run.
		if n == "auth-xe" && (st2.Connections != 2 || st2.AuthFailed != 2) {
			// one attempt per run: run 1 and the resume
			t.Errorf("auth-xe: %d connections, %d failed logins over two runs, want 2 and 2", st2.Connections, st2.AuthFailed)
		}
	}

	// The window device: saved by the resume, with no second import.
	w := last2["window-xe"]
	st := after2["window-xe"]
	if w.Outcome != record.Remediated || !flCAIn(st.SavedStore) {
		t.Errorf("window-xe: %q (%s), CA saved %v: want the resume to save it", w.Outcome, w.Reason, flCAIn(st.SavedStore))
	}
	var saved bool
	for _, s := range st.Sessions[len(after1["window-xe"].Sessions):] {
		for _, c := range s.Mutating {
			if strings.HasPrefix(c, "write") || strings.HasPrefix(c, "copy running-config") {
				saved = true
			}
		}
	}
	if !saved {
		t.Errorf("window-xe: the resume never saved")
	}
}
