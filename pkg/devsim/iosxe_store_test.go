package devsim

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A real-size trustpool, and the output modifiers on it.
func TestIOSXETrustpoolAndFilters(t *testing.T) {
	d := one(t, "c9300-core-01")
	c := xeLogin(t, d)
	c.cmd("terminal length 0", "c9300-core-01#")
	got := c.cmd("show crypto pki trustpool", "c9300-core-01#")
	if n := strings.Count(got, "\nCA Certificate\n"); n < 12 || n != strings.Count(got, "\n\nCA Certificate\n")+1 {
		t.Fatalf("want >= 12 blocks separated by blank lines, got %d", n)
	}
	cases := []struct{ line, want string }{
		{"show crypto pki trustpool | include IdenTrust",
			"    cn=IdenTrust Commercial Root CA 1\n    o=IdenTrust\n    cn=IdenTrust Commercial Root CA 1\n    o=IdenTrust\n"},
		{"show crypto pki trustpool | count CA Certificate", "Number of lines which match regexp = 14\n"},
		{"show crypto pki trustpool policy | exclude CRL|CA Bundle",
			"Trustpool Policy\n\nTrustpool revocation checking is disabled\n"},
		{"show crypto pki trustpool policy | begin CRL", "CRL cache time: 60 seconds\nCA Bundle url: Not set\n"},
		{"show crypto pki trustpool | include ^  Trustpool: Down", ""},
		{"show version | foo", strings.Repeat(" ", 29) + "^\n% Invalid input detected at '^' marker.\n\n"},
		{"  show version | foo", strings.Repeat(" ", 31) + "^\n% Invalid input detected at '^' marker.\n\n"},
		{"show version | include", "% Incomplete command.\n\n"},
		{"configure terminal | include x", strings.Repeat(" ", 33) + "^\n% Invalid input detected at '^' marker.\n\n"},
	}
	for _, tc := range cases {
		if got := c.cmd(tc.line, "c9300-core-01#"); got != tc.line+"\n"+tc.want+"c9300-core-01#" {
			t.Errorf("%q:\n got %q\nwant %q", tc.line, got, tc.line+"\n"+tc.want+"c9300-core-01#")
		}
	}
}

// The prompt trap: `Storage: nvram:c8kv-wan-01#1CA.cer`, and the device
// stops writing right after the '#', so a reader whose prompt pattern is
// not anchored to the end of a line matches too early.
func TestIOSXEPromptTrap(t *testing.T) {
	d := one(t, "c8kv-wan-01")
	reached, release := make(chan struct{}, 1), make(chan struct{})
	d.mu.Lock()
	d.trapHook = func() { reached <- struct{}{}; <-release }
	d.mu.Unlock()
	c := xeLogin(t, d)
	c.cmd("terminal length 0", "c8kv-wan-01#")
	c.send("show crypto pki trustpool")
	<-reached
	got := c.until(regexp.MustCompile(`c8kv-wan-01#\z`))
	if !strings.HasSuffix(got, "  Associated Trustpoints: Trustpool \n  Storage: nvram:c8kv-wan-01#") || c.unread() != "" {
		t.Fatalf("output must pause right after the '#': %q", got[max(0, len(got)-120):])
	}
	close(release)
	if got := c.expect("\n"); got != "1CA.cer\n" {
		t.Fatalf("rest of the line: %q", got)
	}
	if got := c.expect("c8kv-wan-01#"); !strings.HasPrefix(got, "  Trustpool: Built-In\n\nCA Certificate\n") {
		t.Fatalf("after the trap: %q", got)
	}
}

// AAA refuses `terminal length 0`: the pager stays on.
func TestIOSXERefusedPaging(t *testing.T) {
	d := one(t, "ess3300-rail-02")
	c := xeLogin(t, d)
	if got := c.cmd("terminal length 0", "ess3300-rail-02#"); got != "terminal length 0\nCommand authorization failed.\ness3300-rail-02#" {
		t.Fatalf("refusal: %q", got)
	}
	c.cmd("show version", " --More-- ")
	c.sendRaw("q")
	c.expect("ess3300-rail-02#")
}

// The decoy: same CN (and O, C) as IdenTrust, another serial and key.
func TestIOSXEDecoy(t *testing.T) {
	d := one(t, "ess3300-rail-02")
	c := xeLogin(t, d)
	c.send("show crypto pki trustpool")
	screen := c.pageAll("ess3300-rail-02#", " --More-- ")
	var found []string
	for _, blk := range strings.Split(screen, "\n\n") {
		if strings.Contains(blk, "  Subject: \n    cn=IdenTrust Commercial Root CA 1\n    o=IdenTrust\n    c=US\n") {
			found = append(found, blk)
		}
	}
	if len(found) != 1 || strings.Contains(found[0], "0A0142800000014523C844B500000002") {
		t.Fatalf("want one look-alike block with another serial, got %q", found)
	}
	st := d.State()
	if Has(st.TrustStore, identrustSHA1) {
		t.Fatal("the decoy must not be the real root")
	}
	i := slices.IndexFunc(st.TrustStore, func(ci CertInfo) bool { return ci.CommonName == "IdenTrust Commercial Root CA 1" })
	if i < 0 || st.TrustStore[i].Serial == "0A0142800000014523C844B500000002" || !strings.Contains(found[0], st.TrustStore[i].Serial) {
		t.Fatalf("decoy: %+v", st.TrustStore)
	}
}

// `import clean` deletes every downloaded certificate before importing.
func TestIOSXEImportClean(t *testing.T) {
	d := one(t, "ie3400-dock-01")
	c := xeLogin(t, d)
	c.cmd("conf t", "(config)#")
	c.cmd("crypto pki trustpool import url "+bundleURL, "(config)#")
	if !Has(d.State().TrustStore, identrustSHA1) {
		t.Fatal("setup: url import failed")
	}
	c.cmd("crypto pki trustpool import clean terminal", "itself.\n")
	for _, l := range body(pemOf(t, "quovadis-root-ca-2.pem")) {
		c.send(l)
	}
	c.send("")
	if got := c.expect("(config)#"); !strings.HasSuffix(got, "\n% PEM files import succeeded.\nie3400-dock-01(config)#") {
		t.Fatalf("clean import: %q", got)
	}
	for _, ci := range d.State().TrustStore {
		if ci.Source == "Downloaded" {
			t.Fatalf("downloaded certificate left after clean: %+v", ci)
		}
	}
}

// ^Z and `end` leave config mode; a session cut in config mode, or in the
// middle of a paste, is recorded as such.
func TestIOSXEConfigExitAndDisconnects(t *testing.T) {
	d := one(t, "c9300-core-01")
	c := xeLogin(t, d)
	c.cmd("conf t", "(config)#")
	c.sendRaw("\x1a")
	if got := c.expect("c9300-core-01#"); got != "^Z\nc9300-core-01#" {
		t.Fatalf("^Z: %q", got)
	}
	c.cmd("conf t", "(config)#")
	if got := c.cmd("end", "c9300-core-01#"); got != "end\nc9300-core-01#" {
		t.Fatalf("end: %q", got)
	}
	c.cmd("conf t", "(config)#")
	c.hangup()
	if s := waitEnded(t, d); !s.EndedInConfig || s.EndMode != "config" || s.HalfPaste {
		t.Fatalf("cut in config: %+v", s)
	}

	c = xeLogin(t, d)
	c.cmd("conf t", "(config)#")
	c.cmd("crypto pki trustpool import terminal", "itself.\n")
	b := body(pemOf(t, "identrust-commercial-root-ca-1.pem"))
	for _, l := range b[:10] {
		c.send(l)
	}
	c.expect(b[9] + "\n")
	c.hangup()
	if s := waitEnded(t, d); !s.HalfPaste || !s.EndedInConfig {
		t.Fatalf("cut mid-paste: %+v", s)
	}
	if Has(d.State().TrustStore, identrustSHA1) != true {
		t.Fatal("c9300 ships the root; nothing may remove it")
	}
}

// The paste rule: a truncated or corrupted paste is refused and changes
// nothing; BEGIN/END lines are accepted.
func TestIOSXEPasteValidation(t *testing.T) {
	pem := pemOf(t, "identrust-commercial-root-ca-1.pem")
	b := body(pem)
	corrupt := corruptMiddle(b)
	cases := []struct {
		name  string
		paste []string
		ok    bool
	}{
		{"truncated", b[:len(b)-5], false},
		{"corrupted", corrupt, false},
		{"with BEGIN/END", pem, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := one(t, "ie3400-dock-01")
			before := d.State().TrustStore
			c := xeLogin(t, d)
			c.cmd("conf t", "(config)#")
			c.cmd("crypto pki trustpool import terminal", "itself.\n")
			for _, l := range tc.paste {
				c.send(l)
			}
			c.send("")
			want := "\n% PEM files import failed.\nie3400-dock-01(config)#"
			if tc.ok {
				want = "\n% PEM files import succeeded.\nie3400-dock-01(config)#"
			}
			if got := c.expect("(config)#"); !strings.HasSuffix(got, want) {
				t.Fatalf("result: %q", got[max(0, len(got)-100):])
			}
			st := d.State()
			if tc.ok != Has(st.TrustStore, identrustSHA1) || (!tc.ok && !slices.Equal(st.TrustStore, before)) {
				t.Fatalf("trust store after a %s paste: %+v", tc.name, st.TrustStore)
			}
		})
	}
}

// Reload() keeps what was saved and drops what was not.
func TestIOSXEReloadDropsUnsaved(t *testing.T) {
	d := one(t, "ie3400-dock-01")
	c := xeLogin(t, d)
	c.cmd("conf t", "(config)#")
	c.cmd("crypto pki trustpool import url "+bundleURL, "(config)#")
	c.cmd("end", "#")
	d.Reload()
	if st := d.State(); Has(st.TrustStore, identrustSHA1) || st.Unsaved {
		t.Fatal("an unsaved import must not survive a reload")
	}
}

// Every received line is recorded with its mode; passwords masked; only
// state-changing commands are listed as mutating.
func TestIOSXESessionRecord(t *testing.T) {
	d := one(t, "ie3400-dock-01")
	c := xeLogin(t, d)
	c.cmd("terminal length 0", "#")
	c.cmd("show crypto pki trustpool | include IdenTrust", "#")
	c.cmd("show version", "#")
	c.send("exit")
	s := waitEnded(t, d)
	want := []Line{
		{Mode: "exec", Text: "enable"},
		{Mode: "enable-password", Text: "********", Hidden: true},
		{Mode: "privileged", Text: "terminal length 0"},
		{Mode: "privileged", Text: "show crypto pki trustpool | include IdenTrust"},
		{Mode: "privileged", Text: "show version"},
		{Mode: "privileged", Text: "exit"},
	}
	if !slices.Equal(s.Lines, want) {
		t.Fatalf("lines:\n got %+v\nwant %+v", s.Lines, want)
	}
	if m := d.State().MutatingCommands(); len(m) != 0 {
		t.Fatalf("a read-only session mutated: %q", m)
	}

	c = xeLogin(t, d)
	c.cmd("configure terminal", "(config)#")
	c.cmd("do show crypto pki trustpool policy", "(config)#")
	c.cmd("crypto pki trustpool import url "+bundleURL, "(config)#")
	c.cmd("end", "#")
	c.cmd("write memory", "? ")
	c.cmd("", "#")
	c.send("exit")
	s = waitEnded(t, d)
	if s.Lines[3] != (Line{Mode: "config", Text: "do show crypto pki trustpool policy"}) ||
		s.Lines[7] != (Line{Mode: "copy-dialog", Text: ""}) {
		t.Fatalf("lines: %+v", s.Lines)
	}
	want2 := []string{"configure terminal", "crypto pki trustpool import url " + bundleURL, "write memory"}
	if m := d.State().MutatingCommands(); !slices.Equal(m, want2) {
		t.Fatalf("mutating:\n got %q\nwant %q", m, want2)
	}
}
