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
	Driver   platform.Driver // nil for a platform trustfix has no driver for
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
// upgrade-only appliances, a CA already present, modes that rule a method
// out, then the method (import_method, or the platform's auto choice).
func Decide(in Input) Decision {
	f := in.Facts
	if !f.Supported {
		return Decision{Verdict: record.Unsupported, Reason: or(f.Reason, f.Platform+" is not covered")}
	}
	if in.Driver == nil {
		return Decision{Verdict: record.Unsupported, Reason: "no trustfix driver for platform " + f.Platform}
	}
	if !in.Driver.CLI() {
		return appliance(in)
	}
	if in.State == nil {
		return Decision{Verdict: record.Error, Reason: "the trust store was not read"}
	}
	st := in.State
	if st.Trust.CAPresent {
		return Decision{Verdict: record.Compliant, Reason: in.CA.CommonName() + " is in the trust store" + where(st.Trust.CA)}
	}
	if st.MultiContext {
		return Decision{Verdict: record.Unsupported, Reason: "ASA in multiple-context mode: trustpool import is not supported there and the trustpoint method is unverified; fix it by hand in the system context"}
	}
	if st.FIPS && in.CA.SHA1Signed() {
		return Decision{Verdict: record.Unsupported, Reason: "FIPS mode refuses SHA-1-signed CA certificates (" + in.CA.CommonName() + " is one)"}
	}
	if st.Conflict != "" {
		return Decision{Verdict: record.Error, Reason: st.Conflict}
	}
	m := in.Prefs.Method
	auto := m == "" || m == record.MethodAuto
	if auto {
		m = in.Driver.Auto(in.Prefs)
	}
	if !platform.Supports(in.Driver, m) {
		return Decision{Verdict: record.Unsupported, Reason: fmt.Sprintf("%s does not support the %s method (it supports %s)", f.Platform, m, methods(in.Driver))}
	}
	if m == record.MethodFile {
		switch {
		case in.Prefs.BundleFile == "":
			return Decision{Verdict: record.Error, Method: m, Reason: "the file method needs bundle_file"}
		case st.BundlePresent != nil && !*st.BundlePresent:
			return Decision{Verdict: record.Error, Method: m, Reason: "bundle " + in.Prefs.BundleFile + " is not on the device; copy it there first"}
		}
	}
	d := Decision{Verdict: record.Remediate, Method: m, Persistent: record.Bool(in.Driver.Persistent(m)), Reason: reason(f.Platform, m, in.Prefs, auto)}
	if st.FIPS {
		d.Reason += "; FIPS mode is on (" + in.CA.CommonName() + " is SHA-256 signed, so it is accepted)"
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

func reason(platformID string, m record.Method, p platform.Prefs, auto bool) string {
	var r string
	switch m {
	case record.MethodTerminal:
		r = "paste the certificate at the terminal"
	case record.MethodURL:
		r = "trustpool import from " + p.BundleURL + " (the device needs DNS and HTTP access to it)"
	case record.MethodFile:
		r = "trustpool import from " + p.BundleFile
	}
	if auto {
		r += " (import_method auto)"
		if platformID == "iosxr" && m == record.MethodURL {
			r += "; if the device cannot fetch it, falls back to terminal, which does not survive a reload"
		}
	}
	if platformID == "iosxr" && m == record.MethodTerminal {
		r += "; lost on reload (seed 004): stage a bundle and use file for a lasting fix"
	}
	return r
}

func where(c *detect.Cert) string {
	if c == nil || c.Store == "" {
		return ""
	}
	return " (" + c.Store + ")"
}

func methods(d platform.Driver) string {
	var s []string
	for _, m := range d.Methods() {
		s = append(s, string(m))
	}
	return strings.Join(s, ", ")
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
