package cli

import (
	"fmt"
	"sync"

	"github.com/schollz/progressbar/v3"
	"go.uber.org/zap"

	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/report"
)

// progress shows a run as it goes: a live bar on a terminal (done/total,
// failures, rate, ETA), or one structured log line per finished device.
type progress struct {
	mu       sync.Mutex
	bar      *progressbar.ProgressBar
	log      *zap.Logger
	verb     string
	failures int
}

func newProgress(env *Env, log *zap.Logger, verb string, total int) *progress {
	p := &progress{log: log, verb: verb}
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
	}
	return p
}

func (p *progress) done(r record.Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if report.IsFailure(r) {
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
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
