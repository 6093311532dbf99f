package devsim

import (
	"slices"
	"strings"
	"testing"
)

// The wording variants of IOS XE and IOS XR, screen by screen through a
// real SSH client. The default wording is what the other tests of this
// package check.

// worded edits a default-lab device into a variant: no faults but those
// given, the variant's knob set.
func worded(variant string, f Faults) func(*Spec) {
	return func(sp *Spec) { sp.Wording, sp.Faults = variant, f }
}

func TestWordingCatalogue(t *testing.T) {
	for _, p := range []string{IOSXE, IOSXR, ASA, FXOS} {
		ws := Wordings(p)
		if len(ws) < 2 || ws[0].Name != WordingDefault {
			t.Errorf("%s: %d variants, first %q", p, len(ws), ws[0].Name)
		}
		for _, w := range ws {
			if w.About == "" {
				t.Errorf("%s %q: no description", p, w.Name)
			}
			if err := checkWording(p, w.Name); err != nil {
				t.Errorf("%s %q: %v", p, w.Name, err)
			}
		}
	}
	if ws := Wordings(IOSXR); !slices.ContainsFunc(ws, func(w Wording) bool { return len(w.Stops) > 0 }) {
		t.Error("IOS XR needs a variant a careful tool must stop at")
	}
	const yml = "devices:\n  - {name: f1, platform: fxos, version: 2.10(1.159), wording: confirm}\n"
	_, err := ParseScenario("lab.yaml", []byte(yml))
	if want := `lab.yaml: devices[0].wording: unknown "confirm" for fxos (want alt|detail-only)`; err == nil || err.Error() != want {
		t.Errorf("bad knob: %v, want %s", err, want)
	}
	_, err = ParseScenario("lab.yaml", []byte("devices:\n  - {name: i1, platform: ios, version: 15.2(7)E3, wording: alt}\n"))
	if err == nil || !strings.Contains(err.Error(), "ios has no wording variants") {
		t.Errorf("look-alike with a knob: %v", err)
	}
	sc, err := ParseScenario("lab.yaml", []byte("devices:\n  - {name: x1, platform: iosxr, version: 7.3.2, wording: unexpected}\n"))
	if err != nil || sc.Devices[0].Wording != WordingUnexpected {
		t.Errorf("good knob: %+v %v", sc, err)
	}
}

func TestIOSXEWordingAlt(t *testing.T) {
	const h = "c9500-dist-04"
	d := one(t, h, worded(WordingAlt, Faults{NoInternet: true}), func(sp *Spec) { sp.Files = []string{"flash:ios_core.p7b"} })
	c := dial(t, d)
	c.expect("\n" + h + ">")
	c.cmd("enable", "Password: ")
	c.cmd("bad-1", "Password: ")
	c.cmd("bad-2", "Password: ")
	if got := c.cmd("bad-3", h+">"); got != "\n% Access denied\n\n"+h+">" {
		t.Fatalf("third failure: %q", got)
	}
	c.cmd("enable", "Password: ")
	c.cmd(labEnable, h+"#")
	fxosSteps(t, c, [][2]string{
		{"configure terminal", "Enter configuration commands, one per line.  End with CNTL/Z.\n" + h + "(config)#"},
		{"crypto pki trustpool import url " + bundleURL, "Reading file from " + bundleURL + "\n" +
			"Translating \"www.cisco.com\"...domain server (255.255.255.255)\n" +
			"%Error opening " + bundleURL + " (Bad IP address or host name)\n" + h + "(config)#"},
		{"crypto pki trustpool import url flash:missing.p7b", "Reading file from flash:missing.p7b\n" +
			"%Error opening flash:missing.p7b (File not found)\n" + h + "(config)#"},
		{"crypto pki trustpool import terminal", "% Enter PEM-formatted CA certificate.\n" +
			"% End with a blank line or \"quit\" on a line by itself.\n"},
	})
	for _, l := range corruptMiddle(body(pemOf(t, "identrust-commercial-root-ca-1.pem"))) {
		c.send(l)
	}
	if got := c.cmd("", h+"(config)#"); !strings.HasSuffix(got, "\n\n% Error: failed to decode the PEM certificate\n"+h+"(config)#") {
		t.Fatalf("refused paste: %q", got[max(0, len(got)-120):])
	}
	if Has(d.State().TrustStore, identrustSHA1) {
		t.Fatal("a failed import changed the trust store")
	}
	fxosSteps(t, c, [][2]string{{"crypto pki trustpool import url flash:ios_core.p7b", "Reading file from flash:ios_core.p7b\n" +
		"Loading flash:ios_core.p7b !!!\n[OK - 15482/4096 bytes]\n% PEM files import succeeded.\n" + h + "(config)#"}})
	if !Has(d.State().TrustStore, identrustSHA1) {
		t.Fatal("the flash: import must add IdenTrust")
	}
}

const nvramWarning = "Warning: Attempting to overwrite an NVRAM configuration previously written\n" +
	"by a different version of the system image.\nOverwrite the previous NVRAM configuration?[confirm]"

// The confirm variant asks before every save; Enter and y save, n and ^C
// leave startup-config alone. The destination question comes first.
func TestIOSXEWordingConfirm(t *testing.T) {
	const h = "ie3400-dock-01"
	d := one(t, h, worded(WordingConfirm, Faults{SaveConfirm: true}))
	c := xeLogin(t, d)
	c.cmd("configure terminal", "(config)#")
	c.cmd("crypto pki trustpool import url "+bundleURL, "(config)#")
	c.cmd("end", h+"#")
	fxosSteps(t, c, [][2]string{
		{"write memory", "Destination filename [startup-config]? "},
		{"", nvramWarning},
		{"n", h + "#"},
	})
	if st := d.State(); !st.Unsaved {
		t.Fatal("declined: nothing saved")
	}
	c.send("copy running-config startup-config")
	c.expect("[startup-config]? ")
	c.send("")
	c.expect("[confirm]")
	c.sendRaw("\x03")
	c.expect(h + "#")
	if !d.State().Unsaved {
		t.Fatal("^C: nothing saved")
	}
	for _, answer := range []string{"", "y"} {
		c.cmd("write memory", "[startup-config]? ")
		c.cmd("", "[confirm]")
		if got := c.cmd(answer, h+"#"); got != answer+"\nBuilding configuration...\n[OK]\n"+h+"#" {
			t.Fatalf("confirmed with %q: %q", answer, got)
		}
		if st := d.State(); st.Unsaved || !Has(st.SavedStore, identrustSHA1) {
			t.Fatalf("confirmed with %q: not saved", answer)
		}
	}
}

func TestIOSXRWordingAlt(t *testing.T) {
	d := one(t, "xr-core-01", worded(WordingAlt, Faults{NoInternet: true}), func(sp *Spec) { sp.Files = []string{"harddisk:/ios.p7b"} })
	c := dial(t, d)
	c.expect(xrCore + "#")
	xrSteps(t, c, [][2]string{
		{"terminal length 0", "TS\n" + xrCore + "#"},
		{"crypto ca trustpool import url " + bundleURL, "TS\n% Failed to download " + bundleURL + ": Connection timed out\n" + xrCore + "#"},
		{"crypto ca trustpool import url harddisk:/ios.p7b", "TS\n% Failed to import: harddisk:/ios.p7b: local files must be under /tmp\n" + xrCore + "#"},
		{"crypto ca trustpool import url /tmp/ios.p7b", "TS\nFailed to open /tmp/ios.p7b: file not found\n" + xrCore + "#"},
		{"crypto ca authenticate Trustpool", "TS\n% Enrollment URL is not configured for trustpoint Trustpool\n" + xrCore + "#"},
		{"run cp /harddisk:/ios.p7b /tmp", "TS\n" + xrCore + "#"},
		// Built-in: the eight Cisco and DigiCert roots and QuoVadis; new: IdenTrust.
		{"crypto ca trustpool import url /tmp/ios.p7b", "TS\n% Trustpool import: 55 certificates in the bundle, 46 added, 9 already present\n" + xrCore + "#"},
	})
	st := d.State()
	if !Has(st.TrustStore, identrustSHA1) || !Has(st.SavedStore, identrustSHA1) {
		t.Fatal("the import must add IdenTrust to the trustpool on disk")
	}
	got := stamped(c.cmd("show crypto ca trustpool", xrCore+"#"))
	id := "  Serial Number  : 0A:01:42:80:00:00:01:45:23:C8:44:B5:00:00:00:02\n" +
		"  Subject:\n        CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US\n"
	if !strings.HasPrefix(got, "show crypto ca trustpool\nTS\nCA Certificate 1:\n  Serial Number  : ") ||
		!strings.Contains(got, "  Source         : Built-In\n\nCA Certificate 2:\n") ||
		!strings.Contains(got, ":\n"+id) || strings.Contains(got, "=====") || strings.Contains(got, "Trustpool: ") ||
		strings.Count(got, "  Source         : Downloaded\n") != 46 {
		t.Fatalf("flat listing:\n%s", got)
	}
	xrEnroll(t, c, "enrollment terminal")
	c.cmd("crypto ca authenticate Trustpool", "on a line by itself\n")
	for _, l := range corruptMiddle(pemOf(t, "identrust-commercial-root-ca-1.pem")) {
		c.send(l)
	}
	if got := stamped(c.cmd("", xrCore+"#")); !strings.HasSuffix(got, "\n\n% Certificate decode failed\n"+xrCore+"#") {
		t.Fatalf("bad paste: %q", got[max(0, len(got)-80):])
	}
	c.cmd("crypto ca authenticate Trustpool", "on a line by itself\n")
	for _, l := range pemOf(t, "identrust-commercial-root-ca-1.pem") {
		c.send(l)
	}
	c.send("")
	c.expect("[yes/no]: ")
	if got := c.cmd("maybe", "[yes/no]: "); got != "maybe\nPlease answer yes or no.\nDo you accept this certificate? [yes/no]: " {
		t.Fatalf("re-ask: %q", got)
	}
	c.cmd("no", xrCore+"#")
	c.cmd("crypto ca authenticate Trustpool", "on a line by itself\n")
	for _, l := range pemOf(t, "identrust-commercial-root-ca-1.pem") {
		c.send(l)
	}
	c.send("")
	c.expect("[yes/no]: ")
	if got := c.cmd("yes", xrCore+"#"); got != "yes\n% CA certificate accepted for trustpoint Trustpool\n"+xrCore+"#" {
		t.Fatalf("accepted: %q", got)
	}
}

// The confirm variant asks before adding: no cancels, anything else asks
// again, yes imports silently.
func TestIOSXRWordingConfirm(t *testing.T) {
	d := one(t, "xr-core-01", worded(WordingConfirm, Faults{}))
	before := d.State().TrustStore
	c := dial(t, d)
	c.expect(xrCore + "#")
	const q = "Add the 10 CA certificates of the bundle to the trustpool? [yes/no]: "
	xrSteps(t, c, [][2]string{
		{"crypto ca trustpool import url " + bundleURL, "TS\n" + q},
		{"maybe", "% Please answer 'yes' or 'no'.\n" + q},
		{"no", "% Trustpool import cancelled\n" + xrCore + "#"},
	})
	if !slices.Equal(d.State().TrustStore, before) {
		t.Fatal("cancelled: the trustpool must not change")
	}
	xrSteps(t, c, [][2]string{
		{"crypto ca trustpool import url " + bundleURL, "TS\n" + q},
		{"yes", xrCore + "#"},
	})
	if st := d.State(); !Has(st.TrustStore, identrustSHA1) || !Has(st.SavedStore, identrustSHA1) {
		t.Fatal("yes: IdenTrust in the trustpool")
	}
	if s := waitState(t, d, func(State) bool { return true }); !slices.ContainsFunc(s.Sessions[0].Lines, func(l Line) bool {
		return l.Mode == "question" && l.Text == "maybe"
	}) {
		t.Fatal("answers are recorded in mode question")
	}
}

// The unexpected variant's question has no safe answer: yes drops earlier
// downloads and imports, no imports, only ^C leaves the trustpool alone.
func TestIOSXRWordingUnexpected(t *testing.T) {
	const q = "Remove the downloaded certificates from the trustpool before the import? [yes/no]: "
	for _, tc := range []struct {
		answer, screen string
		imported       bool
	}{
		{"\x03", "^C\n" + xrCore + "#", false},
		{"no\n", "no\n" + xrCore + "#", true},
		{"yes\n", "yes\n" + xrCore + "#", true},
	} {
		d := one(t, "xr-core-01", worded(WordingUnexpected, Faults{}), func(sp *Spec) {
			sp.Files = []string{"harddisk:/ios.p7b", "harddisk:/ios_core.p7b"}
		})
		before := d.State().TrustStore
		c := dial(t, d)
		c.expect(xrCore + "#")
		c.cmd("run cp /harddisk:/ios.p7b /tmp", xrCore+"#")
		xrSteps(t, c, [][2]string{{"crypto ca trustpool import url /tmp/ios.p7b", "TS\n" + q}})
		c.sendRaw(tc.answer)
		if got := c.expect(xrCore + "#"); got != tc.screen {
			t.Fatalf("%q: %q", tc.answer, got)
		}
		st := d.State()
		if Has(st.TrustStore, identrustSHA1) != tc.imported || (!tc.imported && !slices.Equal(st.TrustStore, before)) {
			t.Fatalf("%q: imported=%v", tc.answer, Has(st.TrustStore, identrustSHA1))
		}
		if tc.answer != "yes\n" {
			continue
		}
		// yes removes what an earlier import downloaded: the external
		// bundle's roots go, the core bundle's IdenTrust stays.
		c.cmd("run cp /harddisk:/ios_core.p7b /tmp", xrCore+"#")
		c.cmd("crypto ca trustpool import url /tmp/ios_core.p7b", "[yes/no]: ")
		c.cmd("yes", xrCore+"#")
		st = d.State()
		if len(st.TrustStore) != len(before)+1 || !Has(st.TrustStore, identrustSHA1) || !Has(st.SavedStore, identrustSHA1) {
			t.Fatalf("yes: %d certificates, want the %d built in and IdenTrust", len(st.TrustStore), len(before))
		}
	}
}
