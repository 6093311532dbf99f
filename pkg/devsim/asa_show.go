package devsim

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// ASA trust-store listings.

// asaBlock is one certificate in `show crypto ca certificates` (reference §3.3).
func asaBlock(b *strings.Builder, c *x509Cert, tp string) {
	b.WriteString("CA Certificate\n  Status: Available\n")
	fmt.Fprintf(b, "  Certificate Serial Number: %s\n", strings.ToLower(serialHex(c)))
	b.WriteString("  Certificate Usage: Signature\n")
	fmt.Fprintf(b, "  Public Key Type: %s\n  Signature Algorithm: %s\n  Issuer Name: \n", keyDesc(c), sigDesc(c))
	for _, l := range dnLines(c.Issuer, false) {
		fmt.Fprintf(b, "    %s\n", l)
	}
	b.WriteString("  Subject Name: \n")
	for _, l := range dnLines(c.Subject, false) {
		fmt.Fprintf(b, "    %s\n", l)
	}
	b.WriteString("  Validity Date: \n")
	fmt.Fprintf(b, "    start date: %s\n", c.NotBefore.UTC().Format("15:04:05 MST Jan 2 2006"))
	fmt.Fprintf(b, "    end   date: %s\n", c.NotAfter.UTC().Format("15:04:05 MST Jan 2 2006"))
	b.WriteString("  Storage: config\n")
	fmt.Fprintf(b, "  Associated Trustpoints: %s \n\n", tp)
}

func (a *asa) showCerts(only string) error {
	var b strings.Builder
	for tp := range a.dev.runningTrustpoints(only) {
		for _, c := range tp.certs {
			asaBlock(&b, c, tp.name)
		}
	}
	return a.show(b.String(), asaMore)
}

// showTrustpool uses the certificate layout [unverified for the trustpool].
func (a *asa) showTrustpool([]string) error {
	if a.worded(WordingAlt) {
		return a.showTrustpoolCounted()
	}
	var b strings.Builder
	a.dev.with(func(run, _ *config) {
		for _, e := range run.pool {
			asaBlock(&b, e.cert, "")
		}
	})
	return a.show(b.String(), asaMore)
}

// showRunCerts prints each chain with the DER in hex, 8 groups of 4 bytes a
// line (ASAv 9.20 running-config layout).
func (a *asa) showRunCerts([]string) error {
	var b strings.Builder
	a.dev.with(func(run, _ *config) {
		for _, tp := range run.trustpoints {
			if len(tp.certs) == 0 {
				continue
			}
			fmt.Fprintf(&b, "crypto ca certificate chain %s\n", tp.name)
			for _, c := range tp.certs {
				fmt.Fprintf(&b, "  certificate ca %s\n", strings.ToLower(serialHex(c)))
				h := hex.EncodeToString(c.Raw)
				for i := 0; i < len(h); i += 64 {
					line := h[i:min(i+64, len(h))]
					var groups []string
					for j := 0; j < len(line); j += 8 {
						groups = append(groups, line[j:min(j+8, len(line))])
					}
					b.WriteString("    " + strings.Join(groups, " ") + "\n")
				}
				b.WriteString("  quit\n")
			}
		}
	})
	return a.show(b.String(), asaMore)
}

func (a *asa) showRunTrustpoints(only string) error {
	var b strings.Builder
	for tp := range a.dev.runningTrustpoints(only) {
		fmt.Fprintf(&b, "crypto ca trustpoint %s\n", tp.name)
		if tp.enrollTerminal {
			b.WriteString(" enrollment terminal\n")
		}
		b.WriteString(" no validation-usage\n crl configure\n")
	}
	return a.show(b.String(), asaMore)
}
