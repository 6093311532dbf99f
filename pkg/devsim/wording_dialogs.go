package devsim

import (
	"fmt"
	"strconv"
	"strings"
)

// The behaviour of the wording variants (wording.go): questions, summaries
// and listing layouts that differ from the default. Each platform file
// calls in here at one point per variant, so the default paths read as
// they always did.

// --- IOS XE -------------------------------------------------------------

// fetchError is what a url import prints when it cannot read its source:
// the default is errText; alt answers a remote url with a DNS failure.
func (x *iosxe) fetchError(u, errText string) string {
	if !x.worded(WordingAlt) {
		return errText + "\n"
	}
	if urlIsRemote(u) {
		return "Translating \"" + urlHost(u) + "\"...domain server (255.255.255.255)\n" +
			"%Error opening " + u + " (Bad IP address or host name)\n"
	}
	return "%Error opening " + u + " (File not found)\n"
}

// loading is what a url import prints while it reads the bundle; alt adds
// the progress marks and byte count of an IOS copy.
func (x *iosxe) loading(u string) string {
	if !x.worded(WordingAlt) {
		return "Loading " + u + "\n"
	}
	return "Loading " + u + " !!!\n[OK - " + strconv.Itoa(bundleSize(basename(u))) + "/4096 bytes]\n"
}

// nvramConfirm is the confirm variant's question before a save, as IOS
// asks when startup-config was written by another image. Enter or y
// saves; anything else, or ^C, leaves startup-config as it was.
func (x *iosxe) nvramConfirm() (save bool, err error) {
	if !x.worded(WordingConfirm) {
		return true, nil
	}
	x.write("Warning: Attempting to overwrite an NVRAM configuration previously written\n" +
		"by a different version of the system image.\n")
	ans, ok, err := x.ask("Overwrite the previous NVRAM configuration?[confirm]")
	if err != nil || !ok {
		return false, err
	}
	return ans == "" || ans == "y" || ans == "yes", nil
}

// urlHost is the host part of scheme://host[:port]/path.
func urlHost(u string) string {
	rest := u[strings.Index(u, "://")+3:]
	if i := strings.IndexAny(rest, ":/"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// --- IOS XR -------------------------------------------------------------

// importQuestion is what the confirm and unexpected variants ask before a
// url import adds anything. proceed false: nothing is imported; clean:
// drop the downloaded certificates first.
func (x *iosxr) importQuestion(n int) (proceed, clean bool, err error) {
	switch {
	case x.worded(WordingConfirm):
		return x.importDialog(fmt.Sprintf("Add the %d CA certificates of the bundle to the trustpool? [yes/no]: ", n),
			"% Trustpool import cancelled\n", x.say(xrYesOrNo))
	case x.worded(WordingUnexpected):
		return x.importDialog("Remove the downloaded certificates from the trustpool before the import? [yes/no]: ",
			"", x.say(xrYesOrNo))
	}
	return true, false, nil
}

// importDialog asks q until the answer is yes or no; ^C aborts. With the
// confirm variant no cancels (printing cancelled); with the unexpected
// variant yes also cleans first and no imports all the same. reask is
// printed before asking again.
func (b *base) importDialog(q, cancelled, reask string) (proceed, clean bool, err error) {
	unexpected := b.worded(WordingUnexpected)
	for {
		ans, ok, err := b.ask(q)
		if err != nil || !ok {
			return false, false, err
		}
		switch ans {
		case "yes", "y":
			return true, unexpected, nil
		case "no", "n":
			if !unexpected {
				b.write(cancelled)
			}
			return unexpected, false, nil
		}
		b.write(reask)
	}
}

// importSummary is what a successful url import prints: nothing by
// default, a count in the alt wording.
func (x *iosxr) importSummary(n, added int) string {
	if !x.worded(WordingAlt) {
		return ""
	}
	return fmt.Sprintf("%% Trustpool import: %d certificates in the bundle, %d added, %d already present\n", n, added, n-added)
}

// accepted is what `crypto ca authenticate` prints after yes: nothing by
// default, a confirmation in the alt wording.
func (x *iosxr) accepted(name string) string {
	if !x.worded(WordingAlt) {
		return ""
	}
	return "% CA certificate accepted for trustpoint " + name + "\n"
}

// showTrustpoolFlat is the alt layout of `show crypto ca trustpool`: no
// group headers or rules, a numbered heading and the source per block.
func (x *iosxr) showTrustpoolFlat() error {
	var b strings.Builder
	i := 0
	block := func(c *x509Cert, src string) {
		i++
		fmt.Fprintf(&b, "CA Certificate %d:\n", i)
		xrBlock(&b, c)
		fmt.Fprintf(&b, "  Source         : %s\n\n", src)
	}
	x.dev.with(func(run, _ *config) {
		for _, e := range run.pool {
			block(e.cert, e.source)
		}
		if tp := run.trustpoint("Trustpool"); tp != nil {
			for _, c := range tp.certs {
				block(c, "Trustpoint Trustpool")
			}
		}
	})
	return x.show(b.String(), xeMore)
}

// --- ASA ----------------------------------------------------------------

// refuseReauth is the alt wording's answer to `crypto ca authenticate` on
// a trustpoint that already holds a CA certificate: refused, unchanged.
// The default asks for the certificate and replaces it.
func (a *asa) refuseReauth(tp *trustpoint) bool {
	if !a.worded(WordingAlt) || len(tp.certs) == 0 {
		return false
	}
	a.write("ERROR: A CA certificate is already installed for trustpoint " + tp.name + ".\n" +
		"Remove the trustpoint to authenticate it again.\n")
	return true
}

// importQuestion is what the confirm and unexpected variants ask before
// a url import installs anything. proceed false: nothing is imported;
// clean: remove every trustpool certificate first.
func (a *asa) importQuestion(u string) (proceed, clean bool, err error) {
	switch {
	case a.worded(WordingConfirm):
		a.write(fmt.Sprintf("You are about to update the current trusted certificate pool\nwith the %d byte file at %s\n",
			bundleSize(basename(u)), u))
		return a.importDialog("Do you want to continue? (y/n) ", "Trustpool import cancelled.\n", "")
	case a.worded(WordingUnexpected):
		var n int
		a.dev.with(func(run, _ *config) { n = len(run.pool) })
		a.write(fmt.Sprintf("WARNING: The trustpool holds %d certificates.\n", n))
		return a.importDialog("Remove them before the import? [yes/no]: ", "", "")
	}
	return true, false, nil
}

// poolCounts are the counters an ASA trustpool import prints.
type poolCounts struct{ attempted, installed, duplicates, expired, failed int }

// installPool adds the bundle to the running trustpool. The partial
// variant counts the bundle's first root as expired and refuses SHA-1
// roots as a FIPS device does; neither is installed.
func (a *asa) installPool(certs []*x509Cert, clean bool) poolCounts {
	n := poolCounts{attempted: len(certs)}
	partial := a.worded(WordingPartial)
	a.dev.with(func(run, _ *config) {
		if clean {
			run.pool = nil
		}
		for i, c := range certs {
			switch {
			case partial && i == 0:
				n.expired++
			case partial && sha1Signed(c):
				n.failed++
			case run.addPool(c, "Downloaded"):
				n.installed++
			default:
				n.duplicates++
			}
		}
	})
	return n
}

// poolSummary prints the counters: indented after the signature line by
// default, bare and without that line in the alt wording.
func (a *asa) poolSummary(n poolCounts) string {
	if a.worded(WordingAlt) {
		return fmt.Sprintf("Trustpool import:\nattempted: %d\ninstalled: %d\nduplicates: %d\nexpired: %d\nfailed: %d\n",
			n.attempted, n.installed, n.duplicates, n.expired, n.failed)
	}
	return fmt.Sprintf("Root file signature verified.\nTrustpool import:\n   attempted:  %d\n   installed:  %d\n   duplicates: %d\n   expired:    %d\n   failed:     %d\n",
		n.attempted, n.installed, n.duplicates, n.expired, n.failed)
}

// showTrustpoolCounted is the alt layout of `show crypto ca trustpool`: a
// count first, each DN on its label line, the MD5 fingerprint, no
// storage or trustpoint lines.
func (a *asa) showTrustpoolCounted() error {
	var b strings.Builder
	a.dev.with(func(run, _ *config) {
		fmt.Fprintf(&b, "%d trustpool certificates installed\n\n", len(run.pool))
		for _, e := range run.pool {
			c := e.cert
			b.WriteString("CA Certificate\n  Status: Available\n")
			fmt.Fprintf(&b, "  Certificate Serial Number: %s\n  Certificate Usage: Signature\n", strings.ToLower(serialHex(c)))
			fmt.Fprintf(&b, "  Subject Name: %s\n", strings.Join(dnLines(c.Subject, false), ","))
			fmt.Fprintf(&b, "  Issuer Name: %s\n", strings.Join(dnLines(c.Issuer, false), ","))
			fmt.Fprintf(&b, "  Fingerprint: %s\n  Validity Date: \n", md5Groups(c))
			fmt.Fprintf(&b, "    start date: %s\n", c.NotBefore.UTC().Format("15:04:05 MST Jan 2 2006"))
			fmt.Fprintf(&b, "    end   date: %s\n\n", c.NotAfter.UTC().Format("15:04:05 MST Jan 2 2006"))
		}
	})
	return a.show(b.String(), asaMore)
}

// --- FXOS ---------------------------------------------------------------

// shown is what `show trustpoint` lists: every committed trustpoint, or
// only the current one inside `scope trustpoint NAME`.
func (f *fxos) shown(run *config) []*trustpoint {
	if len(f.scope) < 2 {
		return run.trustpoints
	}
	if tp := run.trustpoint(f.tpName); tp != nil {
		return []*trustpoint{tp}
	}
	return nil
}

// tpStatus is the status word of a trustpoint's chain.
func tpStatus(tp *trustpoint) string {
	if len(tp.certs) == 0 {
		return "Empty"
	}
	return "Valid"
}

// showTrustpointSummary is the detail-only variant's `show trustpoint`:
// names and status, no certificates.
func (f *fxos) showTrustpointSummary() error {
	var b strings.Builder
	b.WriteString("\nTrustpoint Name                  Cert Status\n-------------------------------- -----------\n")
	f.dev.with(func(run, _ *config) {
		for _, tp := range f.shown(run) {
			fmt.Fprintf(&b, "%-32s %s\n", tp.name, tpStatus(tp))
		}
	})
	return f.show(b.String(), fxosMore)
}

// showTrustpointsRelabelled is the alt wording's listing: other labels,
// the first PEM line on the label line, the body unindented.
func (f *fxos) showTrustpointsRelabelled() error {
	var b strings.Builder
	f.dev.with(func(run, _ *config) {
		for _, tp := range f.shown(run) {
			fmt.Fprintf(&b, "\nTrustpoint: %s\n    Certificate Chain:", tp.name)
			for _, c := range tp.certs {
				b.WriteString(" " + strings.Join(pemLines(c), "\n") + "\n")
			}
			if len(tp.certs) == 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "    Status: %s\n", tpStatus(tp))
		}
	})
	return f.show(b.String(), fxosMore)
}
