package fleet_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/record"
)

// byUser is the breaker's key in these tests: the device's username.
func byUser(d inventory.Device) string { return d.Username }

// users gives devs the usernames in turn (a, b, a, b, ...).
func users(devs []inventory.Device, names ...string) []inventory.Device {
	for i := range devs {
		devs[i].Username = names[i%len(names)]
	}
	return devs
}

// TestBreakerStopsOneCredential: with a high concurrency, every device of
// credential "bad" is refused. At most three of them ever log in (never
// more at once than failures are still allowed), the rest of "bad" never
// start, and every device of "good" runs.
func TestBreakerStopsOneCredential(t *testing.T) {
	devs := users(numbered(12), "bad", "good")
	b := fleet.NewBreaker(3, byUser)
	var logins atomic.Int32
	work := func(_ context.Context, d inventory.Device, n int) record.Attempt {
		if d.Username == "bad" {
			logins.Add(1)
			return failed(d, n, false) // auth-failed
		}
		b.LoggedIn(d)
		return ok(d, n)
	}
	sum := fleet.Run(context.Background(), context.Background(), devs, work, fleet.Options{Concurrency: 20, Breaker: b})
	if got := logins.Load(); got != 3 {
		t.Errorf("%d logins with the bad credential, want 3", got)
	}
	if len(sum.Tripped) != 1 || sum.Tripped[0].Credential != "bad" || sum.Tripped[0].Failures != 3 || sum.Tripped[0].NotStarted != 3 {
		t.Errorf("tripped %+v, want bad: 3 failures, 3 not started", sum.Tripped)
	}
	var notStarted []string
	for _, d := range sum.NotStarted {
		notStarted = append(notStarted, d.Username)
	}
	if len(notStarted) != 3 || slices.ContainsFunc(notStarted, func(u string) bool { return u != "bad" }) {
		t.Errorf("not started: %v, want three of bad", notStarted)
	}
	good := 0
	for _, r := range sum.Records {
		if r.Outcome == record.Remediated {
			good++
		}
	}
	if good != 6 || sum.Stopped != "" {
		t.Errorf("%d good devices remediated (want 6), stopped %q (want none: the other credential goes on)", good, sum.Stopped)
	}
}

// TestBreakerUnprovenBound: until a device accepts the credential, no more
// of its devices run at once than failures are still allowed; the first
// login lifts the bound. In-flight counts are taken in OnStart and OnDone,
// which Run calls from its own goroutine: exact, with no timing.
func TestBreakerUnprovenBound(t *testing.T) {
	devs := users(numbered(8), "u")
	b := fleet.NewBreaker(3, byUser)
	var (
		mu                       sync.Mutex
		started, done, peakProof int
		peakAfter                int
		proven                   bool
	)
	provenCh, allStarted := make(chan struct{}), make(chan struct{})
	work := func(_ context.Context, d inventory.Device, n int) record.Attempt {
		if d.Name == "d01" {
			mu.Lock()
			proven = true
			mu.Unlock()
			b.LoggedIn(d)
			close(provenCh)
			<-allStarted // hold a slot until every device started
		} else {
			<-provenCh
		}
		return ok(d, n)
	}
	opt := fleet.Options{Concurrency: 8, Breaker: b,
		OnStart: func(inventory.Device) {
			mu.Lock()
			defer mu.Unlock()
			started++
			if proven {
				peakAfter = max(peakAfter, started-done)
			} else {
				peakProof = max(peakProof, started-done)
			}
			if started == len(devs) {
				close(allStarted)
			}
		},
		OnDone: func(record.Record) { mu.Lock(); done++; mu.Unlock() },
	}
	sum := fleet.Run(context.Background(), context.Background(), devs, work, opt)
	if len(sum.Records) != 8 || len(sum.Tripped) != 0 {
		t.Fatalf("%d records, tripped %+v; want 8 and none", len(sum.Records), sum.Tripped)
	}
	if peakProof > 3 {
		t.Errorf("%d devices ran at once before the credential was proven, want at most 3", peakProof)
	}
	if peakAfter < 6 {
		t.Errorf("at most %d devices ran at once after the login, want the other 5 launched together with d01", peakAfter)
	}
}

// TestBreakerOff: 0 never trips, and a device without a credential key is
// never held.
func TestBreakerOff(t *testing.T) {
	for _, b := range []*fleet.Breaker{fleet.NewBreaker(0, byUser), fleet.NewBreaker(1, func(inventory.Device) string { return "" })} {
		sum := fleet.Run(context.Background(), context.Background(), users(numbered(5), "u"),
			func(_ context.Context, d inventory.Device, n int) record.Attempt { return failed(d, n, false) },
			fleet.Options{Concurrency: 5, Breaker: b})
		if len(sum.Records) != 5 || len(sum.Tripped) != 0 || len(sum.NotStarted) != 0 {
			t.Errorf("records %d tripped %+v not started %d; want 5, none, 0", len(sum.Records), sum.Tripped, len(sum.NotStarted))
		}
	}
}

// TestBreakerTripsOnlyAuth: other failures do not count.
func TestBreakerTripsOnlyAuth(t *testing.T) {
	b := fleet.NewBreaker(1, byUser)
	sum := fleet.Run(context.Background(), context.Background(), users(numbered(4), "u"),
		func(_ context.Context, d inventory.Device, n int) record.Attempt { return failed(d, 99, true) },
		fleet.Options{Concurrency: 4, Breaker: b})
	if len(sum.Tripped) != 0 || len(sum.Records) != 4 {
		t.Errorf("tripped %+v after unreachable devices, records %d", sum.Tripped, len(sum.Records))
	}
	if !strings.Contains(string(sum.Records[0].Verdict), "unreachable") {
		t.Errorf("verdict %q", sum.Records[0].Verdict)
	}
}
