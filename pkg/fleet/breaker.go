package fleet

import (
	"sync"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/record"
)

// Breaker is the credential circuit breaker. TACACS+ and RADIUS accounts
// lock after a few failed logins, counted by the AAA server across every
// device: one typo in a password variable must not be tried on the whole
// fleet. Devices are grouped by credential (Key); once Max of one group's
// devices ended auth-failed, no more of that group start, while the other
// groups go on. Until a device has accepted a credential, at most as many
// of its devices as failures are still allowed run at once, so a wrong
// password costs at most Max logins, whatever the concurrency.
//
// The pool knows nothing of logins: the attempt's record says auth-failed
// (record.AuthFailed), and whoever logs in calls LoggedIn.
type Breaker struct {
	max  int
	key  func(inventory.Device) string
	wake chan struct{}

	mu    sync.Mutex
	creds map[string]*credential
	order []string // credentials in the order they tripped
}

type credential struct {
	failures, inFlight int
	proven             bool // a device accepted it
	held               int  // devices not started because it tripped
}

// Trip is one credential the breaker stopped.
type Trip struct {
	// Credential is Key's name for it (the user and where the secrets
	// come from): what the operator must check.
	Credential string
	// Failures is how many devices refused it.
	Failures int
	// NotStarted is how many devices that use it never started.
	NotStarted int
}

// NewBreaker trips a credential after max auth failures (0: never); key
// names a device's credential ("" exempts the device).
func NewBreaker(max int, key func(inventory.Device) string) *Breaker {
	return &Breaker{max: max, key: key, wake: make(chan struct{}, 1), creds: map[string]*credential{}}
}

// LoggedIn records that dev's device accepted its credential: that
// credential's devices may now start as concurrency allows. Safe from any
// goroutine; repeated calls are harmless.
func (b *Breaker) LoggedIn(dev inventory.Device) {
	if b == nil {
		return
	}
	c := b.cred(dev)
	if c == nil {
		return
	}
	b.mu.Lock()
	changed := !c.proven
	c.proven = true
	b.mu.Unlock()
	if changed {
		select {
		case b.wake <- struct{}{}:
		default:
		}
	}
}

// cred returns dev's credential state (nil: exempt).
func (b *Breaker) cred(dev inventory.Device) *credential {
	if b == nil || b.max <= 0 {
		return nil
	}
	k := b.key(dev)
	if k == "" {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.creds[k]
	if c == nil {
		c = &credential{}
		b.creds[k] = c
	}
	return c
}

// allows reports whether dev may start now.
func (b *Breaker) allows(dev inventory.Device) bool {
	c := b.cred(dev)
	if c == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case c.failures >= b.max:
		return false
	case c.proven:
		return true
	}
	return c.inFlight < b.max-c.failures
}

// started counts dev in flight.
func (b *Breaker) started(dev inventory.Device) {
	if c := b.cred(dev); c != nil {
		b.mu.Lock()
		c.inFlight++
		b.mu.Unlock()
	}
}

// finished counts dev's final record.
func (b *Breaker) finished(dev inventory.Device, rec record.Record) {
	c := b.cred(dev)
	if c == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	c.inFlight--
	if rec.Verdict != record.AuthFailed {
		return
	}
	c.failures++
	if c.failures == b.max {
		b.order = append(b.order, b.key(dev))
	}
}

// tripped reports whether dev's credential has tripped.
func (b *Breaker) tripped(dev inventory.Device) bool {
	c := b.cred(dev)
	if c == nil {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return c.failures >= b.max
}

// hold counts a device not started because its credential tripped.
func (b *Breaker) hold(dev inventory.Device) {
	if c := b.cred(dev); c != nil {
		b.mu.Lock()
		c.held++
		b.mu.Unlock()
	}
}

// trips lists the credentials that tripped, in order.
func (b *Breaker) trips() []Trip {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Trip
	for _, k := range b.order {
		c := b.creds[k]
		out = append(out, Trip{Credential: k, Failures: c.failures, NotStarted: c.held})
	}
	return out
}

// woken is the channel LoggedIn signals on (nil for no breaker: a nil
// channel never fires in a select).
func (b *Breaker) woken() <-chan struct{} {
	if b == nil {
		return nil
	}
	return b.wake
}
