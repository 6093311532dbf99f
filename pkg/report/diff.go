package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/sanitize"
)

// Planned is one device of `plan --diff`: its plan record and, for a
// device to remediate, the sequence apply would send and its backout.
type Planned struct {
	Record   record.Record
	Sequence *platform.Sequence
	Backout  *platform.Backout
	// CA names the certificate: its common name and SHA-256.
	CA, CASHA256 string
	// Err says why the sequence could not be described.
	Err error
}

// RenderDiff writes, per device in the order given, what apply would do:
// for a device to remediate the trust-store change, every line apply
// would send in order (a paste shown as the certificate's subject and
// SHA-256 fingerprint, each question's answer, optional lines with their
// condition), the verification, the save and the persistence; for any
// other device one line saying why nothing is sent. Then the backout of
// each platform × method that would change a device.
// Device text is escaped; the lines the driver sends are trustfix's own.
func RenderDiff(w io.Writer, items []Planned, opts Options) error {
	var b strings.Builder
	changes := 0
	for _, it := range items {
		r := escapeRecords([]record.Record{it.Record})[0]
		if it.Sequence == nil {
			reason := reasonOf(r)
			if reason == "" {
				reason = "nothing to send"
			}
			fmt.Fprintf(&b, "%s %s: %s: %s\n", paint("=", plain, opts.Color), line(r.Name), paint(string(verdictOf(r)), verdictStyle(verdictOf(r)), opts.Color), line(reason))
			if it.Err != nil {
				fmt.Fprintf(&b, "  (no sequence: %s)\n", line(it.Err.Error()))
			}
			continue
		}
		changes++
		diffDevice(&b, r, it, opts.Color)
	}
	backouts(&b, items)
	fmt.Fprintf(&b, "\n%d of %d devices would change.\n", changes, len(items))
	_, err := io.WriteString(w, b.String())
	return err
}

func diffDevice(b *strings.Builder, r record.Record, it Planned, color bool) {
	seq := it.Sequence
	fmt.Fprintf(b, "\n%s %s (%s) %s %s, method %s\n", paint("~", work, color), paint(line(r.Name), strong, color), line(hostPort(r)), line(platformOf(r)), line(r.Version), seq.Method)
	fmt.Fprintf(b, "  trust store (%s):\n", seq.Store)
	fmt.Fprintf(b, "  %s %s  SHA-256 %s\n", paint("+", good, color), it.CA, it.CASHA256)
	if r.QuoVadisPresent != nil && *r.QuoVadisPresent {
		b.WriteString("    QuoVadis Root CA 2  left as is\n")
	}
	b.WriteString("  sends, in order:\n")
	steps(b, seq.Steps, "    ")
	if seq.Fallback != nil {
		fmt.Fprintf(b, "  %s, it then sends (method %s):\n", capitalise(seq.FallbackWhen), seq.Fallback.Method)
		steps(b, seq.Fallback.Steps, "    ")
	}
	b.WriteString("  verifies: lists the trust store again; the CA must be listed, else nothing is saved\n")
	if len(seq.Save) > 0 {
		b.WriteString("  saves:\n")
		steps(b, seq.Save, "    ")
	}
	b.WriteString("  persistent: " + persistence(*seq) + "\n")
	if seq.Fallback != nil && seq.Fallback.Persistent != seq.Persistent {
		fmt.Fprintf(b, "  persistent after the fallback: %s\n", persistence(*seq.Fallback))
	}
}

// backouts writes, once per platform × method that would change a device,
// the commands that remove the change again.
func backouts(b *strings.Builder, items []Planned) {
	seen := map[string]bool{}
	for _, it := range items {
		if it.Sequence == nil || it.Backout == nil {
			continue
		}
		key := platformOf(it.Record) + " " + string(it.Sequence.Method)
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(seen) == 1 {
			b.WriteString("\nBackout, per platform and method:\n")
		}
		fmt.Fprintf(b, "\n  %s, method %s:\n", line(platformOf(it.Record)), it.Sequence.Method)
		if len(it.Backout.Steps) > 0 {
			steps(b, it.Backout.Steps, "    ")
		}
		if it.Backout.Note != "" {
			fmt.Fprintf(b, "    # %s\n", it.Backout.Note)
		}
	}
}

func persistence(s platform.Sequence) string {
	if s.Persistent {
		return "yes: " + s.Lasting
	}
	return "no: " + s.Lasting
}

// steps writes each line as sent, with its condition, its question and
// its note as a comment.
func steps(b *strings.Builder, ls []platform.Line, indent string) {
	for _, s := range ls {
		b.WriteString(indent + lineText(s, "#") + "\n")
	}
}

// lineText is one line of a sequence as a person reads it: the text sent
// (a paste by what it is, an empty line said so), then after comment its
// question, its condition and its note.
func lineText(s platform.Line, comment string) string {
	text := s.Send
	if s.Paste != nil {
		text = "[paste] " + s.What
	} else if text == "" {
		text = "(empty line)"
	}
	var notes []string
	if s.Answers != "" {
		notes = append(notes, "answers "+strconv.Quote(s.Answers))
	}
	if s.If != "" {
		notes = append(notes, s.If)
	}
	if s.Note != "" {
		notes = append(notes, s.Note)
	}
	if len(notes) > 0 {
		text += "    " + comment + " " + strings.Join(notes, "; ")
	}
	return text
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func line(s string) string { return sanitize.Line(s) }

// RenderMethodCounts writes how many devices each platform × method
// would change, with the persistence: what apply asks to confirm.
func RenderMethodCounts(w io.Writer, items []Planned, opts Options) error {
	type key struct{ platform, method string }
	n := map[key]int{}
	persistent := map[key]string{}
	var order []key
	for _, it := range items {
		if it.Sequence == nil {
			continue
		}
		m := string(it.Sequence.Method)
		p := yesNo(&it.Sequence.Persistent)
		if fb := it.Sequence.Fallback; fb != nil {
			m += "→" + string(fb.Method)
			if fb.Persistent != it.Sequence.Persistent {
				p += ", " + yesNo(&fb.Persistent) + " after the fallback"
			}
		}
		k := key{platformOf(it.Record), m}
		if n[k] == 0 {
			order = append(order, k)
		}
		n[k]++
		persistent[k] = p
	}
	g := &grid{head: []string{"PLATFORM", "METHOD", "DEVICES", "PERSISTENT"}, indent: "  "}
	for _, k := range order {
		g.add(txt(k.platform), txt(k.method), txt(strconv.Itoa(n[k])), txt(persistent[k]))
	}
	return g.write(w, 0, opts.Color)
}
