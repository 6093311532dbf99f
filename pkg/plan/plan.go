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
	Verdict    record.Verdict
	Method     record.Method
	Persistent *bool
	Reason     string
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
	if st.Trust.CAPresent {
		return Decision{Verdict: record.Compliant, Reason: in.CA.CommonName() + " is in the trust store" + where(st.Trust.CA)}
	}
	if len(st.Blockers) > 0 {
		b := st.Blockers[0]
		return Decision{Verdict: b.Verdict, Reason: WithNotes(b.Reason, st.Notes)}
	}
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
	return Decision{Verdict: record.Remediate, Method: m, Persistent: record.Bool(md.Persistent), Reason: WithNotes(reason(md, in.Prefs, auto), st.Notes)}
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
	var r string
	switch md.Name {
	case record.MethodTerminal:
		r = "paste the certificate at the terminal"
	case record.MethodURL:
		r = "trustpool import from " + p.BundleURL + " (the device needs DNS and HTTP access to it)"
	case record.MethodFile:
		r = "trustpool import from " + p.BundleFile
	}
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
