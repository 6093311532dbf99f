package fleet_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/record"
)

// These tests drive fleet.Run with a fake Work: the pool, the group limits,
// retries, the canary, max-failures and stops, with no device and no
// wall-clock wait (Options.Sleep is replaced). Every blocking wait in a
// test is bounded by guard, which is never an assertion about speed.

const guard = 30 * time.Second

func devices(names ...string) []inventory.Device {
	out := make([]inventory.Device, len(names))
	for i, n := range names {
		out[i] = inventory.Device{Name: n, Host: "192.0.2.1", Port: 22}
	}
	return out
}

func numbered(n int) []inventory.Device {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("d%02d", i+1)
	}
	return devices(names...)
}

func ok(dev inventory.Device, n int) record.Attempt {
	return record.Attempt{Record: record.Record{Name: dev.Name, Outcome: record.Remediated, Verdict: record.Remediate, Attempts: n}}
}

// okWork remediates every device at the first attempt.
func okWork(_ context.Context, dev inventory.Device, n int) record.Attempt { return ok(dev, n) }

func failed(dev inventory.Device, n int, retryable bool) record.Attempt {
	a := record.Attempt{Record: record.Record{Name: dev.Name, Outcome: record.Failed, Attempts: n}, Retryable: retryable}
	if retryable {
		a.Record.Verdict = record.Unreachable
	} else {
		a.Record.Verdict = record.AuthFailed
	}
	return a
}

// events records what Run reported, in order. OnStart, OnDone and OnStop
// are all called from Run's own goroutine, so the order is Run's order.
type events struct {
	mu  sync.Mutex
	log []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = append(e.log, s)
}

func (e *events) list() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.log)
}

func (e *events) options(opt fleet.Options) fleet.Options {
	opt.OnStart = func(d inventory.Device) { e.add("start " + d.Name) }
	opt.OnDone = func(r record.Record) { e.add("done " + r.Name) }
	opt.OnStop = func(why string, n int) { e.add(fmt.Sprintf("stop %s (%d in flight)", why, n)) }
	if opt.Sleep == nil {
		opt.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	}
	return opt
}

func (e *events) started() []string {
	var out []string
	for _, s := range e.list() {
		if n, ok := strings.CutPrefix(s, "start "); ok {
			out = append(out, n)
		}
	}
	return out
}

func names(devs []inventory.Device) []string {
	out := make([]string, len(devs))
	for i, d := range devs {
		out[i] = d.Name
	}
	return out
}

func recordNames(recs []record.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Name
	}
	return out
}

func run(t *testing.T, devs []inventory.Device, work fleet.Work, opt fleet.Options) fleet.Summary {
	t.Helper()
	return runCtx(t, context.Background(), context.Background(), devs, work, opt)
}

func runCtx(t *testing.T, launch, hard context.Context, devs []inventory.Device, work fleet.Work, opt fleet.Options) fleet.Summary {
	t.Helper()
	res := make(chan fleet.Summary, 1)
	go func() { res <- fleet.Run(launch, hard, devs, work, opt) }()
	select {
	case s := <-res:
		return s
	case <-time.After(guard):
		t.Fatal("fleet.Run did not return")
		return fleet.Summary{}
	}
}

// gatedWork blocks every device until the test releases it, and measures
// how many run at once (overall and per group).
type gatedWork struct {
	entered chan string
	release chan struct{}
	done    chan string

	mu     sync.Mutex
	active int
	peak   int
	groups map[string]int
	gpeak  map[string]int
}

func newGatedWork() *gatedWork {
	return &gatedWork{entered: make(chan string, 1000), release: make(chan struct{}), done: make(chan string, 1000),
		groups: map[string]int{}, gpeak: map[string]int{}}
}

func (g *gatedWork) options(opt fleet.Options) fleet.Options {
	opt.OnDone = func(r record.Record) { g.done <- r.Name }
	return opt
}

func (g *gatedWork) work(ctx context.Context, dev inventory.Device, n int) record.Attempt {
	g.mu.Lock()
	g.active++
	g.peak = max(g.peak, g.active)
	for _, gr := range dev.Groups {
		g.groups[gr]++
		g.gpeak[gr] = max(g.gpeak[gr], g.groups[gr])
	}
	g.mu.Unlock()
	g.entered <- dev.Name
	<-g.release
	g.mu.Lock()
	g.active--
	for _, gr := range dev.Groups {
		g.groups[gr]--
	}
	g.mu.Unlock()
	return ok(dev, n)
}

func (g *gatedWork) peaks() (int, map[string]int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak, maps.Clone(g.gpeak)
}

// drive waits for the first wave (the devices the pool must start before
// any finishes), then releases devices one at a time, each only after
// the previous one is done: the pool refills after every completion, so
// an over-launch shows up in the peaks.
func (g *gatedWork) drive(t *testing.T, total, firstWave int) {
	t.Helper()
	timeout := time.After(guard)
	inHand := 0
	for range firstWave {
		select {
		case <-g.entered:
			inHand++
		case <-timeout:
			t.Fatalf("only %d of the first %d devices started", inHand, firstWave)
		}
	}
	for finished := 0; finished < total; finished++ {
	absorb:
		for {
			select {
			case <-g.entered:
				inHand++
			default:
				break absorb
			}
		}
		if inHand == 0 {
			select {
			case <-g.entered:
				inHand++
			case <-timeout:
				t.Fatalf("%d devices done, none running", finished)
			}
		}
		select {
		case g.release <- struct{}{}:
			inHand--
		case <-timeout:
			t.Fatal("no device to release")
		}
		select {
		case <-g.done:
		case <-timeout:
			t.Fatal("a released device never finished")
		}
	}
}

func TestPoolNeverExceedsConcurrency(t *testing.T) {
	for _, c := range []int{1, 4, 25} {
		t.Run(fmt.Sprint("c=", c), func(t *testing.T) {
			devs := numbered(20)
			g := newGatedWork()
			res := make(chan fleet.Summary, 1)
			go func() {
				res <- fleet.Run(context.Background(), context.Background(), devs, g.work, g.options(fleet.Options{Concurrency: c}))
			}()
			g.drive(t, len(devs), min(c, len(devs)))
			sum := <-res
			if peak, _ := g.peaks(); peak != min(c, len(devs)) {
				t.Errorf("peak concurrency %d, want %d", peak, min(c, len(devs)))
			}
			if len(sum.Records) != len(devs) || len(sum.NotStarted) != 0 || sum.Stopped != "" {
				t.Errorf("records %d, not started %d, stopped %q", len(sum.Records), len(sum.NotStarted), sum.Stopped)
			}
		})
	}
}

func TestConcurrencyBelowOneMeansOne(t *testing.T) {
	g := newGatedWork()
	res := make(chan fleet.Summary, 1)
	go func() {
		res <- fleet.Run(context.Background(), context.Background(), numbered(5), g.work, g.options(fleet.Options{}))
	}()
	g.drive(t, 5, 1)
	<-res
	if peak, _ := g.peaks(); peak != 1 {
		t.Errorf("peak %d, want 1", peak)
	}
}

func TestGroupLimits(t *testing.T) {
	var devs []inventory.Device
	for i := range 12 {
		d := inventory.Device{Name: fmt.Sprintf("core-%02d", i)}
		d.Groups = []string{"core"}
		if i%3 == 0 {
			d.Groups = append(d.Groups, "xr") // in two limited groups
		}
		devs = append(devs, d)
	}
	for i := range 12 {
		devs = append(devs, inventory.Device{Name: fmt.Sprintf("edge-%02d", i), Groups: []string{"edge"}})
	}
	limits := map[string]int{"core": 3, "xr": 1}
	g := newGatedWork()
	res := make(chan fleet.Summary, 1)
	go func() {
		res <- fleet.Run(context.Background(), context.Background(), devs, g.work, g.options(fleet.Options{Concurrency: 8, GroupLimits: limits}))
	}()
	// The first wave: core-00 (also xr), core-01, core-02 fill core's 3
	// sessions (core-03, in xr, waits anyway), then edge-00..04 fill the pool.
	g.drive(t, len(devs), 8)
	sum := <-res
	peak, gpeak := g.peaks()
	if gpeak["core"] != 3 || gpeak["xr"] != 1 {
		t.Errorf("group peaks core %d xr %d, want 3 and 1", gpeak["core"], gpeak["xr"])
	}
	if peak != 8 {
		t.Errorf("peak %d, want 8", peak)
	}
	if len(sum.Records) != len(devs) {
		t.Errorf("%d records, want %d", len(sum.Records), len(devs))
	}
}

func TestOrderIsListOrderAndGroupLimitsPassOver(t *testing.T) {
	devs := devices("a", "b", "c", "d", "e")
	var ev events
	sum := run(t, devs, okWork, ev.options(fleet.Options{Concurrency: 1}))
	if got := ev.started(); !slices.Equal(got, names(devs)) {
		t.Errorf("start order %v, want %v", got, names(devs))
	}
	if got := recordNames(sum.Records); !slices.Equal(got, names(devs)) {
		t.Errorf("records %v", got)
	}

	// b shares a's group (max_sessions 1): c starts while a holds the group,
	// b as soon as a is done.
	devs = devices("a", "b", "c", "d")
	devs[0].Groups, devs[1].Groups = []string{"g"}, []string{"g"}
	aDone := make(chan struct{})
	work := func(_ context.Context, d inventory.Device, n int) record.Attempt {
		switch d.Name {
		case "a":
			<-aDone
		case "c":
			close(aDone)
		}
		return ok(d, n)
	}
	ev = events{}
	run(t, devs, work, ev.options(fleet.Options{Concurrency: 2, GroupLimits: map[string]int{"g": 1}}))
	got := ev.started()
	if !slices.Equal(got[:2], []string{"a", "c"}) || !slices.Contains(got, "b") {
		t.Errorf("start order %v: want a, c first (b waits for its group)", got)
	}
}

func TestRetriesOnlyRetryableWithBackoff(t *testing.T) {
	devs := devices("flaky", "dead", "auth", "fine")
	devs[0].Retries, devs[1].Retries, devs[2].Retries, devs[3].Retries = 3, 2, 3, 3
	var mu sync.Mutex
	calls := map[string]int{}
	var attempts []string
	work := func(_ context.Context, d inventory.Device, n int) record.Attempt {
		mu.Lock()
		calls[d.Name]++
		mu.Unlock()
		switch {
		case d.Name == "flaky" && n < 3, d.Name == "dead":
			return failed(d, n, true)
		case d.Name == "auth":
			return failed(d, n, false) // authentication: never again
		}
		return ok(d, n)
	}
	sleeps := map[string][]time.Duration{}
	var sleeping string
	opt := fleet.Options{
		Concurrency: 1, Backoff: 100 * time.Millisecond,
		OnAttempt: func(r record.Record) error {
			mu.Lock()
			defer mu.Unlock()
			attempts = append(attempts, fmt.Sprintf("%s#%d", r.Name, r.Attempts))
			sleeping = r.Name
			return nil
		},
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			sleeps[sleeping] = append(sleeps[sleeping], d)
			return ctx.Err()
		},
	}
	sum := run(t, devs, work, opt)
	want := map[string]int{"flaky": 3, "dead": 3, "auth": 1, "fine": 1}
	for n, c := range want {
		if calls[n] != c {
			t.Errorf("%s: %d attempts, want %d", n, calls[n], c)
		}
	}
	wantAttempts := []string{"flaky#1", "flaky#2", "flaky#3", "dead#1", "dead#2", "dead#3", "auth#1", "fine#1"}
	if !slices.Equal(attempts, wantAttempts) {
		t.Errorf("OnAttempt saw %v, want %v", attempts, wantAttempts)
	}
	// Backoff doubles from the base, plus up to 50% jitter.
	for _, n := range []string{"flaky", "dead"} {
		d := sleeps[n]
		if len(d) != 2 {
			t.Fatalf("%s: %d backoff waits, want 2: %v", n, len(d), d)
		}
		for i, base := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond} {
			if d[i] < base || d[i] > base+base/2 {
				t.Errorf("%s: wait %d is %v, want [%v, %v]", n, i+1, d[i], base, base+base/2)
			}
		}
	}
	if len(sleeps["auth"]) != 0 || len(sleeps["fine"]) != 0 {
		t.Errorf("waits for devices that were not retried: %v", sleeps)
	}
	last := map[string]record.Record{}
	for _, r := range sum.Records {
		last[r.Name] = r
	}
	if last["flaky"].Outcome != record.Remediated || last["flaky"].Attempts != 3 || last["dead"].Attempts != 3 {
		t.Errorf("final records: flaky %+v dead %+v", last["flaky"], last["dead"])
	}
	if sum.Failures != 2 {
		t.Errorf("failures %d, want 2 (dead, auth)", sum.Failures)
	}
}

func TestDefaultBackoffIsOneSecond(t *testing.T) {
	devs := devices("x")
	devs[0].Retries = 1
	var got []time.Duration
	opt := fleet.Options{Sleep: func(ctx context.Context, d time.Duration) error { got = append(got, d); return nil }}
	run(t, devs, func(_ context.Context, d inventory.Device, n int) record.Attempt { return failed(d, n, true) }, opt)
	if len(got) != 1 || got[0] < time.Second || got[0] > 1500*time.Millisecond {
		t.Errorf("waits %v, want one in [1s, 1.5s]", got)
	}
}

// A retry waiting out its backoff is abandoned when the run stops, and no
// retry starts after a stop.
func TestNoRetryAfterStop(t *testing.T) {
	for _, how := range []string{"max-failures", "signal", "second signal"} {
		t.Run(how, func(t *testing.T) {
			devs := devices("flaky", "bad", "later-1", "later-2")
			devs[0].Retries = 5
			sleeping := make(chan struct{})
			launch, stopLaunch := context.WithCancel(context.Background())
			defer stopLaunch()
			hard, abort := context.WithCancel(context.Background())
			defer abort()
			var calls atomic.Int32
			work := func(_ context.Context, d inventory.Device, n int) record.Attempt {
				switch d.Name {
				case "flaky":
					calls.Add(1)
					return failed(d, n, true)
				case "bad":
					<-sleeping // fail only once flaky waits for its retry
					switch how {
					case "signal":
						stopLaunch()
					case "second signal":
						stopLaunch()
						abort()
					}
					return failed(d, n, false)
				}
				return ok(d, n)
			}
			var once sync.Once
			var ev events
			opt := ev.options(fleet.Options{Concurrency: 2, MaxFailures: 1})
			if how != "max-failures" {
				opt.MaxFailures = 0
			}
			opt.Sleep = func(ctx context.Context, d time.Duration) error {
				once.Do(func() { close(sleeping) })
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(guard):
					return errors.New("the backoff wait was not cancelled by the stop")
				}
			}
			sum := runCtx(t, launch, hard, devs, work, opt)
			if calls.Load() != 1 {
				t.Errorf("flaky ran %d times, want 1 (no retry after the stop)", calls.Load())
			}
			if got := names(sum.NotStarted); !slices.Equal(got, []string{"later-1", "later-2"}) {
				t.Errorf("not started %v", got)
			}
			want := fleet.StopMaxFailures
			if how != "max-failures" {
				want = fleet.StopInterrupted
			}
			if sum.Stopped != want {
				t.Errorf("stopped %q, want %q", sum.Stopped, want)
			}
		})
	}
}

func TestOnAttemptErrorStopsTheRun(t *testing.T) {
	devs := devices("a", "b", "c")
	devs[0].Retries = 3
	var ev events
	opt := ev.options(fleet.Options{Concurrency: 1})
	var calls int
	opt.OnAttempt = func(r record.Record) error { return errors.New("disk full") }
	work := func(_ context.Context, d inventory.Device, n int) record.Attempt {
		calls++
		return failed(d, n, true) // retryable, but an unjournaled attempt is not retried
	}
	sum := run(t, devs, work, opt)
	if calls != 1 {
		t.Errorf("%d attempts, want 1", calls)
	}
	if !strings.HasPrefix(sum.Stopped, "the journal could not be written: ") || !strings.Contains(sum.Stopped, "disk full") {
		t.Errorf("stopped %q", sum.Stopped)
	}
	if got := names(sum.NotStarted); !slices.Equal(got, []string{"b", "c"}) {
		t.Errorf("not started %v", got)
	}
	if got := recordNames(sum.Records); !slices.Equal(got, []string{"a"}) {
		t.Errorf("records %v", got)
	}
}

func TestCanary(t *testing.T) {
	fails := func(bad ...string) fleet.Work {
		return func(_ context.Context, d inventory.Device, n int) record.Attempt {
			if slices.Contains(bad, d.Name) {
				return failed(d, n, false)
			}
			return ok(d, n)
		}
	}
	tests := []struct {
		name        string
		devs        []inventory.Device
		canary, c   int
		work        fleet.Work
		started     int
		stopped     string
		notStarted  []string
		canaryFirst bool
	}{
		{name: "failure inside the canary stops the run", devs: numbered(10), canary: 3, c: 10, work: fails("d02"),
			started: 3, stopped: fleet.StopCanary, notStarted: names(numbered(10)[3:])},
		{name: "failure is the last canary device", devs: numbered(10), canary: 3, c: 1, work: fails("d03"),
			started: 3, stopped: fleet.StopCanary, notStarted: names(numbered(10)[3:])},
		{name: "healthy canary, then the rest", devs: numbered(10), canary: 3, c: 10, work: fails("d07"),
			started: 10, canaryFirst: true},
		{name: "failure after the canary does not stop", devs: numbered(6), canary: 2, c: 1, work: fails("d03", "d05"),
			started: 6},
		{name: "canary as large as the fleet is a whole run", devs: numbered(4), canary: 10, c: 4, work: fails("d01"),
			started: 4},
		{name: "canary 0 is no canary", devs: numbered(4), canary: 0, c: 2, work: fails("d01", "d02"),
			started: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev events
			sum := run(t, tt.devs, tt.work, ev.options(fleet.Options{Concurrency: tt.c, Canary: tt.canary}))
			if got := len(ev.started()); got != tt.started {
				t.Errorf("%d devices started, want %d: %v", got, tt.started, ev.list())
			}
			if sum.Stopped != tt.stopped {
				t.Errorf("stopped %q, want %q", sum.Stopped, tt.stopped)
			}
			if got := names(sum.NotStarted); !slices.Equal(got, tt.notStarted) {
				t.Errorf("not started %v, want %v", got, tt.notStarted)
			}
			if tt.canaryFirst {
				// "Alone": no other device starts before every canary device is done.
				log := ev.list()
				firstOther := slices.IndexFunc(log, func(s string) bool { return s == "start d04" })
				for _, n := range []string{"d01", "d02", "d03"} {
					if i := slices.Index(log, "done "+n); i < 0 || i > firstOther {
						t.Errorf("canary device %s not done before the rest started: %v", n, log)
					}
				}
			}
		})
	}
}

// The canary is the first N devices of the list even when a group limit
// holds one of them back: nothing else starts in its place.
func TestCanaryIsTheFirstNDevicesDespiteGroupLimits(t *testing.T) {
	devs := devices("a", "b", "c", "d")
	devs[0].Groups, devs[1].Groups = []string{"g"}, []string{"g"}
	var ev events
	sum := run(t, devs, okWork, ev.options(fleet.Options{Concurrency: 4, Canary: 2, GroupLimits: map[string]int{"g": 1}}))
	log := ev.list()
	want := []string{"start a", "done a", "start b", "done b"}
	if !slices.Equal(log[:4], want) {
		t.Errorf("events %v, want the canary a, b alone first", log)
	}
	if len(sum.Records) != 4 {
		t.Errorf("%d records", len(sum.Records))
	}
}

func TestMaxFailures(t *testing.T) {
	bad := func(bad ...string) fleet.Work {
		return func(_ context.Context, d inventory.Device, n int) record.Attempt {
			if slices.Contains(bad, d.Name) {
				return failed(d, n, d.Name == "d02") // retryable or not, a failure counts once
			}
			return ok(d, n)
		}
	}
	t.Run("stops launching after the Nth failure", func(t *testing.T) {
		var ev events
		sum := run(t, numbered(8), bad("d02", "d04", "d05"), ev.options(fleet.Options{Concurrency: 1, MaxFailures: 2}))
		if got := ev.started(); !slices.Equal(got, []string{"d01", "d02", "d03", "d04"}) {
			t.Errorf("started %v", got)
		}
		if sum.Stopped != fleet.StopMaxFailures || sum.Failures != 2 {
			t.Errorf("stopped %q failures %d", sum.Stopped, sum.Failures)
		}
		if got := names(sum.NotStarted); !slices.Equal(got, []string{"d05", "d06", "d07", "d08"}) {
			t.Errorf("not started %v", got)
		}
		if log := ev.list(); !slices.Contains(log, "stop max-failures reached (0 in flight)") {
			t.Errorf("OnStop not called: %v", log)
		}
	})
	t.Run("the Nth failure on the last device is a whole run", func(t *testing.T) {
		sum := run(t, numbered(4), bad("d01", "d04"), fleet.Options{Concurrency: 1, MaxFailures: 2})
		if sum.Stopped != "" || len(sum.Records) != 4 || sum.Failures != 2 {
			t.Errorf("stopped %q, %d records, %d failures", sum.Stopped, len(sum.Records), sum.Failures)
		}
	})
	t.Run("in-flight devices finish", func(t *testing.T) {
		// c=3: d01 fails while d02 and d03 are still running; they finish
		// and are recorded, nothing else starts.
		release := make(chan struct{})
		work := func(_ context.Context, d inventory.Device, n int) record.Attempt {
			if d.Name == "d01" {
				return failed(d, n, false)
			}
			<-release
			return ok(d, n)
		}
		var ev events
		opt := ev.options(fleet.Options{Concurrency: 3, MaxFailures: 1})
		opt.OnStop = func(string, int) { close(release) }
		sum := run(t, numbered(6), work, opt)
		if got := ev.started(); !slices.Equal(got, []string{"d01", "d02", "d03"}) {
			t.Errorf("started %v", got)
		}
		if got := recordNames(sum.Records); len(got) != 3 {
			t.Errorf("records %v: in-flight devices must finish", got)
		}
		if sum.Stopped != fleet.StopMaxFailures || len(sum.NotStarted) != 3 {
			t.Errorf("stopped %q, not started %v", sum.Stopped, names(sum.NotStarted))
		}
	})
	t.Run("0 is no limit", func(t *testing.T) {
		sum := run(t, numbered(5), bad("d01", "d02", "d03", "d04"), fleet.Options{Concurrency: 2})
		if sum.Stopped != "" || len(sum.Records) != 5 || sum.Failures != 4 {
			t.Errorf("stopped %q, %d records, %d failures", sum.Stopped, len(sum.Records), sum.Failures)
		}
	})
}

// The first signal stops launches; devices in flight finish under hard,
// which stays live.
func TestFirstSignalLetsInFlightFinish(t *testing.T) {
	launch, stop := context.WithCancel(context.Background())
	defer stop()
	release := make(chan struct{})
	var hardErr atomic.Value
	work := func(ctx context.Context, d inventory.Device, n int) record.Attempt {
		if d.Name == "d03" {
			stop()
		}
		<-release
		if ctx.Err() != nil {
			hardErr.Store(ctx.Err())
		}
		return ok(d, n)
	}
	var ev events
	opt := ev.options(fleet.Options{Concurrency: 3})
	var inFlight int
	opt.OnStop = func(why string, n int) { inFlight = n; close(release) }
	sum := runCtx(t, launch, context.Background(), numbered(8), work, opt)
	if got := ev.started(); !slices.Equal(got, []string{"d01", "d02", "d03"}) {
		t.Errorf("started %v", got)
	}
	if sum.Stopped != fleet.StopInterrupted || len(sum.Records) != 3 || len(sum.NotStarted) != 5 || inFlight != 3 {
		t.Errorf("stopped %q, %d records, %d not started, %d in flight at the stop", sum.Stopped, len(sum.Records), len(sum.NotStarted), inFlight)
	}
	if e := hardErr.Load(); e != nil {
		t.Errorf("work's context was cancelled by the first signal: %v", e)
	}
	for _, r := range sum.Records {
		if r.Outcome != record.Remediated {
			t.Errorf("%s: %s, want in-flight devices to finish", r.Name, r.Outcome)
		}
	}
}

// A device finishing at the very moment of the signal must not let the
// next one start: Run sees both the completion and the cancelled launch
// context, and must prefer the stop. Repeated because the old code chose
// between the two at random.
func TestNoLaunchAfterSignalEvenWhenADeviceFinishesAtOnce(t *testing.T) {
	for i := range 200 {
		launch, stop := context.WithCancel(context.Background())
		work := func(_ context.Context, d inventory.Device, n int) record.Attempt {
			stop() // the signal arrives as this device finishes
			return ok(d, n)
		}
		var ev events
		sum := runCtx(t, launch, context.Background(), devices("a", "b", "c"), work, ev.options(fleet.Options{Concurrency: 1}))
		stop()
		if got := ev.started(); !slices.Equal(got, []string{"a"}) || sum.Stopped != fleet.StopInterrupted {
			t.Fatalf("iteration %d: started %v, stopped %q; want only a", i, got, sum.Stopped)
		}
	}
}

func TestSignalBeforeStartLaunchesNothing(t *testing.T) {
	launch, stop := context.WithCancel(context.Background())
	stop()
	var ev events
	sum := runCtx(t, launch, context.Background(), numbered(3), okWork, ev.options(fleet.Options{Concurrency: 3}))
	if len(ev.started()) != 0 || sum.Stopped != fleet.StopInterrupted || len(sum.NotStarted) != 3 {
		t.Errorf("started %v, stopped %q, not started %d", ev.started(), sum.Stopped, len(sum.NotStarted))
	}
}

// The second signal cancels hard: the work function's context, through
// which a device backs out.
func TestSecondSignalReachesWork(t *testing.T) {
	launch, stop := context.WithCancel(context.Background())
	hard, abort := context.WithCancel(context.Background())
	defer abort()
	entered := make(chan struct{}, 2)
	work := func(ctx context.Context, d inventory.Device, n int) record.Attempt {
		entered <- struct{}{}
		<-ctx.Done() // a device that only ends when told to back out
		a := failed(d, n, true)
		a.Record.Error = "aborted"
		return a
	}
	go func() {
		<-entered
		<-entered
		stop()
		abort()
	}()
	devs := numbered(4)
	for i := range devs {
		devs[i].Retries = 3
	}
	sum := runCtx(t, launch, hard, devs, work, fleet.Options{Concurrency: 2, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if sum.Stopped != fleet.StopInterrupted || len(sum.Records) != 2 || len(sum.NotStarted) != 2 {
		t.Errorf("stopped %q, %d records, %d not started", sum.Stopped, len(sum.Records), len(sum.NotStarted))
	}
	for _, r := range sum.Records {
		if r.Attempts != 1 {
			t.Errorf("%s retried after the second signal (%d attempts)", r.Name, r.Attempts)
		}
	}
}

func TestEmptyFleet(t *testing.T) {
	sum := run(t, nil, okWork, fleet.Options{Concurrency: 4, Canary: 2, MaxFailures: 1})
	if sum.Stopped != "" || len(sum.Records) != 0 || len(sum.NotStarted) != 0 {
		t.Errorf("%+v", sum)
	}
}
