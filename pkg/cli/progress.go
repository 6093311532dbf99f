package cli

import (
	"fmt"
	"io"
	"sync"

	"github.com/schollz/progressbar/v3"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/record"
)

// progress shows a run as it goes: a live bar on a terminal (done/total,
// failures, rate, ETA), or one structured log line per finished device.
// Its notes (resume, stop, abort, where the journal is) are plain lines on
// a terminal and zap lines otherwise, so an unattended run's stderr is
// JSON Lines throughout.
type progress struct {
	mu       sync.Mutex
	bar      *progressbar.ProgressBar
	log      *zap.Logger
	w        io.Writer
	terminal bool
	verb     string
	failures int
	started  int
	finished int
}

func newProgress(env *Env, verb string, total int) *progress {
	p := &progress{log: env.Logger, verb: verb, w: env.Err, terminal: env.ErrTerminal}
	if env.ErrTerminal && total > 0 {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(env.Err),
			progressbar.OptionSetDescription(verb),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("dev"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100_000_000),
			progressbar.OptionClearOnFinish(),
		)
		// Shown from the start: the first device may take minutes.
		_ = p.bar.RenderBlank()
	}
	return p
}

// start counts a device in flight (fleet OnStart).
func (p *progress) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started++
}

func (p *progress) done(r record.Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished++
	if r.Failed() {
		p.failures++
	}
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s (failed %d)", p.verb, p.failures))
		_ = p.bar.Add(1)
		return
	}
	fields := []zap.Field{zap.String("device", r.Name), zap.String("platform", r.Platform), zap.String("verdict", string(r.Verdict))}
	if r.Outcome != "" {
		fields = append(fields, zap.String("outcome", string(r.Outcome)), zap.Int("attempt", r.Attempts))
	}
	if r.Error != "" {
		fields = append(fields, zap.String("error", r.Error))
	}
	p.log.Info(p.verb+" device done", fields...)
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
	}
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
	p.mu.Lock()
	n := p.started - p.finished
	p.mu.Unlock()
	p.note(zapcore.WarnLevel, fmt.Sprintf("aborting: %d devices in flight back out and are left as found", n),
		zap.String("event", "aborting"), zap.Int("in_flight", n))
}

// note writes one operator message above the bar (see writeNote).
func (p *progress) note(level zapcore.Level, msg string, fields ...zap.Field) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal && p.bar != nil {
		_ = p.bar.Clear()
	}
	writeNote(p.w, p.terminal, p.log, level, msg, fields...)
}

// writeNote writes one operator message: a plain line on a terminal, a
// structured (zap) line otherwise; fields go to the structured line only.
func writeNote(w io.Writer, terminal bool, log *zap.Logger, level zapcore.Level, msg string, fields ...zap.Field) {
	if !terminal {
		if ce := log.Check(level, msg); ce != nil {
			ce.Write(fields...)
		}
		return
	}
	fmt.Fprintln(w, msg)
}
