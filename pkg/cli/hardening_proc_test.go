package cli_test

// Issue 9 through the real binary: a second signal ends a run whose
// devices stopped answering, a fleet that floods stays within its memory
// bound, and -c is checked against the open-file limit at start.

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/session"
)

// sessionLines is every line a device received, in all its sessions.
func sessionLines(st devsim.State) []string {
	var out []string
	for _, s := range st.Sessions {
		for _, l := range s.Lines {
			out = append(out, l.Text)
		}
	}
	return out
}

// The first signal lets devices in flight finish; these never will: one
// never answers the shell request, the other stops answering in the middle
// of its import. The second signal must end the run by itself (no third
// signal, no kill): exit 3, a valid journal with a failed record for each,
// and the queued device never contacted.
func TestSecondSignalEndsAStalledRun(t *testing.T) {
	t.Parallel()
	l := startFlLab(t, []flDev{
		{name: "stall-shell", template: "xe", faults: "hostile: {stall_shell: true}", inv: []string{"timeout: 1h"}},
		{name: "hang-import", template: "xe", faults: `hostile: {hang_at: "crypto pki trustpool import"}`, inv: []string{"timeout: 1h"}},
		{name: "queued", template: "xe"},
	}, "", flLabOptions{})
	run := flStart(t, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "2")
	devsimtest.Eventually(t, "the stalled shell request", func() bool { return l.Device("stall-shell").State().Logins == 1 })
	devsimtest.Eventually(t, "the hung import", func() bool {
		return slices.ContainsFunc(sessionLines(l.Device("hang-import").State()), func(s string) bool {
			return strings.HasPrefix(s, "crypto pki trustpool import")
		})
	})
	run.signal(syscall.SIGTERM)
	run.waitLine("the stopping line", flEvent("stopping"))
	run.signal(syscall.SIGINT)
	if code := run.wait(); code != cli.ExitStopped {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, cli.ExitStopped, run.stderrText())
	}
	final := flWholeJournal(t, l.journal)
	for _, n := range []string{"stall-shell", "hang-import"} {
		r, ok := final[n]
		if !ok || r.Outcome != record.Failed || !strings.Contains(r.Error, "aborted") {
			t.Errorf("%s: %+v: want failed, aborted", n, r)
		}
	}
	if _, ok := final["queued"]; ok || l.Device("queued").State().Connections != 0 {
		t.Errorf("the queued device was started after the signal")
	}
	if strings.Contains(run.stderrText(), "did not stop after the second signal") {
		t.Errorf("the run needed the backstop; stderr:\n%s", run.stderrText())
	}
}

// Four devices flood without a prompt, two from the login on and two at
// their first show: each fails with the output cap's message, and the
// process's peak resident memory stays under 64 MiB, where an unbounded
// reader reached gigabytes.
func TestFloodingFleetMemoryBound(t *testing.T) {
	t.Parallel()
	const limit = 64 << 20
	l := startFlLab(t, []flDev{
		{name: "flood-xe", template: "xe", faults: "hostile: {flood_at: login}"},
		{name: "flood-xr", template: "xr", faults: "hostile: {flood_at: show}"},
		{name: "flood-asa", template: "asa", faults: "hostile: {flood_at: login}"},
		{name: "flood-fxos", template: "fxos", faults: "hostile: {flood_at: show}"},
	}, "", flLabOptions{})
	run := flStart(t, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "4")
	peak := peakRSS(run.cmd.Process.Pid)
	if code := run.wait(); code != cli.ExitDevices {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, cli.ExitDevices, run.stderrText())
	}
	want := fmt.Sprintf("output exceeded %d MiB without a prompt", session.MaxOutput>>20)
	recs, _ := flJournal(t, l.journal)
	final := flFinal(recs)
	for _, n := range l.names {
		if r := final[n]; r.Outcome != record.Failed || !strings.Contains(r.Error, want) || r.Attempts != 1 {
			t.Errorf("%s: %q attempt %d %q: want failed once with %q", n, r.Outcome, r.Attempts, r.Error, want)
		}
	}
	got := <-peak
	if got == 0 {
		t.Fatal("no memory sample of the process")
	}
	t.Logf("peak RSS of a 4-device flood: %.1f MiB", float64(got)/(1<<20))
	if got >= limit {
		t.Errorf("peak RSS %d MiB, want under %d MiB", got>>20, limit>>20)
	}
}

// peakRSS samples the process's VmHWM (the kernel's high-water mark of
// its resident memory) until the process is gone, and sends the last
// value: the mark only rises, so the last sample is the peak up to then.
// (The rusage of a reaped child would not do: its maximum includes the
// resident size it had before exec, which with os/exec's vfork is this
// test process's own.)
func peakRSS(pid int) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		for {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
			if err != nil {
				break
			}
			_, rest, ok := strings.Cut(string(b), "VmHWM:")
			if !ok {
				break // a zombie has no memory left to report
			}
			var kb int64
			if _, err := fmt.Sscan(rest, &kb); err != nil {
				break
			}
			peak = kb << 10
			time.Sleep(time.Millisecond)
		}
		out <- peak
	}()
	return out
}

// -c is checked against the open-file limit before any device is
// contacted, with what to do about it.
func TestConcurrencyCheckedAgainstFileLimit(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	// 30 devices at once need more than 48 descriptors; 4 at once do not.
	l := startFlLab(t, flMix("dev", 30), "", flLabOptions{})
	run := flStartVia(t, []string{sh, "-c", `ulimit -n 48 && exec "$0" "$@"`}, "plan", "-i", l.Inv, "-c", "100")
	if code := run.wait(); code != cli.ExitInput {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, cli.ExitInput, run.stderrText())
	}
	if msg := run.stderrText(); !strings.Contains(msg, "raise ulimit -n or lower -c") || !strings.Contains(msg, "the limit is 48") {
		t.Errorf("stderr %q: want the limit and what to do", msg)
	}
	for n, st := range l.states() {
		if st.Connections != 0 {
			t.Errorf("%s contacted %d times", n, st.Connections)
		}
	}
	// Within the limit, the same run goes ahead.
	run = flStartVia(t, []string{sh, "-c", `ulimit -n 48 && exec "$0" "$@"`}, "plan", "-i", l.Inv, "-c", "4")
	if code := run.wait(); code != cli.ExitOK {
		t.Fatalf("-c 4: exit %d; stderr:\n%s", code, run.stderrText())
	}
}
