package platform

import (
	"fmt"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/record"
)

// Sequence is an import sequence as data: the lines a driver's Apply
// sends, in order, exactly as typed. `plan --diff` renders it; a lab test
// per platform × method proves it equal to what the simulated device
// received, so the diff cannot drift from the driver.
type Sequence struct {
	Method record.Method
	// Steps are the import, from exec mode back to exec mode.
	Steps []Line
	// Save runs after the trust store was read again and lists the CA
	// (none where the import itself is the save).
	Save []Line
	// Store is where the CA lands, e.g. "trustpool", "trustpoint Trustpool".
	Store string
	// Persistent and Lasting: whether the CA survives a reload, and why (or
	// what it takes). Spec.Describe fills them from the method's data.
	Persistent bool
	Lasting    string
	// Fallback is the sequence the driver runs, under import_method auto,
	// when this one fails on the device (Spec.Describe fills it).
	Fallback *Sequence
	// FallbackWhen says when the fallback runs.
	FallbackWhen string
}

// Line is one line sent to the device, or one paste.
type Line struct {
	// Send is the line exactly as typed ("" is an empty line).
	Send string
	// Paste, when set, is a burst of lines sent as one write, exactly as
	// typed; What describes it for people (a certificate by its subject
	// and SHA-256 fingerprint).
	Paste []string
	What  string
	// Answers is the device question this line answers.
	Answers string
	// If is the condition under which the line is sent ("" always), e.g.
	// "if asked", "if the device refuses the line before".
	If string
	// Note is a comment for the reader.
	Note string
}

// Lines is every line the step sends, in order.
func (s Line) Lines() []string {
	if s.Paste != nil {
		return s.Paste
	}
	return []string{s.Send}
}

// Backout is what removes a method's change again: the commands, and
// what the reader must know (a store without per-certificate removal,
// the source of the commands).
type Backout struct {
	Steps []Line
	Note  string
	// Verified says the lab (pkg/devsim) runs these commands and a test
	// proves they remove the CA; false means they come from Cisco
	// documentation only.
	Verified bool
}

// Describer is a Driver that describes its sequences as data.
type Describer interface {
	// Sequence is what Apply(sh, m, ca, p) sends when the device answers
	// as expected: one entry per line, optional lines marked with If.
	Sequence(m record.Method, ca *cert.CA, p Prefs) (Sequence, error)
	// Backout is what removes the change method m made.
	Backout(m record.Method, ca *cert.CA) Backout
}

// Describe is the sequence of method m on this platform with its
// persistence and, under import_method auto, its fallback.
func (s *Spec) Describe(m record.Method, ca *cert.CA, p Prefs) (Sequence, error) {
	d, ok := s.Driver.(Describer)
	if !ok {
		return Sequence{}, fmt.Errorf("%w: platform %q does not describe its sequences", ErrNotSupported, s.ID)
	}
	md, ok := s.Method(m)
	if !ok {
		return Sequence{}, fmt.Errorf("%w: platform %q has no method %q", ErrNotSupported, s.ID, m)
	}
	seq, err := d.Sequence(m, ca, p)
	if err != nil {
		return Sequence{}, err
	}
	seq.Method, seq.Persistent = m, md.Persistent
	if seq.Lasting == "" && !md.Persistent {
		seq.Lasting = "lost on reload"
		if md.Note != "" {
			seq.Lasting = md.Note
		}
	}
	if md.Fallback != "" && p.Auto() {
		fb, err := s.Describe(md.Fallback, ca, Prefs{Method: md.Fallback, BundleFile: p.BundleFile, BundleURL: p.BundleURL})
		if err != nil {
			return Sequence{}, err
		}
		seq.Fallback = &fb
		seq.FallbackWhen = fmt.Sprintf("if the device fails the %s import", m)
		if md.FallbackNote != "" {
			seq.FallbackWhen += " (" + md.FallbackNote + ")"
		}
	}
	return seq, nil
}

// BackoutOf is what removes the change method m made on this platform;
// ok is false for a platform that does not describe its sequences.
func (s *Spec) BackoutOf(m record.Method, ca *cert.CA) (Backout, bool) {
	d, ok := s.Driver.(Describer)
	if !ok {
		return Backout{}, false
	}
	return d.Backout(m, ca), true
}

// PasteCert is the step that pastes lines of ca's PEM, described by the
// certificate's subject and SHA-256 fingerprint rather than its body.
func PasteCert(lines []string, ca *cert.CA, form string) Line {
	return Line{Paste: lines, What: fmt.Sprintf("%s (%d lines): %s, SHA-256 %s", form, len(lines), ca.Subject(), ca.SHA256())}
}

// PEMLines are ca's PEM lines with BEGIN and END, as a paste sends them.
func PEMLines(ca *cert.CA) []string {
	return strings.Split(strings.TrimSpace(string(ca.PEM())), "\n")
}
