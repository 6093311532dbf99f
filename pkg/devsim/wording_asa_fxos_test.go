package devsim

import (
	"slices"
	"strings"
	"testing"
)

// The wording variants of ASA and FXOS, screen by screen through a real
// SSH client.

// asaSummary is the default layout of the trustpool import counters.
func asaSummary(attempted, installed, dups, expired, failed string) string {
	return "Root file signature verified.\nTrustpool import:\n   attempted:  " + attempted + "\n   installed:  " + installed +
		"\n   duplicates: " + dups + "\n   expired:    " + expired + "\n   failed:     " + failed + "\n"
}

func TestASAWordingAlt(t *testing.T) {
	const h = "asa-edge-1"
	d := one(t, h, worded(WordingAlt, Faults{NoInternet: true, ErrorReportingPrompt: true}),
		func(sp *Spec) { sp.Files = []string{"disk0:ios_core.p7b"} })
	c := dial(t, d)
	c.expect(h + "> ")
	c.cmd("enable", "Password: ")
	c.cmd("bad-1", "Password: ")
	c.cmd("bad-2", "Password: ")
	if got := c.cmd("bad-3", h+"> "); got != "*****\nInvalid password\nERROR: Too many failed attempts\n"+h+"> " {
		t.Fatalf("third failure: %q", got)
	}
	c.cmd("enable", "Password: ")
	c.cmd(labEnable, h+"# ")
	fxosSteps(t, c, [][2]string{
		{"terminal pager 0", h + "# "},
		{"crypto ca trustpool import url " + bundleURL, "%Error opening " + bundleURL + " (Connection timed out)\nTrustpool import failed.\n" + h + "# "},
		{"crypto ca trustpool import url disk0:ios_core.p7b", "Trustpool import:\nattempted: 10\ninstalled: 10\nduplicates: 0\nexpired: 0\nfailed: 0\n" + h + "# "},
	})
	got := c.cmd("show crypto ca trustpool", h+"# ")
	idBlock := "CA Certificate\n  Status: Available\n  Certificate Serial Number: 0a0142800000014523c844b500000002\n" +
		"  Certificate Usage: Signature\n  Subject Name: cn=IdenTrust Commercial Root CA 1,o=IdenTrust,c=US\n" +
		"  Issuer Name: cn=IdenTrust Commercial Root CA 1,o=IdenTrust,c=US\n" +
		"  Fingerprint: b33e7773 75eea0d3 e37e4963 4959bbc7\n  Validity Date: \n" +
		"    start date: 18:12:23 UTC Jan 16 2014\n    end   date: 18:12:23 UTC Jan 16 2034\n\n"
	if !strings.HasPrefix(got, "show crypto ca trustpool\n10 trustpool certificates installed\n\nCA Certificate\n") ||
		!strings.HasSuffix(got, idBlock+h+"# ") || strings.Contains(got, "Associated Trustpoints") {
		t.Fatalf("trustpool listing:\n%s", got)
	}
	c.send("configure terminal")
	c.expect("[A]sk later: ")
	pem := pemOf(t, "identrust-commercial-root-ca-1.pem")
	paste := func() string {
		for _, l := range pem {
			c.send(l)
		}
		c.send("quit")
		return c.expect("[yes/no]: ")
	}
	fxosSteps(t, c, [][2]string{
		{"A", "\nYou will be asked again the next time you enter configuration mode.\n" + h + "(config)# "},
		{"crypto ca authenticate Missing", "ERROR: Missing: no such trustpoint\n" + h + "(config)# "},
		{"crypto ca trustpoint TP", h + "(config-ca-trustpoint)# "},
		{"exit", h + "(config)# "},
		{"crypto ca authenticate TP", "ERROR: The enrollment method of trustpoint TP is not terminal\n" + h + "(config)# "},
		{"crypto ca trustpoint TP", h + "(config-ca-trustpoint)# "},
		{"enrollment terminal", h + "(config-ca-trustpoint)# "},
		{"crypto ca authenticate TP", "Enter the base 64 encoded CA certificate.\nEnd with the word \"quit\" on a line by itself\n"},
	})
	paste()
	fxosSteps(t, c, [][2]string{
		{"no", "\nTrustpoint CA certificate not accepted.\n" + h + "(config)# "},
		{"crypto ca authenticate TP", "Enter the base 64 encoded CA certificate.\nEnd with the word \"quit\" on a line by itself\n"},
	})
	paste()
	c.cmd("yes", h+"(config)# ")
	fxosSteps(t, c, [][2]string{
		{"crypto ca authenticate TP", "ERROR: A CA certificate is already installed for trustpoint TP.\n" +
			"Remove the trustpoint to authenticate it again.\n" + h + "(config)# "},
		{"write memory", "Building configuration...\nCryptochecksum: 3c845d0f b6b8839a f9e43be0 33feb4ef \n\n" +
			"3270 bytes copied in 0.210 secs (3270 bytes/sec)\n[OK]\n" + h + "(config)# "},
	})
	if st := d.State(); st.Unsaved || !slices.ContainsFunc(st.SavedStore, func(ci CertInfo) bool { return ci.Store == "TP" && ci.SHA1 == identrustSHA1 }) {
		t.Fatal("the trustpoint's CA must be saved")
	}
}

// The confirm variant: `Do you want to continue? (y/n)` first; n cancels,
// other answers ask again, y imports.
func TestASAWordingConfirm(t *testing.T) {
	const h = "asa-edge-1"
	d := one(t, h, worded(WordingConfirm, Faults{}))
	c := asaLogin(t, d)
	const q = "Do you want to continue? (y/n) "
	fxosSteps(t, c, [][2]string{
		{"crypto ca trustpool import url " + bundleURL, "You are about to update the current trusted certificate pool\n" +
			"with the 15482 byte file at " + bundleURL + "\n" + q},
		{"maybe", q},
		{"n", "Trustpool import cancelled.\n" + h + "# "},
	})
	if Has(d.State().TrustStore, identrustSHA1) {
		t.Fatal("cancelled: nothing installed")
	}
	c.cmd("crypto ca trustpool import url "+bundleURL, q)
	fxosSteps(t, c, [][2]string{{"y", asaSummary("10", "10", "0", "0", "0") + h + "# "}})
	if !Has(d.State().TrustStore, identrustSHA1) {
		t.Fatal("y: IdenTrust installed")
	}
}

// The partial variant: IdenTrust lands although the counters report an
// expired and a failed certificate.
func TestASAWordingPartial(t *testing.T) {
	const h = "asa-edge-1"
	d := one(t, h, worded(WordingPartial, Faults{}))
	c := asaLogin(t, d)
	fxosSteps(t, c, [][2]string{{"crypto ca trustpool import url " + bundleURL, asaSummary("10", "8", "0", "1", "1") + h + "# "}})
	var pooled []string
	for _, ci := range d.State().TrustStore {
		if ci.Store == "trustpool" {
			pooled = append(pooled, ci.SHA1)
		}
	}
	if len(pooled) != 8 || !slices.Contains(pooled, identrustSHA1) || slices.Contains(pooled, quovadisSHA1) {
		t.Fatalf("trustpool: %d certificates, IdenTrust %v, QuoVadis %v", len(pooled),
			slices.Contains(pooled, identrustSHA1), slices.Contains(pooled, quovadisSHA1))
	}
}

// The unexpected variant: yes empties the trustpool first, no imports,
// ^C changes nothing.
func TestASAWordingUnexpected(t *testing.T) {
	const h = "asa-edge-1"
	d := one(t, h, worded(WordingUnexpected, Faults{}), func(sp *Spec) { sp.Files = []string{"disk0:ios.p7b", "disk0:ios_core.p7b"} })
	before := d.State().TrustStore
	c := asaLogin(t, d)
	const q = "Remove them before the import? [yes/no]: "
	c.cmd("crypto ca trustpool import url disk0:ios.p7b", "WARNING: The trustpool holds 0 certificates.\n"+q)
	if got := c.cmd("\x03", h+"# "); got != "^C\n"+h+"# " {
		t.Fatalf("^C: %q", got)
	}
	if !slices.Equal(d.State().TrustStore, before) {
		t.Fatal("^C: nothing changes")
	}
	c.cmd("crypto ca trustpool import url disk0:ios.p7b", q)
	fxosSteps(t, c, [][2]string{{"no", asaSummary("55", "55", "0", "0", "0") + h + "# "}})
	fxosSteps(t, c, [][2]string{
		{"crypto ca trustpool import url disk0:ios_core.p7b", "WARNING: The trustpool holds 55 certificates.\n" + q},
		{"yes", asaSummary("10", "10", "0", "0", "0") + h + "# "},
	})
	if got := len(d.State().TrustStore); got != len(before)+10 {
		t.Fatalf("yes: the trustpool is emptied first: %d certificates, want %d", got, len(before)+10)
	}
}

func TestFXOSWordingAlt(t *testing.T) {
	const h = "fp4120-a"
	d := one(t, h, worded(WordingAlt, Faults{}))
	c := dial(t, d)
	c.expect(h + "# ")
	qv := pemOf(t, "quovadis-root-ca-2.pem")
	fxosSteps(t, c, [][2]string{
		{"terminal length 0", h + "# "},
		{"scope security", h + " /security # "},
		{"show trustpoint", "\nTrustpoint: QuoVadisRootCA2\n    Certificate Chain: " + strings.Join(qv, "\n") +
			"\n    Status: Valid\n" + h + " /security # "},
		{"create trustpoint QuoVadisRootCA2", "Error: create failed: trustpoint QuoVadisRootCA2 exists\n" + h + " /security # "},
		{"scope trustpoint Nope", "Error: managed object does not exist\n" + h + " /security # "},
		{"create trustpoint Empty", h + " /security/trustpoint* # "},
		{"commit-buffer", "Error: update failed\n" + h + " /security/trustpoint* # "},
		{"discard-buffer", h + " /security/trustpoint # "},
		{"up", h + " /security # "},
		{"create trustpoint Bad", h + " /security/trustpoint* # "},
		{"set certchain", setCertchain},
	})
	certchain(t, c, corruptMiddle(pemOf(t, "identrust-commercial-root-ca-1.pem")), h+" /security/trustpoint* # ")
	fxosSteps(t, c, [][2]string{
		{"commit-buffer", "Error: update failed\n" + h + " /security/trustpoint* # "},
		{"discard-buffer", h + " /security/trustpoint # "},
	})
	if st := d.State(); len(st.Trustpoints) != 1 {
		t.Fatalf("failed commits change nothing: %v", st.Trustpoints)
	}
}

// The detail-only variant: `show trustpoint` has names and status only;
// the detail forms carry the chains in the default layout.
func TestFXOSWordingDetailOnly(t *testing.T) {
	const h = "fp9300-b"
	d := one(t, h, worded(WordingDetailOnly, Faults{TrustpointExists: &ExistingTrustpoint{Name: "Spare"}}))
	c := dial(t, d)
	c.expect(h + "# ")
	qv := pemOf(t, "quovadis-root-ca-2.pem")
	block := "\nTrustpoint Name: QuoVadisRootCA2\n    Trustpoint certificate chain:\n        " +
		strings.Join(qv, "\n        ") + "\n    Cert Status: Valid\n"
	fxosSteps(t, c, [][2]string{
		{"terminal length 0", h + "# "},
		{"scope security", h + " /security # "},
		{"show trustpoint", "\nTrustpoint Name                  Cert Status\n-------------------------------- -----------\n" +
			"QuoVadisRootCA2                  Valid\nSpare                            Empty\n" + h + " /security # "},
		{"show trustpoint detail", block + "\nTrustpoint Name: Spare\n    Trustpoint certificate chain:\n    Cert Status: Empty\n" + h + " /security # "},
		{"scope trustpoint QuoVadisRootCA2", h + " /security/trustpoint # "},
		{"show detail", block + h + " /security/trustpoint # "},
		{"top", h + "# "},
	})
}
