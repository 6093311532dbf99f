package asa

import (
	"fmt"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Sequence describes what Apply and Save send for method m (see
// platform.Describer); TestSequenceIsWhatTheLabReceives holds the two equal.
func (Driver) Sequence(m record.Method, ca *cert.CA, p platform.Prefs) (platform.Sequence, error) {
	seq := platform.Sequence{Lasting: "saved to the startup configuration by write memory"}
	switch m {
	case record.MethodURL:
		if p.BundleURL == "" {
			return seq, fmt.Errorf("%w: no bundle_url", platform.ErrNotSupported)
		}
		seq.Store = "trustpool"
		seq.Steps = []platform.Line{{Send: "crypto ca trustpool import url " + p.BundleURL,
			Note: `success is "Root file signature verified." and "failed: 0"`}}
	case record.MethodTerminal:
		name := ca.TrustpointName()
		seq.Store = "trustpoint " + name
		seq.Steps = append(configureSteps(),
			platform.Line{Send: "crypto ca trustpoint " + name},
			platform.Line{Send: "enrollment terminal"},
			platform.Line{Send: "crl configure"},

			platform.Line{Send: "exit"},
			platform.Line{Send: "exit"},
			platform.Line{Send: "crypto ca authenticate " + name, Note: `waits for "End with the word "quit" on a line by itself"`},
			platform.PasteCert(platform.PEMLines(ca), ca, "certificate with BEGIN/END lines"),
			platform.Line{Send: "quit", Note: "ends the paste"},
			platform.Line{Send: "yes", Answers: "Do you accept this certificate? [yes/no]:",
				If: "if the device shows MD5 fingerprint " + ca.ASAFingerprint() + " (else: no, and the trustpoint is removed)"},
			platform.Line{Send: "end", Note: `after "% Certificate successfully imported"`},
		)
	default:
		return seq, fmt.Errorf("%w: ASA method %q", platform.ErrNotSupported, m)
	}
	seq.Save = []platform.Line{{Send: "write memory", Note: "success is [OK]"}}
	return seq, nil
}

// configureSteps are what configure sends: the first-use question about
// anonymous error reporting is answered "ask later", which changes nothing.
func configureSteps() []platform.Line {
	return []platform.Line{
		{Send: "configure terminal"},
		{Send: "", If: "if the first read ends at the prompt: shows whether the error-reporting question is pending"},
		{Send: "A", Answers: "[Y]es, [N]o, [A]sk later:", If: "if asked (first use of configure terminal)"},
	}
}

// Backout removes the trustpoint the terminal method created, with its
// certificate; the url import's certificates stay in the trustpool.
func (Driver) Backout(m record.Method, ca *cert.CA) platform.Backout {
	if m == record.MethodTerminal {
		name := ca.TrustpointName()
		return platform.Backout{
			Steps: append(configureSteps(),
				platform.Line{Send: "no crypto ca trustpoint " + name, Note: "removes the trustpoint and the certificate it holds"},
				platform.Line{Send: "end"},
				platform.Line{Send: "write memory"},
			),
			Note:     "Removing an enrolled trustpoint may ask for confirmation on some releases; answer yes.",
			Verified: true,
		}
	}
	return platform.Backout{
		Steps: []platform.Line{{Send: "crypto ca trustpool remove " + ca.SHA1(), Note: "privileged EXEC; ASA command reference, crypto ca trustpool remove"}},
		Note: "The url import adds every certificate of the bundle; this removes only " + ca.CommonName() +
			" (by fingerprint). Not exercised in the lab.",
	}
}
