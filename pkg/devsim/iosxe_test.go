package devsim

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Seed 001's terminal method, byte for byte (hostname kept as one).
func TestIOSXESeedTerminalImport(t *testing.T) {
	d := one(t, "ie3400-dock-01")
	c := dial(t, d)
	c.expect("ie3400-dock-01>")
	if got := c.cmd("enable", "Password: "); got != "enable\nPassword: " {
		t.Fatalf("enable: %q", got)
	}
	c.send(labEnable)
	c.expect("ie3400-dock-01#")
	got := c.cmd("config t", "ie3400-dock-01(config)#")
	want := "config t\nEnter configuration commands, one per line.  End with CNTL/Z.\nie3400-dock-01(config)#"
	if got != want {
		t.Fatalf("config t:\n got %q\nwant %q", got, want)
	}
	got = c.cmd("crypto pki trustpool import terminal", "itself.\n")
	want = "crypto pki trustpool import terminal\n% Enter PEM-formatted CA certificate.\n% End with a blank line or \"quit\" on a line by itself.\n"
	if got != want {
		t.Fatalf("import terminal:\n got %q\nwant %q", got, want)
	}
	for _, l := range body(pemOf(t, "identrust-commercial-root-ca-1.pem")) {
		c.send(l)
	}
	c.send("")
	got = c.expect("ie3400-dock-01(config)#")
	if !strings.HasSuffix(got, "\n% PEM files import succeeded.\nie3400-dock-01(config)#") {
		t.Fatalf("paste result: %q", got)
	}
	if st := d.State(); !Has(st.TrustStore, identrustSHA1) || Has(st.SavedStore, identrustSHA1) || !st.Unsaved {
		t.Fatalf("after import: running has it, startup not yet; got unsaved=%v", st.Unsaved)
	}
	if got := c.cmd("exit", "ie3400-dock-01#"); got != "exit\nie3400-dock-01#" {
		t.Fatalf("exit: %q", got)
	}
	// This device asks for the destination after wr mem, as FN72298 shows.
	if got := c.cmd("wr mem", "? "); got != "wr mem\nDestination filename [startup-config]? " {
		t.Fatalf("wr mem: %q", got)
	}
	got = c.cmd("", "ie3400-dock-01#")
	if got != "\nBuilding configuration...\n[OK]\nie3400-dock-01#" {
		t.Fatalf("save: %q", got)
	}
	st := d.State()
	if !Has(st.SavedStore, identrustSHA1) || st.Unsaved {
		t.Fatal("after wr mem the root must be saved")
	}
	got = c.cmd("show crypto pki trustpool | include IdenTrust", "ie3400-dock-01#")
	if want := "show crypto pki trustpool | include IdenTrust\n" +
		"    cn=IdenTrust Commercial Root CA 1\n    o=IdenTrust\n    cn=IdenTrust Commercial Root CA 1\n    o=IdenTrust\n" +
		"ie3400-dock-01#"; got != want {
		t.Fatalf("include filter:\n got %q\nwant %q", got, want)
	}
	c.cmd("terminal length 0", "ie3400-dock-01#")
	got = c.cmd("show crypto pki trustpool", "ie3400-dock-01#")
	if !strings.Contains(got, "Load for five secs: 30%/2%; one minute: 25%; five minutes: 27%\nTime source is NTP,") {
		t.Fatalf("exec timestamp header missing: %q", got[:200])
	}
	blk := "CA Certificate\n  Status: Available\n  Certificate Serial Number (hex): 0A0142800000014523C844B500000002\n" +
		"  Certificate Usage: Signature\n  Issuer: \n    cn=IdenTrust Commercial Root CA 1\n    o=IdenTrust\n    c=US\n" +
		"  Subject: \n    cn=IdenTrust Commercial Root CA 1\n    o=IdenTrust\n    c=US\n  Validity Date: \n" +
		"    start date: 18:12:23 UTC Jan 16 2014\n    end   date: 18:12:23 UTC Jan 16 2034\n" +
		"  Associated Trustpoints: Trustpool \n  Trustpool: Downloaded\n"
	if !strings.Contains(got, blk) {
		t.Fatalf("trustpool lacks the downloaded IdenTrust block:\n%s", got)
	}
	c.send("exit")
	if s := waitEnded(t, d); s.EndedInConfig || s.HalfPaste {
		t.Fatalf("session ended dirty: %+v", s)
	}
}

const bundleURL = "http://www.cisco.com/security/pki/trs/ios_core.p7b"

// The url and flash: methods (FN72298, FN72323): the screen, and whether
// IdenTrust lands in the running trustpool as Downloaded.
func TestIOSXEURLImport(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Spec)
		src   string
		out   string
		added bool
	}{
		{"http", nil, bundleURL,
			"Reading file from " + bundleURL + "\nLoading " + bundleURL + "\n% PEM files import succeeded.\n", true},
		{"http without internet", func(sp *Spec) { sp.Faults.NoInternet = true }, bundleURL,
			"Reading file from " + bundleURL + "\n%Error opening " + bundleURL + " (Timed out)\n", false},
		{"flash with the file", func(sp *Spec) { sp.Files = []string{"flash:ios_core.p7b"} }, "flash:ios_core.p7b",
			"Reading file from flash:ios_core.p7b\nLoading flash:ios_core.p7b\n% PEM files import succeeded.\n", true},
		{"flash without the file", nil, "flash:ios_core.p7b",
			"Reading file from flash:ios_core.p7b\n%Error opening flash:ios_core.p7b (No such file or directory)\n", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var edits []func(*Spec)
			if tc.edit != nil {
				edits = append(edits, tc.edit)
			}
			d := one(t, "ie3400-dock-01", edits...)
			before := d.State().TrustStore
			c := xeLogin(t, d)
			c.cmd("configure terminal", "ie3400-dock-01(config)#")
			cmd := "crypto pki trustpool import url " + tc.src
			if got, want := c.cmd(cmd, "ie3400-dock-01(config)#"), cmd+"\n"+tc.out+"ie3400-dock-01(config)#"; got != want {
				t.Fatalf("screen:\n got %q\nwant %q", got, want)
			}
			st := d.State()
			if !tc.added {
				if !slices.Equal(st.TrustStore, before) || st.Unsaved {
					t.Fatal("a failed import changed the trust store")
				}
				return
			}
			want := CertInfo{CommonName: "IdenTrust Commercial Root CA 1", SHA1: identrustSHA1,
				Serial: "0A0142800000014523C844B500000002", Store: "trustpool", Source: "Downloaded"}
			if !slices.Contains(st.TrustStore, want) || !st.Unsaved || Has(st.SavedStore, identrustSHA1) {
				t.Fatalf("want IdenTrust downloaded and unsaved; got %+v", st.TrustStore)
			}
		})
	}
}

// Saving, with and without `Destination filename [startup-config]?`.
func TestIOSXESave(t *testing.T) {
	noAsk := func(sp *Spec) { sp.Faults.SaveConfirm = false }
	cases := []struct {
		name, cmd string
		edit      func(*Spec)
		ask       bool
	}{
		{"copy running-config startup-config", "copy running-config startup-config", noAsk, true},
		{"copy run start", "copy run start", noAsk, true},
		{"write memory", "write memory", noAsk, false},
		{"wr mem", "wr mem", noAsk, false},
		{"wr mem on IE3x00 asks (FN72298)", "wr mem", func(*Spec) {}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := one(t, "ie3400-dock-01", tc.edit)
			c := xeLogin(t, d)
			c.cmd("conf t", "(config)#")
			c.cmd("crypto pki trustpool import url "+bundleURL, "(config)#")
			c.cmd("end", "ie3400-dock-01#")
			if !d.State().Unsaved {
				t.Fatal("an import must leave unsaved changes")
			}
			done := "Building configuration...\n[OK]\nie3400-dock-01#"
			if tc.ask {
				if got, want := c.cmd(tc.cmd, "? "), tc.cmd+"\nDestination filename [startup-config]? "; got != want {
					t.Fatalf("question: got %q want %q", got, want)
				}
				if got := c.cmd("", "ie3400-dock-01#"); got != "\n"+done {
					t.Fatalf("after Enter: %q", got)
				}
			} else if got := c.cmd(tc.cmd, "ie3400-dock-01#"); got != tc.cmd+"\n"+done {
				t.Fatalf("save: %q", got)
			}
			st := d.State()
			if st.Unsaved || !Has(st.SavedStore, identrustSHA1) {
				t.Fatalf("after save: unsaved=%v saved has IdenTrust=%v", st.Unsaved, Has(st.SavedStore, identrustSHA1))
			}
			d.Reload()
			if !Has(d.State().TrustStore, identrustSHA1) {
				t.Fatal("a saved import must survive a reload")
			}
		})
	}
}

// Abbreviations and the three parse failures, in exec, privileged and
// config mode, with the caret under the first character that did not match.
func TestIOSXEParseErrors(t *testing.T) {
	d := one(t, "ie3400-dock-01")
	c := dial(t, d)
	c.expect("\nie3400-dock-01>")
	invalid := "% Invalid input detected at '^' marker.\n\n"
	steps := []struct{ line, want string }{
		// User exec has no `show crypto`: the caret is under "crypto".
		{"show crypto pki trustpool", strings.Repeat(" ", 20) + "^\n" + invalid + "ie3400-dock-01>"},
		{"enable", "Password: "},
		{labEnable, "ie3400-dock-01#"},
		{"c", "% Ambiguous command:  \"c\"\nie3400-dock-01#"},
		{"show crypto", "% Incomplete command.\n\nie3400-dock-01#"},
		{"show crypto pki trustpol", strings.Repeat(" ", 38) + "^\n" + invalid + "ie3400-dock-01#"},
		{"sh ver | i ^Cisco IOS XE", "Cisco IOS XE Software, Version 17.03.04a\nie3400-dock-01#"},
		{"conf t", "Enter configuration commands, one per line.  End with CNTL/Z.\nie3400-dock-01(config)#"},
		{"crypto pki trustpool imprt terminal", strings.Repeat(" ", 47) + "^\n" + invalid + "ie3400-dock-01(config)#"},
		{"do show crypto", "% Incomplete command.\n\nie3400-dock-01(config)#"},
		{"end", "ie3400-dock-01#"},
	}
	for _, s := range steps {
		last := s.want[strings.LastIndexAny(s.want, "\n")+1:]
		if s.line == labEnable {
			// The password is not echoed: only the line end comes back.
			if got := c.cmd(s.line, last); got != "\n"+s.want {
				t.Fatalf("password: %q", got)
			}
			continue
		}
		if got := c.cmd(s.line, last); got != s.line+"\n"+s.want {
			t.Fatalf("%q:\n got %q\nwant %q", s.line, got, s.line+"\n"+s.want)
		}
	}
}

// Three wrong enable passwords; a privilege-15 login lands on '#'.
func TestIOSXEEnable(t *testing.T) {
	d := one(t, "ie3400-dock-01")
	c := dial(t, d)
	c.expect("\nie3400-dock-01>")
	c.cmd("enable", "Password: ")
	for _, pw := range []string{"wrong-1", "wrong-2"} {
		if got := c.cmd(pw, "Password: "); got != "\nPassword: " {
			t.Fatalf("retry: %q", got)
		}
	}
	if got := c.cmd("wrong-3", "ie3400-dock-01>"); got != "\n% Bad passwords\n\nie3400-dock-01>" {
		t.Fatalf("third failure: %q", got)
	}
	c.cmd("enable", "Password: ")
	if got := c.cmd(labEnable, "ie3400-dock-01#"); got != "\nie3400-dock-01#" {
		t.Fatalf("enable: %q", got)
	}
	c.send("exit")
	s := waitEnded(t, d)
	var hidden int
	for _, l := range s.Lines {
		if l.Mode == "enable-password" {
			hidden++
			if !l.Hidden || l.Text != "********" {
				t.Fatalf("password recorded in the clear: %+v", l)
			}
		}
	}
	if hidden != 4 {
		t.Fatalf("want 4 masked passwords, got %d: %+v", hidden, s.Lines)
	}

	p15 := one(t, "c9300-core-01")
	got := dial(t, p15).expect("\nc9300-core-01#")
	if !strings.HasSuffix(got, "**\n\nc9300-core-01#") || strings.Contains(got, ">") {
		t.Fatalf("privilege 15 must land on '#': %q", got)
	}
}

// The pager: 23 lines and ` --More-- `; space a page, Enter a line, q
// stops; after `terminal length 0` the whole output and no marker.
func TestIOSXEPaging(t *testing.T) {
	d := one(t, "c9300-core-01")
	c := xeLogin(t, d)
	ver := lines(xeVersion(d.Spec()))
	if ver[0] != "Cisco IOS XE Software, Version 17.06.04\n" || len(ver) < 48 {
		t.Fatalf("show version: %q (%d lines)", ver[0], len(ver))
	}
	const erase = "\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b"
	if got, want := c.cmd("show version", " --More-- "), "show version\n"+strings.Join(ver[:23], "")+" --More-- "; got != want {
		t.Fatalf("first page:\n got %q\nwant %q", got, want)
	}
	c.sendRaw(" ")
	if got, want := c.expect(" --More-- "), erase+strings.Join(ver[23:46], "")+" --More-- "; got != want {
		t.Fatalf("space:\n got %q\nwant %q", got, want)
	}
	c.sendRaw("\r")
	if got, want := c.expect(" --More-- "), erase+ver[46]+" --More-- "; got != want {
		t.Fatalf("enter:\n got %q\nwant %q", got, want)
	}
	c.sendRaw("q")
	if got := c.expect("c9300-core-01#"); got != erase+"c9300-core-01#" {
		t.Fatalf("q: %q", got)
	}
	// A one-row screen still moves on, a line per space.
	c.cmd("terminal length 1", "c9300-core-01#")
	if got := c.cmd("show crypto pki trustpool policy", " --More-- "); got != "show crypto pki trustpool policy\nTrustpool Policy\n --More-- " {
		t.Fatalf("length 1: %q", got)
	}
	c.sendRaw(" ")
	if got := c.expect(" --More-- "); got != erase+"\n --More-- " {
		t.Fatalf("length 1, space: %q", got)
	}
	c.sendRaw("q")
	c.expect("c9300-core-01#")
	c.cmd("terminal length 0", "c9300-core-01#")
	if got, want := c.cmd("show version", "c9300-core-01#"), "show version\n"+xeVersion(d.Spec())+"c9300-core-01#"; got != want {
		t.Fatalf("terminal length 0:\n got %q\nwant %q", got, want)
	}
	if raw := c.rawOut(); !strings.Contains(raw, "\r\nc9300-core-01#") || regexp.MustCompile(`[^\r]\n`).MatchString(raw) {
		t.Fatal("every line must end in CRLF")
	}
}
