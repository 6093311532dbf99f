package report

import (
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/sanitize"
)

const (
	// maxText bounds the ERROR/REASON cell so one long device error does
	// not push every row off the screen; JSON and CSV keep the full text.
	maxText = 72
	// maxFailed bounds the summary's list of failed devices.
	maxFailed = 20
)

func newTabWriter(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}

// renderTable writes aligned columns, then (opts.Summary) a blank line and
// the summary block.
func renderTable(w io.Writer, recs []record.Record, opts Options) error {
	tw := newTabWriter(w)
	head := []string{"NAME", "HOST", "PLATFORM", "VERSION", "MODEL", "CA", "VERDICT", "METHOD", "PERSISTENT", "ADVISORY"}
	if opts.Apply {
		head = append(head, "OUTCOME", "ATTEMPTS")
	}
	head = append(head, "ERROR/REASON")
	row(tw, head)
	for _, r := range recs {
		cells := []string{
			r.Name, hostPort(r), r.Platform, r.Version, r.Model, caCell(r.CAPresent),
			string(r.Verdict), methodCell(r), yesNo(r.Persistent), advisoryCell(r.Advisory),
		}
		if opts.Apply {
			attempts := ""
			if r.Attempts > 0 {
				attempts = strconv.Itoa(r.Attempts)
			}
			cells = append(cells, string(r.Outcome), attempts)
		}
		text := r.Error
		if text == "" {
			text = r.Reason
		}
		row(tw, append(cells, truncate(clean(text), maxText)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !opts.Summary {
		return nil
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}
	return RenderSummary(w, Summarise(recs))
}

// RenderSummary writes s as the text block that ends a table and the
// final summary of an apply: totals by verdict, by outcome (when there
// are outcomes), the failed devices, and a per-platform breakdown.
func RenderSummary(w io.Writer, s Summary) error {
	tw := newTabWriter(w)
	row(tw, []string{"Devices:", strconv.Itoa(s.Total)})
	row(tw, []string{"Verdicts:", counts(s.ByVerdict, record.Verdicts)})
	if len(s.ByOutcome) > 0 {
		row(tw, []string{"Outcomes:", counts(s.ByOutcome, record.Outcomes)})
	}
	row(tw, []string{"Failed:", failedList(s.Failed)})
	row(tw, []string{"Follow-up:", followUpList(s.FollowUp)})
	if len(s.NotSelected) > 0 {
		row(tw, []string{"Not selected:", failedList(s.NotSelected)})
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(s.ByPlatform) == 0 {
		return nil
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}

	// Only the columns that have a device anywhere: the matrix stays narrow.
	verdicts := present(s.ByVerdict, record.Verdicts)
	outcomes := present(s.ByOutcome, record.Outcomes)
	head := []string{"PLATFORM", "DEVICES"}
	for _, v := range verdicts {
		head = append(head, strings.ToUpper(string(v)))
	}
	for _, o := range outcomes {
		head = append(head, strings.ToUpper(string(o)))
	}
	tw = newTabWriter(w)
	row(tw, head)
	platforms := make([]string, 0, len(s.ByPlatform))
	for p := range s.ByPlatform {
		platforms = append(platforms, p)
	}
	slices.Sort(platforms)
	for _, p := range platforms {
		pc := s.ByPlatform[p]
		cells := []string{p, strconv.Itoa(pc.Total)}
		for _, v := range verdicts {
			cells = append(cells, strconv.Itoa(pc.ByVerdict[v]))
		}
		for _, o := range outcomes {
			cells = append(cells, strconv.Itoa(pc.ByOutcome[o]))
		}
		row(tw, cells)
	}
	return tw.Flush()
}

// row writes one tab-separated line; cells are cleaned first because a tab
// or newline from a device would break the columns, and an escape sequence
// from a hostile device must not reach the operator's terminal.
func row(tw io.Writer, cells []string) {
	for i, c := range cells {
		c = clean(c)
		if c == "" {
			c = "-"
		}
		cells[i] = c
	}
	fmt.Fprintln(tw, strings.Join(cells, "\t"))
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

func failedList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	if len(names) <= maxFailed {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s, … and %d more", strings.Join(names[:maxFailed], ", "), len(names)-maxFailed)
}

// followUpList names the devices fixed only until their next reload.
func followUpList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return failedList(names) + " (lost on reload: see follow_up in -o json)"
}

// methodCell is the method, with the one a plan may fall back to:
// "url→terminal".
func methodCell(r record.Record) string {
	if r.FallbackMethod != "" && r.Method != "" {
		return string(r.Method) + "→" + string(r.FallbackMethod)
	}
	return string(r.Method)
}

// hostPort shows the port only when it is not SSH's default.
func hostPort(r record.Record) string {
	if r.Port == 0 || r.Port == 22 {
		return r.Host
	}
	return net.JoinHostPort(r.Host, strconv.Itoa(r.Port))
}

// caCell: "?" says the trust store could not be read, which is not "no".
func caCell(b *bool) string {
	if b == nil {
		return "?"
	}
	return yesNo(b)
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return "-"
	case *b:
		return "yes"
	}
	return "no"
}

// advisoryCell reads e.g. "FN72298 affected → 17.6.1 or later"; a
// release the notice does not name shows "-".
func advisoryCell(a *record.Advisory) string {
	if a == nil || !a.Affected {
		return "-"
	}
	s := a.Notice + " affected"
	if a.Fixed != "" {
		s += " → " + a.Fixed
	}
	return s
}

// clean makes s one line of printable text: white space (newlines, tabs)
// becomes single spaces, escape sequences and other controls are removed,
// format characters (bidi overrides) become U+FFFD.
func clean(s string) string { return sanitize.Line(s) }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
