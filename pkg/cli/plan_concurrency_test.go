package cli_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// TestPlanConcurrencyBound: with -c 2, the devices never see more than two
// sessions at once. The overlap is computed from the lab's own session
// records (start at the shell, end at logout), so it is a property of what
// happened, not a timing assertion; it must also reach 2, or the pool ran
// the fleet one device at a time.
func TestPlanConcurrencyBound(t *testing.T) {
	t.Parallel()
	const devices, limit = 12, 2
	sc := devsimtest.Default(t, []string{"ie3400-dock-01", "c9300-core-01", "xr-core-01", "asa-dmz-4", "fp4120-a", "asa-edge-1"})
	pl := devsimtest.Start(t, sc, devsimtest.Options{Devices: devices, Timeout: "30s"})
	if n := len(pl.Devices()); n != devices {
		t.Fatalf("lab has %d devices, want %d", n, devices)
	}
	r := devsimtest.Run(t, cli.Env{}, "plan", "-i", pl.Inv, "-o", "json", "-c", strconv.Itoa(limit))
	if r.Code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	if n := len(decodePlan(t, r.Stdout).Devices); n != devices {
		t.Errorf("%d devices planned, want %d", n, devices)
	}
	pl.Close() // every session has ended and is recorded
	var sessions []devsim.SessionLog
	for _, d := range pl.Devices() {
		st := d.State()
		if len(st.Sessions) != 1 {
			t.Errorf("%s: %d sessions, want 1", st.Name, len(st.Sessions))
		}
		sessions = append(sessions, st.Sessions...)
	}
	peak, at := maxOverlap(sessions)
	t.Logf("-c %d over %d devices: at most %d sessions at once (at %s)", limit, devices, peak, at.Format(time.RFC3339Nano))
	if peak > limit {
		t.Errorf("%d sessions at once, want at most %d (-c %d)", peak, limit, limit)
	}
	if peak < limit {
		t.Errorf("never more than %d session at once: the pool did not run %d devices in parallel", peak, limit)
	}
}

// maxOverlap sweeps the sessions' [Start, End] intervals and returns the
// largest number open at one instant and when. An end at the same instant
// as a start counts first: the intervals do not overlap.
func maxOverlap(sessions []devsim.SessionLog) (int, time.Time) {
	type edge struct {
		at    time.Time
		delta int
	}
	var edges []edge
	for _, s := range sessions {
		edges = append(edges, edge{s.Start, +1}, edge{s.End, -1})
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.delta - b.delta // -1 before +1
	})
	open, peak := 0, 0
	var at time.Time
	for _, e := range edges {
		open += e.delta
		if open > peak {
			peak, at = open, e.at
		}
	}
	return peak, at
}
