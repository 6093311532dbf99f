package report

import (
	"github.com/trustfix/trustfix/pkg/record"
)

// unknown labels a record whose platform or verdict was never found (e.g.
// unreachable with platform: auto), so it is still counted.
const unknown = "unknown"

// Summary counts a set of records: the tail of a plan, the final word of
// an apply and the head of a report. Its JSON is the "summary" object of
// `-o json`; encoding/json sorts map keys, so the output is deterministic.
type Summary struct {
	Total int `json:"total"`
	// ByVerdict has every verdict, zero counts included, so a script can
	// read .by_verdict.error without a null check.
	ByVerdict map[record.Verdict]int `json:"by_verdict"`
	// ByOutcome has every outcome when any record has one (apply, report)
	// and is omitted for a plan.
	ByOutcome  map[record.Outcome]int    `json:"by_outcome,omitempty"`
	ByPlatform map[string]PlatformCounts `json:"by_platform"`
	// Failed names, in record order, the devices that failed
	// (record.Record.Failed). Non-empty means exit code 2.
	Failed []string `json:"failed"`
	// FollowUp names, in record order, the devices that hold the CA only
	// until their next reload (record.Record.NeedsFollowUp), apart from
	// the failures; each record's follow_up says what makes it last. Exit
	// code 2 unless every one was accepted (non_persistent_allowed).
	FollowUp []string `json:"follow_up"`
	// NotSelected names the devices of a resumed run's journal that the
	// run did not select: listed, not counted as failed or follow-up.
	NotSelected []string `json:"not_selected,omitempty"`
}

// PlatformCounts is one platform's share of a Summary; only non-zero
// counts are listed.
type PlatformCounts struct {
	Total     int                    `json:"total"`
	ByVerdict map[record.Verdict]int `json:"by_verdict"`
	ByOutcome map[record.Outcome]int `json:"by_outcome,omitempty"`
}

// Summarise counts recs. It does not merge repeated devices: pass one
// record per device (journal.Latest) for a per-device view.
func Summarise(recs []record.Record) Summary {
	s := Summary{
		Total:      len(recs),
		ByVerdict:  make(map[record.Verdict]int, len(record.Verdicts)),
		ByPlatform: map[string]PlatformCounts{},
		Failed:     []string{},
		FollowUp:   []string{},
	}
	for _, v := range record.Verdicts {
		s.ByVerdict[v] = 0
	}
	for _, r := range recs {
		if r.Outcome != "" && s.ByOutcome == nil {
			s.ByOutcome = make(map[record.Outcome]int, len(record.Outcomes))
			for _, o := range record.Outcomes {
				s.ByOutcome[o] = 0
			}
		}
	}
	for _, r := range recs {
		v := verdictOf(r)
		s.ByVerdict[v]++
		p := r.Platform
		if p == "" {
			p = unknown
		}
		pc, ok := s.ByPlatform[p]
		if !ok {
			pc.ByVerdict = map[record.Verdict]int{}
		}
		pc.Total++
		pc.ByVerdict[v]++
		if r.Outcome != "" {
			s.ByOutcome[r.Outcome]++
			if pc.ByOutcome == nil {
				pc.ByOutcome = map[record.Outcome]int{}
			}
			pc.ByOutcome[r.Outcome]++
		}
		s.ByPlatform[p] = pc
		switch {
		case r.NotSelected:
			s.NotSelected = append(s.NotSelected, r.Name)
		case r.Failed():
			s.Failed = append(s.Failed, r.Name)
		case r.NeedsFollowUp():
			s.FollowUp = append(s.FollowUp, r.Name)
		}
	}
	return s
}

func verdictOf(r record.Record) record.Verdict {
	if r.Verdict == "" {
		return unknown
	}
	return r.Verdict
}
