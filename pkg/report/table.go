package report

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/trustfix/trustfix/pkg/record"
)

// renderTable writes the columns an operator decides on: name, platform,
// version, CA, verdict (plan) or outcome (apply), method, and the reason,
// which takes the rest of the width. -o wide (opts.wide) shows every
// column. Then (opts.Summary) a blank line and the summary.
func renderTable(w io.Writer, recs []record.Record, opts Options) error {
	g := &grid{flex: !opts.wide}
	state := "VERDICT"
	if opts.Apply {
		state = "OUTCOME"
	}
	if opts.wide {
		g.head = []string{"NAME", "HOST", "PLATFORM", "VERSION", "MODEL", "HOSTNAME", "SERIAL", "CA", "QUOVADIS", "VERDICT", "METHOD", "PERSISTENT", "ADVISORY"}
		if opts.Apply {
			g.head = append(g.head, "OUTCOME", "STAGE", "ATTEMPTS", "DURATION", "TRANSCRIPT")
		}
		g.head = append(g.head, "REASON")
	} else {
		g.head = []string{"NAME", "PLATFORM", "VERSION", "CA", state, "METHOD", "REASON"}
	}
	for _, r := range recs {
		if opts.wide {
			cells := []cell{txt(r.Name), txt(hostPort(r)), txt(platformOf(r)), txt(r.Version), txt(r.Model), txt(r.Hostname), txt(r.Serial),
				txt(caCell(r.CAPresent)), txt(yesNo(r.QuoVadisPresent)), verdictCell(r), txt(methodCell(r)), txt(yesNo(r.Persistent)), txt(advisoryCell(r.Advisory))}
			if opts.Apply {
				cells = append(cells, outcomeCell(r), txt(string(r.Stage)), txt(attempts(r)), txt(duration(r)), txt(r.Transcript))
			}
			g.add(append(cells, reasonCell(r))...)
			continue
		}
		st := verdictCell(r)
		if opts.Apply {
			st = outcomeCell(r)
		}
		g.add(txt(r.Name), txt(platformOf(r)), txt(r.Version), txt(caCell(r.CAPresent)), st, txt(methodCell(r)), reasonCell(r))
	}
	if err := g.write(w, opts.Width, opts.Color); err != nil {
		return err
	}
	if !opts.Summary {
		return nil
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}
	return renderSummary(w, recs, opts)
}

func verdictCell(r record.Record) cell {
	v := verdictOf(r)
	return cell{text: string(v), style: verdictStyle(v)}
}

// outcomeCell: a remediation lost on reload reads "remediated (follow-up)".
func outcomeCell(r record.Record) cell {
	text := string(r.Outcome)
	if r.NeedsFollowUp() {
		text += " (follow-up)"
	}
	return cell{text: text, style: outcomeStyle(r)}
}

// reasonCell is the one line that explains the row: the error of a failed
// device, what a follow-up needs, how a fallback went, else the reason.
func reasonCell(r record.Record) cell {
	return cell{text: reasonOf(r)}
}

func reasonOf(r record.Record) string {
	switch {
	case r.Error != "":
		return r.Error
	case r.NeedsFollowUp():
		return FollowUp(r)
	case r.Fallback != "":
		return r.Fallback
	}
	return r.Reason
}

// platformOf names a platform never detected (unreachable with platform
// auto) "unknown", as the summary counts it.
func platformOf(r record.Record) string {
	if r.Platform == "" || r.Platform == "auto" {
		return unknown
	}
	return r.Platform
}

func attempts(r record.Record) string {
	if r.Attempts == 0 {
		return ""
	}
	return strconv.Itoa(r.Attempts)
}

// duration is the time the record's attempt took, to the second.
func duration(r record.Record) string {
	if r.Started == nil || r.Finished == nil {
		return ""
	}
	return r.Finished.Sub(*r.Started).Round(time.Second).String()
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

// methodCell is the method, with the one a plan may fall back to:
// "url→terminal".
func methodCell(r record.Record) string {
	if r.FallbackMethod != "" && r.Method != "" {
		return string(r.Method) + "→" + string(r.FallbackMethod)
	}
	return string(r.Method)
}
