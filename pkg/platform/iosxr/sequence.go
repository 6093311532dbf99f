package iosxr

import (
	"fmt"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Sequence describes what Apply sends for method m (see
// platform.Describer); TestSequenceIsWhatTheLabReceives holds the two
// equal. XR's imports are exec commands: nothing is saved afterwards.
func (Driver) Sequence(m record.Method, ca *cert.CA, p platform.Prefs) (platform.Sequence, error) {
	seq := platform.Sequence{Store: "trustpool", Lasting: "the trustpool is kept on disk"}
	switch m {
	case record.MethodURL:
		if p.BundleURL == "" {
			return seq, fmt.Errorf("%w: no bundle_url", platform.ErrNotSupported)
		}
		seq.Steps = []platform.Line{{Send: "crypto ca trustpool import url " + p.BundleURL}}
	case record.MethodFile:
		if p.BundleFile == "" {
			return seq, fmt.Errorf("%w: no bundle_file", platform.ErrNotSupported)
		}
		fs, name := splitBundle(p.BundleFile)
		seq.Steps = []platform.Line{
			{Send: "run cp /" + fs + "/" + name + " /tmp", Note: "the import reads local files from /tmp only (FN72290)"},
			{Send: "crypto ca trustpool import url /tmp/" + name},
			{Send: "run rm /tmp/" + name, Note: "always, even after a failed import"},
		}
	case record.MethodTerminal:
		seq.Store, seq.Lasting = "trustpoint Trustpool", ""
		seq.Steps = []platform.Line{
			{Send: "configure terminal", Note: "after reading show running-config crypto ca trustpoint Trustpool, to put it back on failure"},
			{Send: "crypto ca trustpoint Trustpool"},
			{Send: "enrollment terminal"},
			{Send: "enrollment url terminal", If: "if the device refuses enrollment terminal (the command reference's form)"},
			{Send: "commit"},
			{Send: "end"},
			{Send: "crypto ca authenticate Trustpool", Note: `waits for "End with a blank line or the word "quit" on a line by itself"`},
			platform.PasteCert(platform.PEMLines(ca), ca, "certificate with BEGIN/END lines"),
			{Send: "", Note: "an empty line ends the paste"},
			{Send: "yes", Answers: "Do you accept this certificate? [yes/no]:",
				If: "if the device shows SHA-1 fingerprint " + ca.SHA1() + " (else: no, and the trustpoint is put back)"},
		}
	default:
		return seq, fmt.Errorf("%w: IOS XR method %q", platform.ErrNotSupported, m)
	}
	return seq, nil
}

// Backout: the terminal method's certificate goes with the Trustpool
// trustpoint's enrollment (and with a reload); the trustpool methods have
// no per-certificate removal that trustfix can vouch for.
func (Driver) Backout(m record.Method, _ *cert.CA) platform.Backout {
	if m == record.MethodTerminal {
		return platform.Backout{
			Steps: []platform.Line{
				{Send: "configure terminal"},
				{Send: "crypto ca trustpoint Trustpool"},
				{Send: "no enrollment terminal", Note: "only if trustfix added it: the trustpoint keeps its trustpool settings (crl optional, vrf)"},
				{Send: "commit"},
				{Send: "end"},
			},
			Note: "The certificate authenticated at the terminal is also gone after the next reload (FN72290). " +
				"Where the Trustpool trustpoint did not exist before, `no crypto ca trustpoint Trustpool` removes it with its certificate.",
		}
	}
	return platform.Backout{
		Note: "The IOS XR trustpool keeps the bundle's certificates; no public Cisco source shows a command that removes one of them, " +
			"so there is no backout trustfix can vouch for. An extra trusted root changes nothing else on the router.",
	}
}
