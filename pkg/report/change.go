package report

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// ChangeFormats are the formats of RenderChange.
var ChangeFormats = []string{Markdown, HTML}

// Change is the change record of a run, as a ticket needs it: what ran,
// who ran it, when, against what, what it changed on which device, what
// failed and what needs a follow-up, and how to take it back.
type Change struct {
	// Merged is the run: one or more journals read as one.
	Merged journal.Merged
	// Journals are the journals read, as given.
	Journals []string
	// CA is the certificate the run installed, when a run line names it.
	CA *journal.CARef
	// Backouts, one per platform × method that changed a device.
	Backouts []BackoutEntry
	// Notes are things the reader must know about the record itself
	// (journals without run lines, lines skipped).
	Notes []string
	// Generated and Version say when and by what the record was written.
	Generated time.Time
	Version   string
}

// BackoutEntry is the backout of one platform × method, and how many
// devices of the run it concerns.
type BackoutEntry struct {
	Platform string
	Method   record.Method
	Devices  int
	Backout  platform.Backout
}

// NewChange gathers what the change record shows beyond the records: the
// CA from the run lines (or the embedded one, when an older journal's
// fingerprint says so), notes on the journals themselves, and the backout
// of every platform × method that changed a device, from the drivers of
// reg. The caller sets Generated and Version.
func NewChange(paths []string, files []*journal.File, m journal.Merged, reg *platform.Registry) Change {
	ch := Change{Merged: m, Journals: paths}
	for _, f := range files {
		for _, r := range f.Runs {
			if r.CA != nil && ch.CA == nil {
				ch.CA = r.CA
			}
		}
		if len(f.Runs) == 0 && len(f.Records) > 0 {
			ch.Notes = append(ch.Notes, fmt.Sprintf("%s has no run lines (written before trustfix recorded them): operator, start and end come from its records, or are not recorded", f.Path))
		}
		for _, p := range f.Problems {
			ch.Notes = append(ch.Notes, fmt.Sprintf("%s: %s", f.Path, p))
		}
	}
	for _, sh := range m.Shards {
		if len(sh.Missing) > 0 {
			ch.Notes = append(ch.Notes, fmt.Sprintf("run %s was split into %d shards: shard %s missing (no journal given holds it), so this record lacks its devices", sh.RunID, sh.Count, journal.ShardList(sh.Missing, sh.Count)))
		}
	}
	for _, o := range m.Overlaps {
		ks := make([]string, len(o.Shards))
		for i, k := range o.Shards {
			ks[i] = fmt.Sprint(k)
		}
		ch.Notes = append(ch.Notes, fmt.Sprintf("%s was recorded by shards %s of run %s (%s): the shards did not split the same selection", o.Device, strings.Join(ks, " and "), o.RunID, strings.Join(o.Journals, ", ")))
	}
	ca := caOf(ch.CA, m)
	if ca != nil && ch.CA == nil {
		ch.CA = &journal.CARef{Subject: ca.Subject(), SHA1: ca.SHA1(), SHA256: ca.SHA256(), PEM: string(ca.PEM())}
	}
	type key struct {
		platform string
		method   record.Method
	}
	count := map[key]int{}
	var order []key
	for _, e := range m.Devices {
		r := e.Record
		if !Changed(r) || r.Method == "" {
			continue
		}
		k := key{r.Platform, r.Method}
		if count[k] == 0 {
			order = append(order, k)
		}
		count[k]++
	}
	if ca == nil && len(order) > 0 {
		ch.Notes = append(ch.Notes, "the journals do not say which certificate was installed: no backout commands can be given")
		return ch
	}
	for _, k := range order {
		spec, err := reg.Lookup(k.platform)
		if err != nil {
			continue
		}
		if bo, ok := spec.BackoutOf(k.method, ca); ok {
			ch.Backouts = append(ch.Backouts, BackoutEntry{Platform: k.platform, Method: k.method, Devices: count[k], Backout: bo})
		}
	}
	return ch
}

// caOf is the certificate a run installed: from its run line, else the
// embedded one when the records' fingerprint is its.
func caOf(ref *journal.CARef, m journal.Merged) *cert.CA {
	if ref != nil {
		if b, _ := pem.Decode([]byte(ref.PEM)); b != nil {
			if c, err := x509.ParseCertificate(b.Bytes); err == nil {
				return cert.New(c)
			}
		}
	}
	def := cert.Default()
	for _, e := range m.Devices {
		if e.Record.Run != nil && e.Record.Run.CAFingerprint == def.SHA1() {
			return def
		}
	}
	return nil
}

// Changed reports whether a record's device was (or may have been)
// changed by the run: remediated, or failed or stopped after the change
// began. Those are the devices a backout concerns.
func Changed(r record.Record) bool {
	return r.Outcome == record.Remediated || r.ChangeBegun()
}

// RenderChange writes the change record in format (Markdown or HTML).
func RenderChange(w io.Writer, format string, ch Change) error {
	v := newChangeView(ch)
	switch format {
	case Markdown:
		return renderMarkdown(w, v)
	case HTML:
		return renderHTML(w, v)
	}
	return fmt.Errorf("%w %q (want %s)", ErrFormat, format, strings.Join(ChangeFormats, "|"))
}

// changeView is the change record with every device text escaped and
// every value formatted: both renderers show exactly this.
type changeView struct {
	Title     string
	Facts     [][2]string
	Counts    [][2]string
	Failures  []deviceView
	FollowUps []deviceView
	Missing   []journal.DeviceRef
	Conflicts []string
	Devices   []deviceView
	Multi     bool // more than one journal: show each device's source
	Backouts  []backoutView
	Notes     []string
	Footer    string
}

type deviceView struct {
	Position                                  string
	Name, Host, Platform, Version, Model      string
	Outcome, Stage, Method, Persistent        string
	Reason, Transcript, Source, Duration, Run string
	Style                                     style
}

type backoutView struct {
	Title    string
	Lines    []string
	Note     string
	Verified bool
}

const timeLayout = "2006-01-02 15:04:05 MST"

func newChangeView(ch Change) changeView {
	m := ch.Merged
	recs := escapeRecords(m.Records())
	v := changeView{Title: "Change record", Multi: len(ch.Journals) > 1, Notes: ch.Notes}
	if ch.CA != nil {
		v.Title += ": install " + line(commonName(ch.CA.Subject))
	}
	v.Facts = runFacts(ch)
	v.Counts = changeCounts(recs, len(m.Missing))
	for i, r := range recs {
		d := deviceRow(r, m.Devices[i])
		if r.Failed() {
			v.Failures = append(v.Failures, d)
		}
		if r.NeedsFollowUp() {
			v.FollowUps = append(v.FollowUps, d)
		}
		v.Devices = append(v.Devices, d)
	}
	for _, d := range m.Missing {
		d.Name, d.Host = line(d.Name), line(d.Host)
		v.Missing = append(v.Missing, d)
	}
	for _, c := range m.Conflicts {
		var dropped []string
		for _, d := range c.Dropped {
			dropped = append(dropped, fmt.Sprintf("%s (%s)", line(d.Source), stamp(d.At)))
		}
		v.Conflicts = append(v.Conflicts, fmt.Sprintf("%s: the record of %s (%s) wins over %s",
			line(c.Device), line(c.Kept), stamp(c.KeptAt), strings.Join(dropped, ", ")))
	}
	for _, b := range ch.Backouts {
		bv := backoutView{Title: fmt.Sprintf("%s, method %s (%d %s)", line(b.Platform), b.Method, b.Devices, plural(b.Devices, "device", "devices")),
			Note: b.Backout.Note, Verified: b.Backout.Verified}
		for _, s := range b.Backout.Steps {
			bv.Lines = append(bv.Lines, lineText(s, "!"))
		}
		v.Backouts = append(v.Backouts, bv)
	}
	v.Footer = fmt.Sprintf("Written by trustfix %s on %s from %s.", line(ch.Version), stamp(ch.Generated), line(strings.Join(ch.Journals, ", ")))
	return v
}

func commonName(subject string) string {
	for _, part := range strings.Split(subject, ",") {
		if k, v, ok := strings.Cut(part, "="); ok && strings.TrimSpace(k) == "CN" {
			return v
		}
	}
	return subject
}

// runFacts are the key facts of the run(s): id, command, operator, start,
// end, duration, inventory, CA, journals, transcripts.
func runFacts(ch Change) [][2]string {
	m := ch.Merged
	var facts [][2]string
	add := func(k, v string) { facts = append(facts, [2]string{k, v}) }
	var ids, commands, operators, inventories []string
	var start, end time.Time
	ended := len(m.Runs) > 0
	stopped := ""
	for _, r := range m.Runs {
		ids = appendNew(ids, line(r.ID))
		for _, c := range r.Commands {
			commands = appendNew(commands, line(c))
		}
		for _, o := range r.Operators {
			operators = appendNew(operators, line(o))
		}
		if r.Start != nil {
			if inv := r.Start.Inventory; inv != nil {
				inventories = appendNew(inventories, fmt.Sprintf("%s (SHA-256 %s, %d devices)", line(inv.Path), line(inv.SHA256), inv.Devices))
			}
		}
		if !r.Started.IsZero() && (start.IsZero() || r.Started.Before(start)) {
			start = r.Started
		}
		if r.Finished.After(end) {
			end = r.Finished
		}
		if !r.Ended {
			ended = false
		}
		if r.Stopped != "" {
			stopped = fmt.Sprintf("run %s stopped early (%s); to continue: %s", line(r.ID), line(r.Stopped), line(r.Resume))
		}
	}
	add("Run", orNot(strings.Join(ids, ", ")))
	for _, sh := range m.Shards {
		text := fmt.Sprintf("%d, by %s: all here", sh.Count, line(string(sh.By)))
		if len(sh.Missing) > 0 {
			text = fmt.Sprintf("%d, by %s: MISSING %s", sh.Count, line(string(sh.By)), journal.ShardList(sh.Missing, sh.Count))
		}
		if len(m.Shards) > 1 {
			text = line(sh.RunID) + ": " + text
		}
		add("Shards", text)
	}
	add("Command", orNot(strings.Join(commands, "; ")))
	add("Operator", orNot(strings.Join(operators, ", ")))
	add("Start", stamp(start))
	endText := stamp(end)
	if !ended && !end.IsZero() {
		endText += " (last record: no run-end line, the run was killed or is still going)"
	}
	add("End", endText)
	dur := "unknown"
	if !start.IsZero() && !end.IsZero() {
		dur = end.Sub(start).Round(time.Second).String()
	}
	add("Duration", dur)
	if stopped != "" {
		add("Stopped", stopped)
	}
	if len(inventories) == 0 {
		for _, r := range m.Devices {
			if r.Record.Run != nil && r.Record.Run.Inventory != "" {
				inventories = appendNew(inventories, "SHA-256 "+line(r.Record.Run.Inventory))
			}
		}
	}
	add("Inventory", orNot(strings.Join(inventories, "; ")))
	if ca := ch.CA; ca != nil {
		add("CA", fmt.Sprintf("%s (SHA-1 %s, SHA-256 %s)", line(ca.Subject), line(ca.SHA1), line(ca.SHA256)))
	} else {
		var fps []string
		for _, r := range m.Devices {
			if r.Record.Run != nil && r.Record.Run.CAFingerprint != "" {
				fps = appendNew(fps, "SHA-1 "+line(r.Record.Run.CAFingerprint))
			}
		}
		add("CA", orNot(strings.Join(fps, ", ")))
	}
	add("Journals", line(strings.Join(ch.Journals, ", ")))
	var dirs []string
	for _, r := range m.Devices {
		if r.Record.Transcript != "" {
			dirs = appendNew(dirs, line(filepath.Dir(r.Record.Transcript)))
		}
	}
	add("Transcripts", orNot(strings.Join(dirs, ", ")))
	return facts
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func orNot(s string) string {
	if s == "" {
		return "not recorded"
	}
	return s
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "not recorded"
	}
	return t.UTC().Format(timeLayout)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// changeCounts: devices, then each outcome, follow-ups apart, and the
// devices a run covered that have no record.
func changeCounts(recs []record.Record, missing int) [][2]string {
	s := Summarise(recs)
	out := [][2]string{{"Devices", fmt.Sprint(s.Total + missing)}}
	for _, o := range record.Outcomes {
		if n := s.ByOutcome[o]; n > 0 {
			out = append(out, [2]string{string(o), fmt.Sprint(n)})
		}
	}
	out = append(out, [2]string{"of which follow-up (lost on reload)", fmt.Sprint(len(s.FollowUp))})
	out = append(out, [2]string{"failed (exit 2)", fmt.Sprint(len(s.Failed))})
	if missing > 0 {
		out = append(out, [2]string{"no record (not started)", fmt.Sprint(missing)})
	}
	return out
}

func deviceRow(r record.Record, e journal.Entry) deviceView {
	d := deviceView{
		Name: line(r.Name), Host: line(hostPort(r)), Platform: line(platformOf(r)), Version: line(r.Version), Model: line(r.Model),
		Outcome: string(r.Outcome), Stage: string(r.Stage), Method: line(string(r.Method)), Persistent: yesNo(r.Persistent),
		Reason: line(reasonOf(r)), Transcript: line(r.Transcript), Source: line(e.Source), Duration: duration(r), Style: outcomeStyle(r),
	}
	if d.Outcome == "" {
		d.Outcome = string(verdictOf(r))
		d.Style = verdictStyle(verdictOf(r))
	}
	if r.NeedsFollowUp() {
		d.Outcome += " (follow-up)"
	}
	if e.Position > 0 {
		d.Position = fmt.Sprint(e.Position)
	}
	if r.Run != nil {
		d.Run = line(r.Run.ID)
	}
	return d
}
