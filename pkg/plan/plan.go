// Package plan decides, per device, what trustfix would do and why. It is
// pure: no I/O, the same answer for a live login and for captures.
package plan

import (
	"fmt"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Input is everything known about one device.
type Input struct {
	Facts    detect.Facts
	Spec     *platform.Spec  // nil for a platform trustfix does not know
	State    *platform.State // nil when the trust store was not read
	Advisory *record.Advisory
	Prefs    platform.Prefs
	CA       *cert.CA
}

// Decision is the verdict with its method and reason.
type Decision struct {
	Verdict record.Verdict
	Method  record.Method
	// Fallback is the method the driver falls back to if Method fails on
	// the device (import_method auto), "" if none.
	Fallback record.Method
	// Persistent is the worst case: false when Method or its Fallback is
	// lost on reload.
	Persistent *bool
	Reason     string
	// FollowUp: a compliant device whose CA is lost on reload; what makes
	// it last.
	FollowUp string
}

// Decide applies the SPEC's rules in order: unsupported platforms, the
// upgrade-only appliances, a CA already present, what the driver found in
// the way (its blockers), then the method (import_method, or the
// platform's auto choice).
func Decide(in Input) Decision {
	f := in.Facts
	if !f.Supported {
		return Decision{Verdict: record.Unsupported, Reason: or(f.Reason, f.Platform+" is not covered")}
	}
	if in.Spec == nil {
		return Decision{Verdict: record.Unsupported, Reason: "no trustfix driver for platform " + f.Platform}
	}
	if !in.Spec.CLI() {
		return appliance(in)
	}
	if in.State == nil {
		return Decision{Verdict: record.Error, Reason: "the trust store was not read"}
	}
	st := in.State
	if st.Trust.CAPresent && st.LostOnReload {
		if d, ok := lasting(in); ok {
			return d
		}
		return Decision{Verdict: record.Compliant, Persistent: record.Bool(false), FollowUp: in.Spec.FollowUp(record.MethodTerminal),
			Reason: WithNotes(in.CA.CommonName()+" is in the trust store"+where(st.Trust.CA)+" only until the next reload: see follow_up", st.Notes)}
	}
	if st.Trust.CAPresent {
		return Decision{Verdict: record.Compliant, Reason: in.CA.CommonName() + " is in the trust store" + where(st.Trust.CA)}
	}
	if len(st.Blockers) > 0 {
		b := st.Blockers[0]
		return Decision{Verdict: b.Verdict, Reason: WithNotes(b.Reason, st.Notes)}
	}
	return method(in)
}

// lasting is the decision for a CA present only until the next reload: a
// method that makes it last, when the operator's choice gives one that
// cannot end in the same place (auto's choice must have no fallback).
func lasting(in Input) (Decision, bool) {
	m := in.Prefs.Method
	if in.Prefs.Auto() {
		m = in.Spec.AutoMethod(in.Prefs)
	}
	md, ok := in.Spec.Method(m)
	if !ok || !md.Persistent || (in.Prefs.Auto() && md.Fallback != "") {
		return Decision{}, false
	}
	d := method(in)
	d.Reason = WithNotes(d.Reason, []string{in.CA.CommonName() + " is there only until the next reload" + where(in.State.Trust.CA) + ": import it where it lasts"})
	return d, d.Verdict == record.Remediate
}

// method decides the import method: import_method, or the platform's auto
// choice, with its fallback and worst-case persistence.
func method(in Input) Decision {
	f, st := in.Facts, in.State
	m := in.Prefs.Method
	auto := in.Prefs.Auto()
	if auto {
		m = in.Spec.AutoMethod(in.Prefs)
	}
	md, ok := in.Spec.Method(m)
	if !ok {
		return Decision{Verdict: record.Unsupported, Reason: fmt.Sprintf("%s does not support the %s method (it supports %s)", f.Platform, m, strings.Join(in.Spec.MethodNames(), ", "))}
	}
	if m == record.MethodFile {
		switch {
		case in.Prefs.BundleFile == "":
			return Decision{Verdict: record.Error, Method: m, Reason: "the file method needs bundle_file"}
		case st.BundlePresent != nil && !*st.BundlePresent:
			return Decision{Verdict: record.Error, Method: m, Reason: "bundle " + in.Prefs.BundleFile + " is not on the device; copy it there first"}
		}
	}
	d := Decision{Verdict: record.Remediate, Method: m, Persistent: record.Bool(md.Persistent), Reason: WithNotes(reason(md, in.Prefs, auto), st.Notes)}
	if fb, ok := in.Spec.Method(md.Fallback); auto && ok {
		d.Fallback = fb.Name
		d.Persistent = record.Bool(md.Persistent && fb.Persistent)
	}
	return d
}

func appliance(in Input) Decision {
	a := in.Advisory
	switch {
	case in.Facts.Version == "":
		return Decision{Verdict: record.Error, Reason: "no version: set version: for this device in the inventory"}
	case a == nil:
		return Decision{Verdict: record.Error, Reason: "the release could not be compared with the field notice"}
	case a.Affected:
		return Decision{Verdict: record.UpgradeRequired, Reason: "no CLI import on " + in.Facts.Platform + ": upgrade to " + a.Fixed + " (" + a.Notice + ")"}
	}
	return Decision{Verdict: record.Compliant, Reason: or(a.Note, "release not affected by "+a.Notice)}
}

// reason says what the method does, with what the platform's data says
// about it (a fallback under auto, a note).
func reason(md platform.Method, p platform.Prefs, auto bool) string {
	r := action(md, p)
	if auto {
		r += " (import_method auto)"
		if md.Fallback != "" && md.FallbackNote != "" {
			r += "; " + md.FallbackNote
		}
	}
	if md.Note != "" {
		r += "; " + md.Note
	}
	return r
}

// action is what a method does, in a few words.
func action(md platform.Method, p platform.Prefs) string {
	switch md.Name {
	case record.MethodTerminal:
		return "paste the certificate at the terminal"
	case record.MethodURL:
		return "trustpool import from " + p.BundleURL + " (the device needs DNS and HTTP access to it)"
	case record.MethodFile:
		return "trustpool import from " + p.BundleFile
	}
	return string(md.Name)
}

// Applied is the reason of a device once a method ran: what was done,
// named by the method actually used, with the fallback taken (if any), a
// pointer to the follow-up when the method does not survive a reload, and
// the detection notes.
func Applied(md platform.Method, p platform.Prefs, fallback string, notes []string) string {
	r := action(md, p)
	if fallback != "" {
		r += " (" + fallback + ")"
	}
	if !md.Persistent {
		r += "; lost on the next reload: see follow_up"
	}
	return WithNotes(r, notes)
}

// WithNotes appends notes to a reason, each once: a note the reason already
// gives (FIPS refusing a SHA-1 CA) is not repeated.
func WithNotes(reason string, notes []string) string {
	for _, n := range notes {
		switch {
		case strings.Contains(reason, n):
		case reason == "":
			reason = n
		default:
			reason += "; " + n
		}
	}
	return reason
}

func where(c *detect.Cert) string {
	if c == nil || c.Store == "" {
		return ""
	}
	return " (" + c.Store + ")"
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
