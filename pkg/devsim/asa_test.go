package devsim

import (
	"crypto/sha1"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// asaLogin logs in and enables; it returns at "host# ".
func asaLogin(t *testing.T, d *Device) *term {
	t.Helper()
	host := d.Spec().Hostname
	c := dial(t, d)
	c.expect("\n" + host + "> ")
	c.cmd("enable", "Password: ")
	c.cmd(labEnable, host+"# ")
	return c
}

// asaConfig enters config mode, answering the error-reporting question N
// when the device is due to ask it.
func asaConfig(t *testing.T, c *term, d *Device) {
	t.Helper()
	host := d.Spec().Hostname
	d.mu.Lock()
	asks := d.spec.Faults.ErrorReportingPrompt && !d.askedReport
	d.mu.Unlock()
	if !asks {
		c.cmd("configure terminal", host+"(config)# ")
		return
	}
	c.cmd("configure terminal", "[A]sk later: ")
	c.cmd("N", host+"(config)# ")
}

func TestASALoginAndEnable(t *testing.T) {
	d := one(t, "asa-edge-1")
	c := dial(t, d)
	if got := c.expect("asa-edge-1> "); got != "Type help or '?' for a list of available commands.\nasa-edge-1> " {
		t.Fatalf("login: %q", got)
	}
	steps := [][2]string{
		{"enable", "enable\nPassword: "},
		{"wrong", "*****\nInvalid password\nPassword: "}, // one '*' per typed character
		{labEnable, strings.Repeat("*", len(labEnable)) + "\nasa-edge-1# "},
		{"terminal pager 0", "terminal pager 0\nasa-edge-1# "},
		{"disable", "disable\nasa-edge-1> "},
		{"enable", "enable\nPassword: "},
		{"bad-1", "*****\nInvalid password\nPassword: "},
		{"bad-2", "*****\nInvalid password\nPassword: "},
		{"bad-3", "*****\nInvalid password\nAccess denied.\nasa-edge-1> "},
	}
	for _, s := range steps {
		end := s[1][strings.LastIndex(s[1], "\n")+1:]
		if got := c.cmd(s[0], end); got != s[1] {
			t.Fatalf("%q:\n got %q\nwant %q", s[0], got, s[1])
		}
	}
	c.send("exit")
	for _, l := range waitEnded(t, d).Lines {
		if l.Mode == "enable-password" && (!l.Hidden || l.Text != "********") {
			t.Fatalf("password recorded in the clear: %+v", l)
		}
	}
}

const asaNotice = "asa-edge-1(config)# \n\n***************************** NOTICE *****************************\n\n" +
	"Help to improve the ASA platform by enabling anonymous reporting,\n" +
	"which allows Cisco to securely receive minimal error and health\n" +
	"information from the device. To learn more about this feature,\n" +
	"please visit: http://www.cisco.com/go/smartcall\n\n" +
	"Would you like to enable anonymous error reporting to help improve\n" +
	"the product? [Y]es, [N]o, [A]sk later: "

// The first `configure terminal` prints the config prompt, then the
// notice and the question; A asks again next time, N never again.
func TestASAErrorReportingPrompt(t *testing.T) {
	d := one(t, "asa-edge-1")
	c := asaLogin(t, d)
	steps := [][2]string{
		{"configure terminal", "configure terminal\n" + asaNotice},
		{"A", "A\n\nasa-edge-1(config)# "},
		{"exit", "exit\nasa-edge-1# "},
		{"conf t", "conf t\n" + asaNotice},
		{"maybe", "maybe\nWould you like to enable anonymous error reporting to help improve\nthe product? [Y]es, [N]o, [A]sk later: "},
		{"N", "N\n\nIn the future, if you would like to enable this feature,\nissue the command \"call-home reporting anonymous\".\n\n" +
			"Please remember to save your configuration.\n\nasa-edge-1(config)# "},
		{"end", "end\nasa-edge-1# "},
		{"conf t", "conf t\nasa-edge-1(config)# "},
	}
	for _, s := range steps {
		end := s[1][strings.LastIndex(s[1], "\n")+1:]
		if got := c.cmd(s[0], end); got != s[1] {
			t.Fatalf("%q:\n got %q\nwant %q", s[0], got, s[1])
		}
	}
	if raw := c.rawOut(); !strings.Contains(raw, "improve\r\nthe product?") || regexp.MustCompile(`[^\r]\n`).MatchString(raw) {
		t.Fatal("every line must end in CRLF, dialog questions included")
	}
	c2 := asaLogin(t, d)
	if got := c2.cmd("configure terminal", "# "); got != "configure terminal\nasa-edge-1(config)# " {
		t.Fatalf("answered N: never asked again: %q", got)
	}

	y := asaLogin(t, one(t, "asa-edge-1"))
	y.cmd("configure terminal", "later: ")
	if got := y.cmd("Y", "(config)# "); got != "Y\n\nEnabling anonymous reporting.\n"+
		"Adding \"call-home reporting anonymous\" to running configuration...\n\n"+
		"Please remember to save your configuration.\n\nasa-edge-1(config)# " {
		t.Fatalf("Y: %q", got)
	}
}

// Seed 003's terminal method: trustpoint, enrollment terminal, crl
// configure, then `crypto ca authenticate` straight from (config-ca-crl).
// A FIPS device refuses SHA-1-signed QuoVadis and accepts IdenTrust.
func TestASATrustpointAuthenticate(t *testing.T) {
	accepted := "\nWARNING: CA certificates can be used to validate VPN connections,\n" +
		"by default.  Please adjust the validation-usage of this\n" +
		"trustpoint to limit the validation scope, if necessary.\n" +
		"Trustpoint CA certificate accepted.\n\n% Certificate successfully imported\n"
	refused := "\nTrustpoint CA certificate is not FIPS compliant.\n% Error in saving certificate: status = FAIL\n"
	cases := []struct {
		device, pem, tp, fp, sha, after string
		answer                          string
	}{
		{"asa-edge-1", "identrust-commercial-root-ca-1.pem", "IdenTrustCommercialRootCA1", "b33e7773 75eea0d3 e37e4963 4959bbc7", identrustSHA1, accepted, "yes"},
		{"asa-edge-1", "quovadis-root-ca-2.pem", "QuoVadisRootCA2", "5e397bdd f8baec82 e9ac62ba 0c54002b", quovadisSHA1, accepted, "yes"},
		{"asa-vpn-2", "quovadis-root-ca-2.pem", "QuoVadisRootCA2", "5e397bdd f8baec82 e9ac62ba 0c54002b", quovadisSHA1, refused, "yes"},
		{"asa-vpn-2", "identrust-commercial-root-ca-1.pem", "IdenTrustCommercialRootCA1", "b33e7773 75eea0d3 e37e4963 4959bbc7", identrustSHA1, accepted, "yes"},
		{"asa-edge-1", "identrust-commercial-root-ca-1.pem", "Declined", "b33e7773 75eea0d3 e37e4963 4959bbc7", identrustSHA1,
			"\n% Certificate not accepted\n", "no"},
	}
	for _, tc := range cases {
		t.Run(tc.device+"/"+tc.tp, func(t *testing.T) {
			d := one(t, tc.device)
			h := tc.device
			c := asaLogin(t, d)
			asaConfig(t, c, d)
			steps := [][2]string{
				{"crypto ca trustpoint " + tc.tp, h + "(config-ca-trustpoint)# "},
				{"enrollment terminal", h + "(config-ca-trustpoint)# "},
				{"crl configure", h + "(config-ca-crl)# "},
				{"crypto ca authenticate " + tc.tp, "Enter the base 64 encoded CA certificate.\nEnd with the word \"quit\" on a line by itself\n"},
			}
			for _, s := range steps {
				end := s[1][strings.LastIndex(strings.TrimSuffix(s[1], "\n"), "\n")+1:]
				if got := c.cmd(s[0], end); got != s[0]+"\n"+s[1] {
					t.Fatalf("%q: %q", s[0], got)
				}
			}
			pem := pemOf(t, tc.pem)
			for _, l := range pem {
				c.send(l)
			}
			c.send("quit")
			want := strings.Join(pem, "\n") + "\nquit\n\nINFO: Certificate has the following attributes:\n" +
				"Fingerprint:     " + tc.fp + " \nDo you accept this certificate? [yes/no]: "
			if got := c.expect("[yes/no]: "); got != want {
				t.Fatalf("attributes:\n got %q\nwant %q", got[len(got)-150:], want[len(want)-150:])
			}
			if got := c.cmd(tc.answer, h+"(config)# "); got != tc.answer+"\n"+tc.after+h+"(config)# " {
				t.Fatalf("after %s:\n got %q\nwant %q", tc.answer, got, tc.answer+"\n"+tc.after+h+"(config)# ")
			}
			stored := slices.ContainsFunc(d.State().TrustStore, func(ci CertInfo) bool { return ci.Store == tc.tp && ci.SHA1 == tc.sha })
			if stored != (tc.after == accepted) {
				t.Fatalf("stored=%v", stored)
			}
			if !stored {
				return
			}
			if !d.State().Unsaved {
				t.Fatal("an accepted certificate is an unsaved change")
			}
			got := c.cmd("write memory", h+"(config)# ")
			if got != "write memory\nBuilding configuration...\nCryptochecksum: 3c845d0f b6b8839a f9e43be0 33feb4ef \n\n"+
				"3270 bytes copied in 0.210 secs\n[OK]\n"+h+"(config)# " {
				t.Fatalf("write memory: %q", got)
			}
			if st := d.State(); st.Unsaved || !slices.ContainsFunc(st.SavedStore, func(ci CertInfo) bool { return ci.Store == tc.tp }) {
				t.Fatal("write memory must save the trustpoint")
			}
		})
	}
}

// A corrupted paste is refused with the ASA's error and stores nothing.
func TestASACorruptedPaste(t *testing.T) {
	d := one(t, "asa-vpn-2")
	before := d.State().TrustStore
	c := asaLogin(t, d)
	asaConfig(t, c, d)
	c.cmd("crypto ca trustpoint IdenTrust", "(config-ca-trustpoint)# ")
	c.cmd("enrollment terminal", "(config-ca-trustpoint)# ")
	c.cmd("crypto ca authenticate IdenTrust", "itself\n")
	for _, l := range corruptMiddle(pemOf(t, "identrust-commercial-root-ca-1.pem")) {
		c.send(l)
	}
	c.send("quit")
	got := c.expect("(config)# ")
	if !strings.HasSuffix(got, "-----END CERTIFICATE-----\nquit\nERROR: Failed to parse or verify imported certificate\nasa-vpn-2(config)# ") {
		t.Fatalf("corrupted paste: %q", got[len(got)-150:])
	}
	if !slices.Equal(d.State().TrustStore, before) {
		t.Fatal("a refused paste changed the trust store")
	}
}

// Seed 003's trustpool import output; a second import finds duplicates.
func TestASATrustpoolImport(t *testing.T) {
	d := one(t, "asa-edge-1")
	c := asaLogin(t, d)
	out := func(installed, dups int) string {
		return "Root file signature verified.\nTrustpool import:\n   attempted:  10\n" +
			"   installed:  " + []string{"0", "10"}[installed/10] + "\n   duplicates: " + []string{"0", "10"}[dups/10] +
			"\n   expired:    0\n   failed:     0\n"
	}
	cmd := "crypto ca trustpool import url " + bundleURL
	if got := c.cmd(cmd, "asa-edge-1# "); got != cmd+"\n"+out(10, 0)+"asa-edge-1# " {
		t.Fatalf("first import:\n%q", got)
	}
	asaConfig(t, c, d)
	if got := c.cmd(cmd, "asa-edge-1(config)# "); got != cmd+"\n"+out(0, 10)+"asa-edge-1(config)# " {
		t.Fatalf("second import:\n%q", got)
	}
	want := CertInfo{CommonName: "IdenTrust Commercial Root CA 1", SHA1: identrustSHA1,
		Serial: "0A0142800000014523C844B500000002", Store: "trustpool", Source: "Downloaded"}
	if !slices.Contains(d.State().TrustStore, want) {
		t.Fatal("IdenTrust must be in the trustpool")
	}
}

// Multiple-context mode: the system space says so and has no trustpool import.
func TestASAMultipleContext(t *testing.T) {
	d := one(t, "asa-ctx-3")
	c := asaLogin(t, d)
	steps := [][2]string{
		{"show mode", "Security context mode: multiple\n"},
		{"show version | include ^Cisco Adaptive", "Cisco Adaptive Security Appliance Software Version 9.12(4) <system>\n"},
		{"crypto ca trustpool import url " + bundleURL, strings.Repeat(" ", 12) + "^\nERROR: % Invalid input detected at '^' marker.\n"},
	}
	for _, s := range steps {
		if got := c.cmd(s[0], "asa-ctx-3# "); got != s[0]+"\n"+s[1]+"asa-ctx-3# " {
			t.Fatalf("%q: %q", s[0], got)
		}
	}
	if m := d.State().MutatingCommands(); len(m) != 0 {
		t.Fatalf("a refused command is not a change: %q", m)
	}
}

// `show crypto ca certificates` in the reference layout, and the running
// config's hex: it is the DER, whose SHA-1 is the real fingerprint.
func TestASACertificateListings(t *testing.T) {
	d := one(t, "asa-dmz-4")
	c := asaLogin(t, d)
	c.cmd("terminal pager 0", "# ")
	block := "CA Certificate\n  Status: Available\n  Certificate Serial Number: 0a0142800000014523c844b500000002\n" +
		"  Certificate Usage: Signature\n  Public Key Type: RSA (4096 bits)\n  Signature Algorithm: SHA256 with RSA Encryption\n" +
		"  Issuer Name: \n    cn=IdenTrust Commercial Root CA 1\n    o=IdenTrust\n    c=US\n" +
		"  Subject Name: \n    cn=IdenTrust Commercial Root CA 1\n    o=IdenTrust\n    c=US\n" +
		"  Validity Date: \n    start date: 18:12:23 UTC Jan 16 2014\n    end   date: 18:12:23 UTC Jan 16 2034\n" +
		"  Storage: config\n  Associated Trustpoints: _SmartCallHome_ServerCA \n\n"
	cmd := "show crypto ca certificates _SmartCallHome_ServerCA"
	if got := c.cmd(cmd, "asa-dmz-4# "); got != cmd+"\n"+block+"asa-dmz-4# " {
		t.Fatalf("listing:\n got %q\nwant %q", got, cmd+"\n"+block)
	}
	got := c.cmd("show running-config crypto ca certificate", "asa-dmz-4# ")
	chains := regexp.MustCompile(`crypto ca certificate chain (\S+)\n  certificate ca ([0-9a-f]+)\n((?:    [0-9a-f ]+\n)+)  quit\n`).FindAllStringSubmatch(got, -1)
	sums := map[string]string{}
	for _, m := range chains {
		hexLines := strings.Split(strings.TrimSuffix(m[3], "\n"), "\n")
		der, err := hex.DecodeString(strings.ReplaceAll(strings.Join(hexLines, ""), " ", ""))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha1.Sum(der)
		sums[m[1]] = strings.ToUpper(hex.EncodeToString(sum[:]))
		if m[1] == "_SmartCallHome_ServerCA" && (m[2] != "0a0142800000014523c844b500000002" || len(hexLines) != 44 ||
			hexLines[0] != "    30820560 30820348 a0030201 0202100a 01428000 00014523 c844b500 00000230" || hexLines[43] != "    ba846e87") {
			t.Fatalf("IdenTrust chain layout: %q ... %q (%d lines)", hexLines[0], hexLines[len(hexLines)-1], len(hexLines))
		}
	}
	if sums["_SmartCallHome_ServerCA"] != identrustSHA1 || sums["_SmartCallHome_ServerCA2"] != quovadisSHA1 {
		t.Fatalf("re-hashed fingerprints: %v", sums)
	}
}

// The ASA pager: `<--- More --->` after 23 lines.
func TestASAPaging(t *testing.T) {
	d := one(t, "asa-dmz-4")
	c := asaLogin(t, d)
	got := c.cmd("show running-config crypto ca certificate", "<--- More --->")
	if l := lines(got); len(l) != 25 || l[1] != "crypto ca certificate chain _SmartCallHome_ServerCA\n" || l[24] != "<--- More --->" {
		t.Fatalf("first page: %d lines: %q", len(l), got)
	}
	c.sendRaw(" ")
	c.expect("<--- More --->")
	c.sendRaw("q")
	if got := c.expect("asa-dmz-4# "); !strings.HasSuffix(got, "\basa-dmz-4# ") {
		t.Fatalf("q: %q", got)
	}
}
