package iosxe

import (
	"fmt"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Sequence describes what Apply and Save send for method m (see
// platform.Describer); TestSequenceIsWhatTheLabReceives holds the two equal.
func (Driver) Sequence(m record.Method, ca *cert.CA, p platform.Prefs) (platform.Sequence, error) {
	seq := platform.Sequence{Store: "trustpool", Lasting: "saved to the startup configuration by write memory"}
	steps := []platform.Line{{Send: "configure terminal"}}
	switch m {
	case record.MethodTerminal:
		steps = append(steps,
			platform.Line{Send: "crypto pki trustpool import terminal", Note: `waits for "% End with a blank line or \"quit\" on a line by itself."`},
			platform.PasteCert(ca.Base64Lines(), ca, "certificate body without BEGIN/END lines"),
			platform.Line{Send: "", Note: "an empty line ends the paste; then the trustpool is read again: the listing decides"},
		)
	case record.MethodURL, record.MethodFile:
		src := p.BundleURL
		if m == record.MethodFile {
			src = p.BundleFile
		}
		if src == "" {
			return seq, fmt.Errorf("%w: no %s source configured", platform.ErrNotSupported, m)
		}
		steps = append(steps, platform.Line{Send: "crypto pki trustpool import url " + src, Note: "then the trustpool is read again: the listing decides"})
	default:
		return seq, fmt.Errorf("%w: IOS XE method %q", platform.ErrNotSupported, m)
	}
	seq.Steps = append(steps, platform.Line{Send: "end"})
	seq.Save = []platform.Line{
		{Send: "write memory", Note: "success is [OK]"},
		{Send: "", Answers: "Destination filename [startup-config]?", If: "if asked (IE3x00, FN72298)"},
		{Send: "", Answers: "Overwrite the previous NVRAM configuration?[confirm]", If: "if asked (startup-config written by another image)"},
	}
	return seq, nil
}

// Backout: the IOS XE trustpool has no command that removes one
// certificate (PKI Trustpool Management, PKI Configuration Guide); clean
// removes every downloaded one.
func (Driver) Backout(record.Method, *cert.CA) platform.Backout {
	return platform.Backout{
		Steps: []platform.Line{
			{Send: "configure terminal"},
			{Send: "crypto pki trustpool clean", Note: "removes every downloaded trustpool certificate, not only this one"},
			{Send: "end"},
			{Send: "write memory"},
		},
		Note: "The trustpool has no command that removes a single certificate (Cisco PKI Configuration Guide, PKI Trustpool Management). " +
			"`crypto pki trustpool clean` removes all downloaded certificates; re-import the bundle you rely on afterwards. " +
			"An extra trusted root changes nothing else on the device, so most change boards accept no backout.",
	}
}
