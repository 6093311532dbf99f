package cli_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// flAttempted lists the devices with any journal record, in journal order.
func flAttempted(t *testing.T, path string) []string {
	t.Helper()
	recs := readJournal(t, path)
	var out []string
	for _, r := range recs {
		if !slices.Contains(out, r.Name) {
			out = append(out, r.Name)
		}
	}
	return out
}

// checkStartedOnly proves the first n devices of the inventory were
// connected to and the others never were.
func (l *flLab) checkStartedOnly(t *testing.T, n int) {
	t.Helper()
	st := l.Settle(t)
	for i, name := range l.names {
		if c := st[name].Connections; (i < n) != (c > 0) {
			t.Errorf("%s (position %d): %d connections; want the first %d devices only", name, i+1, c, n)
		}
	}
}

// The canary: with -c 1 and a device that fails at position 2 of a
// canary of 3, exactly 3 devices are flAttempted, the run stops, exit 3.
func TestCanaryStopsTheRun(t *testing.T) {
	t.Parallel()
	devs := append([]flDev{
		{name: "c-01", template: "xe"},
		{name: "c-02", template: "xe", faults: "auth_fail: true"},
		{name: "c-03", template: "asa"},
	}, flMix("rest", 5)...)
	l := startFlLab(t, devs, "", flLabOptions{})
	res := devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "1", "--canary", "3")
	if res.Code != cli.ExitStopped {
		t.Fatalf("exit %d, want %d\n%s", res.Code, cli.ExitStopped, res.Stderr)
	}
	if got := flAttempted(t, l.journal); !slices.Equal(got, []string{"c-01", "c-02", "c-03"}) {
		t.Errorf("flAttempted %v, want the canary c-01..c-03 only", got)
	}
	l.checkStartedOnly(t, 3)
	if !strings.Contains(res.Stderr, `"reason":"the canary failed"`) || !strings.Contains(res.Stderr, `"not_started":5`) {
		t.Errorf("stderr does not say the canary stopped the run with 5 not started:\n%s", res.Stderr)
	}

	// A healthy canary lets the whole fleet run (in a new journal).
	l2 := startFlLab(t, flMix("ok", 6), "", flLabOptions{})
	res = devsimtest.Run(t, cli.Env{}, "apply", "-i", l2.Inv, "--journal", l2.journal, "--yes", "-c", "4", "--canary", "2")
	if res.Code != cli.ExitOK || len(flAttempted(t, l2.journal)) != 6 {
		t.Errorf("healthy canary: exit %d, %d devices flAttempted; want 0 and 6\n%s", res.Code, len(flAttempted(t, l2.journal)), res.Stderr)
	}
}

// --max-failures 2 with -c 1: launches stop after the second failure (an
// unreachable device counts), the rest never start, exit 3.
func TestMaxFailuresStopsLaunches(t *testing.T) {
	t.Parallel()
	devs := []flDev{
		{name: "m-01", template: "xe"},
		{name: "m-02", template: "xe", faults: "silent: true", inv: []string{"timeout: 500ms"}}, // unreachable
		{name: "m-03", template: "fxos"},
		{name: "m-04", template: "asa", faults: "auth_fail: true"},
		{name: "m-05", template: "xe", faults: "auth_fail: true"},
		{name: "m-06", template: "xr"},
		{name: "m-07", template: "xe"},
	}
	l := startFlLab(t, devs, "", flLabOptions{})
	res := devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "1", "--max-failures", "2")
	if res.Code != cli.ExitStopped {
		t.Fatalf("exit %d, want %d\n%s", res.Code, cli.ExitStopped, res.Stderr)
	}
	if got := flAttempted(t, l.journal); !slices.Equal(got, []string{"m-01", "m-02", "m-03", "m-04"}) {
		t.Errorf("flAttempted %v, want m-01..m-04 (stop after the 2nd failure)", got)
	}
	l.checkStartedOnly(t, 4)
	if !strings.Contains(res.Stderr, `"reason":"max-failures reached"`) || !strings.Contains(res.Stderr, `"not_started":3`) {
		t.Errorf("stderr does not say max-failures stopped the run with 3 not started:\n%s", res.Stderr)
	}

	// The second failure on the last device: every device ran, so the run
	// did not stop early: exit 2, not 3.
	l2 := startFlLab(t, []flDev{{name: "x-01", template: "xe", faults: "auth_fail: true"}, {name: "x-02", template: "asa"},
		{name: "x-03", template: "xe", faults: "auth_fail: true"}}, "", flLabOptions{})
	res = devsimtest.Run(t, cli.Env{}, "apply", "-i", l2.Inv, "--journal", l2.journal, "--yes", "-c", "1", "--max-failures", "2")
	if res.Code != cli.ExitDevices {
		t.Errorf("max-failures reached by the last device: exit %d, want %d\n%s", res.Code, cli.ExitDevices, res.Stderr)
	}
}

// Retries: a wrong password is never retried (one connection, one
// record, though retries: 3); a silent host is retried `retries` times,
// with a backoff that doubles, as the journal's attempts and times show.
func TestRetriesAuthNeverSilentWithBackoff(t *testing.T) {
	t.Parallel()
	const retries = 2
	devs := []flDev{
		{name: "auth", template: "xe", faults: "auth_fail: true", inv: []string{"retries: 3"}},
		{name: "dark", template: "xe", faults: "silent: true", inv: []string{"retries: 2", "timeout: 500ms"}},
	}
	l := startFlLab(t, devs, "", flLabOptions{})
	res := devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "2")
	if res.Code != cli.ExitDevices {
		t.Fatalf("exit %d, want %d\n%s", res.Code, cli.ExitDevices, res.Stderr)
	}
	st := l.Settle(t)
	recs := readJournal(t, l.journal)
	byDev := map[string][]record.Record{}
	for _, r := range recs {
		byDev[r.Name] = append(byDev[r.Name], r)
	}

	if a := st["auth"]; a.Connections != 1 || a.AuthFailed != 1 || a.Logins != 0 {
		t.Errorf("auth: %d connections, %d failed logins, %d logins; want 1, 1, 0", a.Connections, a.AuthFailed, a.Logins)
	}
	if rs := byDev["auth"]; len(rs) != 1 || rs[0].Verdict != record.AuthFailed || rs[0].Attempts != 1 {
		t.Errorf("auth: journal %+v, want one auth-failed record", rs)
	}

	if d := st["dark"]; d.Connections != retries+1 {
		t.Errorf("dark: %d connections, want %d", d.Connections, retries+1)
	}
	rs := byDev["dark"]
	if len(rs) != retries+1 {
		t.Fatalf("dark: %d journal records, want %d", len(rs), retries+1)
	}
	for i, r := range rs {
		if r.Attempts != i+1 || r.Verdict != record.Unreachable || r.Outcome != record.Failed {
			t.Errorf("dark record %d: attempts %d verdict %s outcome %s", i, r.Attempts, r.Verdict, r.Outcome)
		}
		if i == 0 {
			continue
		}
		// The wait before attempt n+1 is at least 1s << (n-1): a lower
		// bound the backoff guarantees, not a measure of speed.
		gap := r.Started.Sub(*rs[i-1].Finished)
		if min := time.Second << (i - 1); gap < min {
			t.Errorf("dark: attempt %d started %v after attempt %d ended, want a backoff of at least %v", i+1, gap, i, min)
		}
	}
}
