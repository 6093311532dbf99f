package report

import "github.com/trustfix/trustfix/pkg/record"

// style is how a cell stands out on a colour terminal: green for done,
// cyan for work to do, yellow for an answer that needs a person (upgrade,
// unsupported, a follow-up), red for a failure. Plain SGR codes: no
// terminal needs more, and NO_COLOR / --color decide whether they are
// written at all (Options.Color).
type style int

const (
	plain style = iota
	good
	work
	warn
	bad
	strong
)

var sgr = map[style]string{good: "\x1b[32m", work: "\x1b[36m", warn: "\x1b[33m", bad: "\x1b[31m", strong: "\x1b[1m"}

const reset = "\x1b[0m"

// paint wraps text in s's colour when on.
func paint(text string, s style, on bool) string {
	if !on || s == plain || text == "" {
		return text
	}
	return sgr[s] + text + reset
}

func verdictStyle(v record.Verdict) style {
	switch v {
	case record.Compliant:
		return good
	case record.Remediate:
		return work
	case record.UpgradeRequired, record.Unsupported:
		return warn
	case record.Unreachable, record.AuthFailed, record.Error:
		return bad
	}
	return plain
}

// outcomeStyle: a device fixed only until its next reload is not green.
func outcomeStyle(r record.Record) style {
	switch {
	case r.NeedsFollowUp():
		return warn
	case r.Outcome == record.Remediated || r.Outcome == record.AlreadyCompliant:
		return good
	case r.Outcome == record.Skipped:
		return warn
	case r.Failed():
		return bad
	}
	return plain
}
