package cli

import (
	"github.com/trustfix/trustfix/pkg/record"
)

// progress reports devices as they finish (filled in by the fleet issue).
type progress struct{}

func newProgress(*Env, string, int) *progress { return &progress{} }

func (p *progress) done(record.Record) {}

func (p *progress) finish() {}
