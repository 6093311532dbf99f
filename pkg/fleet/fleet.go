// Package fleet runs many devices: a bounded pool (with per-group session
// limits), safe retries with backoff and jitter, a canary phase, a
// max-failures stop and a graceful stop on signal. Each device fails alone.
package fleet

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/record"
)

// Work runs one attempt at one device.
type Work func(ctx context.Context, dev inventory.Device, attempt int) record.Attempt

// Options tune a run.
type Options struct {
	// Concurrency is the pool size (>= 1).
	Concurrency int
	// GroupLimits caps concurrent sessions per inventory group.
	GroupLimits map[string]int
	// Canary runs the first N devices of the list alone (at most
	// Concurrency at a time); if any of them fails, the rest never start.
	Canary int
	// MaxFailures stops launching once this many devices failed (0: no
	// limit). Devices in flight finish.
	MaxFailures int
	// Backoff is the base delay before retry n (doubled each time, with
	// jitter); default 1s.
	Backoff time.Duration
	// OnStart is called when a device starts (progress).
	OnStart func(dev inventory.Device)
	// OnAttempt receives every attempt's record, from the worker; an error
	// (the journal could not be written) stops the run.
	OnAttempt func(rec record.Record) error
	// OnDone receives each device's final record (progress).
	OnDone func(rec record.Record)
	// Breaker is the credential circuit breaker (nil: none); see Breaker.
	Breaker *Breaker
	// OnStop is called once when the run stops launching devices early,
	// with the reason and the number of devices still in flight.
	OnStop func(reason string, inFlight int)
	// Sleep waits between retries; tests replace it (no wall-clock sleeps).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Summary is how a run ended.
type Summary struct {
	Records    []record.Record // final record per device, in completion order
	NotStarted []inventory.Device
	Failures   int
	// Stopped is why the run stopped early ("" if it did not). Reaching
	// max-failures or a failed canary only stops a run that still had
	// devices to launch; a signal always does.
	Stopped string
	// Tripped are the credentials the breaker stopped (their devices not
	// started are in NotStarted; the other credentials' devices ran).
	Tripped []Trip
}

// Reasons a run stops early (Summary.Stopped).
const (
	StopInterrupted = "interrupted"
	StopMaxFailures = "max-failures reached"
	StopCanary      = "the canary failed"
	// StopLocal: this machine ran out of a resource (open files); more
	// devices would only fail the same way, and not through their fault.
	StopLocal   = "local resources exhausted (too many open files?): raise ulimit -n or lower -c"
	stopJournal = "the journal could not be written: "
)

type result struct {
	dev   inventory.Device
	rec   record.Record
	err   error // OnAttempt failed
	local bool  // the attempt failed for lack of a local resource
}

// Run runs devs. launch stops new devices (first signal); work runs under
// hard, which only a second signal cancels, so devices in flight finish
// or back out cleanly. Devices start in list order, except that one whose
// group is at its max_sessions limit is passed over until a slot frees.
func Run(launch, hard context.Context, devs []inventory.Device, work Work, opt Options) Summary {
	if opt.Concurrency < 1 {
		opt.Concurrency = 1
	}
	if opt.Backoff <= 0 {
		opt.Backoff = time.Second
	}
	if opt.Sleep == nil {
		opt.Sleep = sleep
	}
	var (
		sum       Summary
		pending   = slices.Clone(devs)
		running   int
		inGroup   = map[string]int{}
		done      = make(chan result)
		stopping  = make(chan struct{})
		canary    = min(max(opt.Canary, 0), len(devs))
		launched  int
		completed int
		canaryBad bool
		sigDone   = launch.Done()
	)
	stop := func(why string) {
		if sum.Stopped == "" {
			sum.Stopped = why
			close(stopping)
			if opt.OnStop != nil {
				opt.OnStop(why, running)
			}
		}
	}
	fits := func(d inventory.Device) bool {
		for _, g := range d.Groups {
			if lim := opt.GroupLimits[g]; lim > 0 && inGroup[g] >= lim {
				return false
			}
		}
		return opt.Breaker == nil || opt.Breaker.allows(d)
	}
	// next picks the next device to launch, or -1. While the canary runs,
	// only the canary's own devices are candidates: they are the first
	// canary-launched entries of pending, which keeps list order.
	next := func() int {
		cands := pending
		if canary > 0 && launched < canary {
			cands = pending[:canary-launched]
		} else if canary > 0 && completed < canary {
			return -1 // the canary is still running: nothing else starts
		}
		return slices.IndexFunc(cands, fits)
	}
	for {
		for sum.Stopped == "" && running < opt.Concurrency {
			if launch.Err() != nil {
				// Checked before every launch, not only in the select
				// below: a device finishing at the same moment as the
				// signal must not let another one start.
				stop(StopInterrupted)
				break
			}
			i := next()
			if i < 0 {
				break
			}
			d := pending[i]
			pending = without(pending, i)
			running++
			launched++
			for _, g := range d.Groups {
				inGroup[g]++
			}
			opt.Breaker.started(d)
			if opt.OnStart != nil {
				opt.OnStart(d)
			}
			go func() { done <- attempts(launch, hard, stopping, d, work, opt) }()
		}
		if running == 0 {
			break
		}
		select {
		case r := <-done:
			running--
			completed++
			for _, g := range r.dev.Groups {
				inGroup[g]--
			}
			opt.Breaker.finished(r.dev, r.rec)
			sum.Records = append(sum.Records, r.rec)
			if opt.OnDone != nil {
				opt.OnDone(r.rec)
			}
			failed := r.rec.Failed()
			if failed {
				sum.Failures++
				if completed <= canary {
					canaryBad = true
				}
			}
			// max-failures and the canary stop launches; with nothing left
			// to launch there is nothing to stop, and the run ends as a
			// complete run with failures (exit 2, not 3).
			switch {
			case r.err != nil:
				stop(stopJournal + r.err.Error())
			case r.local:
				stop(StopLocal)
			case len(pending) == 0:
			case opt.MaxFailures > 0 && sum.Failures >= opt.MaxFailures:
				stop(StopMaxFailures)
			case canary > 0 && completed == canary && canaryBad:
				stop(StopCanary)
			}
		case <-sigDone:
			sigDone = nil
			stop(StopInterrupted)
		case <-opt.Breaker.woken():
			// A credential was accepted: its devices may start.
		}
	}
	sum.NotStarted = pending
	for _, d := range pending {
		if opt.Breaker.tripped(d) {
			opt.Breaker.hold(d)
		}
	}
	sum.Tripped = opt.Breaker.trips()
	return sum
}

// attempts runs a device, retrying only what work marks retryable,
// never once the run is stopping (a stop, or launch cancelled by the first
// signal, which the main loop may not have seen yet).
func attempts(launch, hard context.Context, stopping <-chan struct{}, d inventory.Device, work Work, opt Options) result {
	halted := func() bool { return isClosed(stopping) || launch.Err() != nil }
	for n := 1; ; n++ {
		a := work(hard, d, n)
		if opt.OnAttempt != nil {
			if err := opt.OnAttempt(a.Record); err != nil {
				return result{dev: d, rec: a.Record, err: err}
			}
		}
		if a.Local {
			return result{dev: d, rec: a.Record, local: true}
		}
		if !a.Retryable || n > d.Retries || halted() || hard.Err() != nil {
			return result{dev: d, rec: a.Record}
		}
		delay := opt.Backoff << (n - 1)
		delay += time.Duration(rand.Int64N(int64(delay)/2 + 1)) // jitter spreads a fleet's retries
		wait, cancel := context.WithCancel(hard)
		go func() {
			select {
			case <-stopping:
				cancel()
			case <-launch.Done():
				cancel()
			case <-wait.Done():
			}
		}()
		err := opt.Sleep(wait, delay)
		cancel()
		if err != nil || halted() {
			return result{dev: d, rec: a.Record}
		}
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// without drops pending[i]. Launches take the front unless a group limit
// or the breaker passes devices over: dropping the front is a reslice,
// where slices.Delete moved the rest of the list every launch (N²/2 device
// copies a run: 7 GB of copying at 5,000 devices).
func without(pending []inventory.Device, i int) []inventory.Device {
	if i == 0 {
		return pending[1:]
	}
	return slices.Delete(pending, i, i+1)
}
