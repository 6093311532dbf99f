package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/trustfix/trustfix/pkg/record"
)

// unknown labels a record whose platform or verdict was never found (e.g.
// unreachable with platform: auto), so it is still counted.
const unknown = "unknown"

// maxListed bounds the summary's lists of failed and follow-up devices;
// -o json lists them all.
const maxListed = 20

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
		p := platformOf(r)
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

// renderSummary writes the block that ends a table: totals (devices per
// platform, verdicts, outcomes), the failed devices and the follow-ups
// each with its reason, and a matrix per platform.
func renderSummary(w io.Writer, recs []record.Record, opts Options) error {
	s := Summarise(recs)
	var failed, follow []record.Record
	for _, r := range recs {
		if r.Failed() && !r.NotSelected {
			failed = append(failed, r)
		}
		if r.NeedsFollowUp() {
			follow = append(follow, r)
		}
	}
	kv := &grid{head: []string{"", ""}, hideHead: true, flex: true, wrap: true}
	kv.add(txt("Devices:"), txt(strconv.Itoa(s.Total)+platformCounts(s)))
	kv.add(txt("Verdicts:"), txt(counts(s.ByVerdict, record.Verdicts)))
	if len(s.ByOutcome) > 0 {
		kv.add(txt("Outcomes:"), txt(counts(s.ByOutcome, record.Outcomes)))
	}
	fst, wst := plain, plain
	if len(failed) > 0 {
		fst = bad
	}
	if len(follow) > 0 {
		wst = warn
	}
	kv.add(cell{text: "Failed:", style: fst}, txt(noneOr(len(failed), "")))
	kv.add(cell{text: "Follow-up:", style: wst}, txt(noneOr(len(follow), ", fixed until the next reload")))
	if len(s.NotSelected) > 0 {
		kv.add(txt("Not selected:"), txt(strconv.Itoa(len(s.NotSelected))+" (in the journal, not in this run)"))
	}
	if err := kv.write(w, opts.Width, opts.Color); err != nil {
		return err
	}
	if len(failed) > 0 {
		if _, err := fmt.Fprintln(w, "\nFailed:"); err != nil {
			return err
		}
		if err := listed(w, failed, opts, func(r record.Record) cell {
			if opts.Apply && r.Outcome != "" {
				return cell{text: string(r.Outcome) + " at " + string(r.Stage), style: bad}
			}
			return verdictCell(r)
		}); err != nil {
			return err
		}
	}
	if len(follow) > 0 {
		if _, err := fmt.Fprintln(w, "\nFollow-up (fixed until the next reload):"); err != nil {
			return err
		}
		if err := listed(w, follow, opts, func(r record.Record) cell {
			return cell{text: string(r.Method), style: warn}
		}); err != nil {
			return err
		}
	}
	if len(s.ByPlatform) == 0 {
		return nil
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}
	return platformMatrix(w, s, opts)
}

// listed writes up to maxListed devices with a state and their reason.
func listed(w io.Writer, recs []record.Record, opts Options, state func(record.Record) cell) error {
	g := &grid{head: []string{"", "", ""}, hideHead: true, flex: true, indent: "  "}
	for _, r := range recs[:min(len(recs), maxListed)] {
		g.add(txt(r.Name), state(r), reasonCell(r))
	}
	if err := g.write(w, opts.Width, opts.Color); err != nil {
		return err
	}
	if len(recs) > maxListed {
		_, err := fmt.Fprintf(w, "  … and %d more (-o json lists them all)\n", len(recs)-maxListed)
		return err
	}
	return nil
}

// platformMatrix counts per platform: verdicts for a plan, outcomes for an
// apply; only the columns that have a device anywhere, so it stays narrow.
// On a terminal too narrow for it, each platform's counts are one
// (wrapped) line instead.
func platformMatrix(w io.Writer, s Summary, opts Options) error {
	head := []string{"PLATFORM", "DEVICES"}
	var verdicts []record.Verdict
	var outcomes []record.Outcome
	if len(s.ByOutcome) > 0 {
		outcomes = present(s.ByOutcome, record.Outcomes)
	} else {
		verdicts = present(s.ByVerdict, record.Verdicts)
	}
	for _, v := range verdicts {
		head = append(head, strings.ToUpper(string(v)))
	}
	for _, o := range outcomes {
		head = append(head, strings.ToUpper(string(o)))
	}
	g := &grid{head: head}
	for _, p := range platforms(s) {
		pc := s.ByPlatform[p]
		cells := []cell{txt(p), txt(strconv.Itoa(pc.Total))}
		for _, v := range verdicts {
			cells = append(cells, txt(strconv.Itoa(pc.ByVerdict[v])))
		}
		for _, o := range outcomes {
			cells = append(cells, txt(strconv.Itoa(pc.ByOutcome[o])))
		}
		g.add(cells...)
	}
	if g.fits(opts.Width) {
		return g.write(w, 0, opts.Color)
	}
	list := &grid{head: []string{"PLATFORM", "DEVICES", "COUNTS"}, flex: true, wrap: true}
	for _, p := range platforms(s) {
		pc := s.ByPlatform[p]
		c := counts(pc.ByVerdict, record.Verdicts)
		if len(outcomes) > 0 {
			c = counts(pc.ByOutcome, record.Outcomes)
		}
		list.add(txt(p), txt(strconv.Itoa(pc.Total)), txt(c))
	}
	return list.write(w, opts.Width, opts.Color)
}

func platforms(s Summary) []string {
	out := make([]string, 0, len(s.ByPlatform))
	for p := range s.ByPlatform {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// platformCounts reads " (asa 2, iosxe 5, unknown 1)".
func platformCounts(s Summary) string {
	var parts []string
	for _, p := range platforms(s) {
		parts = append(parts, fmt.Sprintf("%s %d", p, s.ByPlatform[p].Total))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func noneOr(n int, suffix string) string {
	if n == 0 {
		return "none"
	}
	return strconv.Itoa(n) + suffix
}

// counts lists the non-zero counts as "compliant 3, remediate 5", in
// report order, then any key the order does not know.
func counts[K ~string](m map[K]int, order []K) string {
	var parts []string
	for _, k := range present(m, order) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// present returns the keys of m with a non-zero count: those in order
// first, in that order, then the rest sorted.
func present[K ~string](m map[K]int, order []K) []K {
	var keys, extra []K
	for _, k := range order {
		if m[k] > 0 {
			keys = append(keys, k)
		}
	}
	for k, n := range m {
		if n > 0 && !slices.Contains(order, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	return append(keys, extra...)
}
