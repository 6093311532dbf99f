package cli

import (
	"strings"
	"testing"
	"time"
)

// timeLeft schedules the devices still to run on the free slots at the
// mean device time; with only overdue devices left it does not guess.
func TestTimeLeft(t *testing.T) {
	s := time.Second
	for _, tc := range []struct {
		name    string
		mean    time.Duration
		slots   int
		pending int
		running []inFlight
		want    time.Duration
		known   bool
	}{
		{"10 pending on 5 free slots: two rounds", 10 * s, 5, 10, nil, 20 * s, true},
		{"11 pending on 5: a third round", 10 * s, 5, 11, nil, 30 * s, true},
		{"in flight finish first", 10 * s, 2, 2, []inFlight{{"a", 4 * s}, {"b", 8 * s}}, 16 * s, true},
		{"only the tail, not overdue", 10 * s, 4, 0, []inFlight{{"a", 3 * s}}, 7 * s, true},
		{"only overdue devices left", 10 * s, 4, 0, []inFlight{{"slow", 40 * s}}, 0, false},
		{"an overdue device holds a slot, others queue", 10 * s, 1, 2, []inFlight{{"slow", 40 * s}}, 20 * s, true},
	} {
		got, known := timeLeft(tc.mean, tc.slots, tc.pending, tc.running)
		if got != tc.want || known != tc.known {
			t.Errorf("%s: %v %v, want %v %v", tc.name, got, known, tc.want, tc.known)
		}
	}
}

// The status line: one unit, the time left or why there is none, and the
// devices waited on, cut to the terminal.
func TestStatusLine(t *testing.T) {
	p := &progress{verb: "apply", width: func() int { return 120 }}
	for _, tc := range []struct {
		s    snapshot
		want string
	}{
		{snapshot{total: 200}, "apply [....................] 0/200 devices, time left: after the first device"},
		{snapshot{done: 100, total: 200, failed: 2, left: 185 * time.Second, leftKnown: true}, "apply [##########..........] 100/200 devices, 2 failed, about 3m0s left"},
		{snapshot{done: 198, total: 200, waiting: []inFlight{{"asa-7", 121 * time.Second}, {"xr-3", 100 * time.Second}}},
			"apply [###################.] 198/200 devices, time left unknown, waiting on asa-7 (2m1s), xr-3 (1m40s)"},
	} {
		if got := p.line(tc.s); got != tc.want {
			t.Errorf("\n got %q\nwant %q", got, tc.want)
		}
	}
	long := snapshot{done: 1, total: 9, leftKnown: true, waiting: []inFlight{{strings.Repeat("x", 200), time.Second}}}
	if got := p.line(long); len([]rune(got)) != 119 || !strings.HasSuffix(got, "…") {
		t.Errorf("not cut to the width: %d %q", len([]rune(got)), got)
	}
}
