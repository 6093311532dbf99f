package devsim

import (
	"fmt"
	"strings"
)

// IOS XR trust-store listings.

// xrBlock is a certificate as XR prints it (seed 004).
func xrBlock(b *strings.Builder, c *x509Cert) {
	fmt.Fprintf(b, "  Serial Number  : %s\n", colonHex(serialHex(c)))
	fmt.Fprintf(b, "  Subject:\n        %s\n", strings.Join(dnLines(c.Subject, true), ","))
	fmt.Fprintf(b, "  Issued By      :\n        %s\n", strings.Join(dnLines(c.Issuer, true), ","))
	fmt.Fprintf(b, "  Validity Start : %s\n", c.NotBefore.UTC().Format("15:04:05 MST Mon Jan 2 2006"))
	fmt.Fprintf(b, "  Validity End   : %s\n", c.NotAfter.UTC().Format("15:04:05 MST Mon Jan 2 2006"))
	fmt.Fprintf(b, "  SHA1 Fingerprint:\n         %s\n", sha1Hex(c))
}

const xrRule = "==================================================\n"

// showTrustpool groups certificates under `Trustpool: <source>` headers
// [unverified layout]; terminal-authenticated ones appear under the
// Trustpool trustpoint.
func (x *iosxr) showTrustpool([]string) error {
	if x.worded(WordingAlt) {
		return x.showTrustpoolFlat()
	}
	var b strings.Builder
	x.dev.with(func(run, _ *config) {
		for _, src := range []string{"Built-In", "Downloaded"} {
			first := true
			for _, e := range run.pool {
				if e.source != src {
					continue
				}
				if first {
					fmt.Fprintf(&b, "\nTrustpool: %s\n%s", src, xrRule)
					first = false
				}
				b.WriteString("CA certificate \n")
				xrBlock(&b, e.cert)
				b.WriteString("\n")
			}
		}
		if tp := run.trustpoint("Trustpool"); tp != nil && len(tp.certs) > 0 {
			fmt.Fprintf(&b, "\nTrustpool: Trustpoint Trustpool\n%s", xrRule)
			for _, c := range tp.certs {
				b.WriteString("CA certificate \n")
				xrBlock(&b, c)
				b.WriteString("\n")
			}
		}
	})
	return x.show(b.String(), xeMore)
}

func (x *iosxr) showCertificates([]string) error {
	var b strings.Builder
	x.dev.with(func(run, _ *config) {
		for _, tp := range run.trustpoints {
			fmt.Fprintf(&b, "\nTrustpoint       : %s\n%s", tp.name, xrRule)
			for _, c := range tp.certs {
				b.WriteString("CA certificate \n")
				xrBlock(&b, c)
				b.WriteString("\n")
			}
		}
	})
	return x.show(b.String(), xeMore)
}

// showRunTrustpoints is `show running-config crypto ca trustpoint [name]`.
func (x *iosxr) showRunTrustpoints(only string) error {
	var b strings.Builder
	for tp := range x.dev.runningTrustpoints(only) {
		fmt.Fprintf(&b, "crypto ca trustpoint %s\n", tp.name)
		if tp.enrollTerminal {
			b.WriteString(" enrollment terminal\n")
		}
		if tp.crlConfigured {
			b.WriteString(" crl optional\n")
		}
		b.WriteString("!\n")
	}
	if b.Len() == 0 {
		b.WriteString("% No such configuration item(s)\n")
	}
	return x.show(b.String(), xeMore)
}
