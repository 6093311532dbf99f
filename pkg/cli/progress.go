package cli

import (
	"container/heap"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/record"
)

// progress shows a run as it goes. On a terminal: one status line under
// the log lines (console), in one unit, devices: done/total, failures, a
// time left computed from the devices' own times and the concurrency,
// and, when the run waits on slow devices, their names and how long they
// have been running. Off a terminal: one structured line per finished
// device, and a progress event at a steady interval. Its notes (resume,
// stop, abort, where the journal is) are plain lines on a terminal and
// zap lines otherwise, so an unattended run's stderr is JSON Lines
// throughout.
type progress struct {
	mu       sync.Mutex
	log      *zap.Logger
	w        io.Writer
	console  *console // nil: not a terminal, or -q
	width    func() int
	terminal bool
	quiet    bool
	verb     string
	total    int
	slots    int
	now      func() time.Time
	begun    time.Time
	running  map[string]time.Time // device → started
	finished int
	failures int
	spent    time.Duration // summed time of the finished devices
	tick     *time.Ticker
	quit     chan struct{}
	stopped  sync.WaitGroup
}

// slowAfter is how long beyond the mean device time a device must run
// before the status line names it while others are still waiting.
const slowAfter = 10 * time.Second

func newProgress(env *Env, verb string, total, concurrency int) *progress {
	p := &progress{log: env.Logger, verb: verb, w: env.Err, terminal: env.ErrTerminal, quiet: env.verbosity < 0, total: total,
		slots: max(min(concurrency, total), 1), now: time.Now, running: map[string]time.Time{}, width: env.ErrWidth, quit: make(chan struct{})}
	p.begun = p.now()
	if total == 0 {
		return p
	}
	every := env.ProgressEvery
	if env.ErrTerminal {
		if env.verbosity < 0 || env.console == nil {
			return p
		}
		p.console = env.console
		every = time.Second // the clock of the devices in flight
		p.draw()
	} else {
		p.event()
	}
	p.tick = time.NewTicker(every)
	p.stopped.Add(1)
	go func() {
		defer p.stopped.Done()
		for {
			select {
			case <-p.tick.C:
				if p.console != nil {
					p.draw()
				} else {
					p.event()
				}
			case <-p.quit:
				return
			}
		}
	}()
	return p
}

// start counts a device in flight (fleet OnStart).
func (p *progress) start(d inventory.Device) {
	p.mu.Lock()
	p.running[d.Name] = p.now()
	p.mu.Unlock()
	p.draw()
}

// done counts a finished device (fleet OnDone) and logs it.
func (p *progress) done(r record.Record) {
	p.mu.Lock()
	if t, ok := p.running[r.Name]; ok {
		p.spent += p.now().Sub(t)
		delete(p.running, r.Name)
	}
	p.finished++
	if r.Failed() {
		p.failures++
	}
	p.mu.Unlock()
	fields := []zap.Field{zap.String("device", r.Name), zap.String("platform", r.Platform), zap.String("verdict", string(r.Verdict))}
	if r.Outcome != "" {
		fields = append(fields, zap.String("outcome", string(r.Outcome)), zap.Int("attempt", r.Attempts))
	}
	if r.Error != "" {
		fields = append(fields, zap.String("error", r.Error))
	}
	p.log.Info(p.verb+" device done", fields...)
	p.draw()
}

// finish stops the clock, writes the last event off a terminal and clears
// the status line.
func (p *progress) finish() {
	if p.tick != nil {
		p.tick.Stop()
		close(p.quit)
		p.stopped.Wait()
		p.tick = nil
	}
	if p.console != nil {
		p.console.setStatus("")
		return
	}
	if p.total > 0 && !p.terminal {
		p.event()
	}
}

// snapshot is the state the status line and the event show.
type snapshot struct {
	done, failed, total int
	left                time.Duration
	leftKnown           bool
	waiting             []inFlight // longest running first
	tail                bool       // every device has started
}

type inFlight struct {
	name string
	for_ time.Duration
}

func (p *progress) snapshot() snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	s := snapshot{done: p.finished, failed: p.failures, total: p.total}
	for name, t := range p.running {
		s.waiting = append(s.waiting, inFlight{name, now.Sub(t)})
	}
	slices.SortFunc(s.waiting, func(a, b inFlight) int {
		if a.for_ != b.for_ {
			return int(b.for_ - a.for_)
		}
		return strings.Compare(a.name, b.name)
	})
	pending := p.total - p.finished - len(p.running)
	s.tail = pending == 0
	if p.finished == 0 {
		return s
	}
	mean := p.spent / time.Duration(p.finished)
	s.left, s.leftKnown = timeLeft(mean, p.slots, pending, s.waiting)
	if s.tail || (len(s.waiting) > 0 && s.waiting[0].for_ > mean+slowAfter) {
		return s // name the slow ones
	}
	s.waiting = nil
	return s
}

// timeLeft estimates the rest of the run: each device in flight needs the
// mean device time minus what it has run, the pending ones take the mean
// each on the first free slot. It is unknown when only devices that
// already ran longer than the mean are left: then nothing can be said but
// which devices the run waits on.
func timeLeft(mean time.Duration, slots, pending int, running []inFlight) (time.Duration, bool) {
	free := make(durations, 0, slots)
	overdue := 0
	for _, r := range running {
		rest := mean - r.for_
		if rest <= 0 {
			overdue++
			rest = 0
		}
		free = append(free, rest)
	}
	for len(free) < slots {
		free = append(free, 0)
	}
	if pending == 0 && overdue == len(running) && overdue > 0 {
		return 0, false
	}
	heap.Init(&free)
	for range pending {
		free[0] += mean
		heap.Fix(&free, 0)
	}
	return slices.Max(free), true
}

// durations is a min-heap of the times at which the slots become free.
type durations []time.Duration

func (d durations) Len() int           { return len(d) }
func (d durations) Less(i, j int) bool { return d[i] < d[j] }
func (d durations) Swap(i, j int)      { d[i], d[j] = d[j], d[i] }
func (d *durations) Push(x any)        { *d = append(*d, x.(time.Duration)) }
func (d *durations) Pop() any {
	old := *d
	x := old[len(old)-1]
	*d = old[:len(old)-1]
	return x
}

// draw redraws the status line on a terminal.
func (p *progress) draw() {
	if p.console == nil {
		return
	}
	p.console.setStatus(p.line(p.snapshot()))
}

// line is the status line, cut to the terminal's width so that it never
// wraps (a wrapped line cannot be redrawn in place).
func (p *progress) line(s snapshot) string {
	const barWidth = 20
	filled := barWidth * s.done / max(s.total, 1)
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s%s] %d/%d devices", p.verb, strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), s.done, s.total)
	if s.failed > 0 {
		fmt.Fprintf(&b, ", %d failed", s.failed)
	}
	switch {
	case s.done == 0:
		b.WriteString(", time left: after the first device")
	case s.leftKnown:
		fmt.Fprintf(&b, ", about %s left", roundLeft(s.left))
	default:
		b.WriteString(", time left unknown")
	}
	if len(s.waiting) > 0 {
		b.WriteString(", waiting on " + waitingOn(s.waiting, 3))
	}
	width := p.width()
	if width <= 0 {
		width = 120
	}
	return cutLine(b.String(), width-1)
}

func waitingOn(w []inFlight, n int) string {
	var parts []string
	for _, f := range w[:min(n, len(w))] {
		parts = append(parts, fmt.Sprintf("%s (%s)", line(f.name), f.for_.Round(time.Second)))
	}
	if len(w) > n {
		parts = append(parts, fmt.Sprintf("%d more", len(w)-n))
	}
	return strings.Join(parts, ", ")
}

// roundLeft keeps a time left readable: seconds under two minutes, else
// minutes.
func roundLeft(d time.Duration) time.Duration {
	if d < 2*time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Minute)
}

func cutLine(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:max(n-1, 0)]) + "…"
}

// event logs the progress of an unattended run.
func (p *progress) event() {
	s := p.snapshot()
	fields := []zap.Field{zap.String("event", "progress"), zap.Int("done", s.done), zap.Int("total", s.total),
		zap.Int("failed", s.failed), zap.Int("in_flight", p.inFlight())}
	if s.leftKnown {
		fields = append(fields, zap.Int64("left_seconds", int64(s.left.Round(time.Second)/time.Second)))
	}
	if len(s.waiting) > 0 {
		var names []string
		for _, f := range s.waiting[:min(10, len(s.waiting))] {
			names = append(names, fmt.Sprintf("%s (%s)", f.name, f.for_.Round(time.Second)))
		}
		fields = append(fields, zap.Strings("waiting_on", names))
	}
	p.log.Info(p.verb+" progress", fields...)
}

func (p *progress) inFlight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.running)
}

// stopping says the run launches no more devices (fleet OnStop): at once,
// so whoever pressed Ctrl-C knows it was heard and what comes next.
func (p *progress) stopping(reason string, inFlight int) {
	msg := fmt.Sprintf("stopping (%s): no new device starts; waiting for %d in flight to finish", reason, inFlight)
	if reason == fleet.StopInterrupted && inFlight > 0 {
		msg += "; interrupt again to make them back out now"
	}
	p.note(zapcore.WarnLevel, msg, zap.String("event", "stopping"), zap.String("reason", reason), zap.Int("in_flight", inFlight))
}

// aborting says the second signal arrived: devices in flight back out.
func (p *progress) aborting() {
	n := p.inFlight()
	p.note(zapcore.WarnLevel, fmt.Sprintf("aborting: %d devices in flight back out and are left as found", n),
		zap.String("event", "aborting"), zap.Int("in_flight", n))
}

// note writes one operator message above the status line (see writeNote).
func (p *progress) note(level zapcore.Level, msg string, fields ...zap.Field) {
	writeNote(p.w, p.terminal, p.quiet, p.log, level, msg, fields...)
}

// writeNote writes one operator message: a plain line on a terminal (with
// -q only warnings and worse), a structured (zap) line otherwise; fields
// go to the structured line only.
func writeNote(w io.Writer, terminal, quiet bool, log *zap.Logger, level zapcore.Level, msg string, fields ...zap.Field) {
	if terminal && quiet && level < zapcore.WarnLevel {
		return
	}
	if !terminal {
		if ce := log.Check(level, msg); ce != nil {
			ce.Write(fields...)
		}
		return
	}
	fmt.Fprintln(w, msg)
}
