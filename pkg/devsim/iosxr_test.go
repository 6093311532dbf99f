package devsim

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// xrStamp is the line IOS XR prints before each exec command's output.
var xrStamp = regexp.MustCompile(`(?m)^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d \d\d:\d\d:\d\d\.\d{3} UTC\n`)

// stamped replaces each timestamp line by "TS\n" so screens compare exactly.
func stamped(s string) string { return xrStamp.ReplaceAllString(s, "TS\n") }

const xrCore = "RP/0/RP0/CPU0:xr-core-01"

// xrSteps runs line/screen pairs; want is what follows the echoed line.
func xrSteps(t *testing.T, c *term, steps [][2]string) {
	t.Helper()
	for _, s := range steps {
		want := s[1]
		end := want[strings.LastIndex(strings.TrimSuffix(want, "\n"), "\n")+1:]
		if got := stamped(c.cmd(s[0], end)); got != s[0]+"\n"+want {
			t.Fatalf("%q:\n got %q\nwant %q", s[0], got, s[0]+"\n"+want)
		}
	}
}

func TestIOSXRPromptsAndTimestamps(t *testing.T) {
	for name, prompt := range map[string]string{
		"xr-core-01": "\n" + xrCore + "#",
		"xr-edge-02": "\nRP/0/RSP0/CPU0:xr-edge-02#", // the default RP, with latency
		"xr-peer-03": "\nRP/0/RP0/CPU0:xr-peer-03#",
	} {
		d := one(t, name)
		c := dial(t, d)
		if got := c.expect(prompt); !strings.HasSuffix(got, "**\n"+prompt) {
			t.Fatalf("%s: %q", name, got)
		}
	}
	c := dial(t, one(t, "xr-core-01"))
	c.expect(xrCore + "#")
	xrSteps(t, c, [][2]string{
		{"show version | include ^Cisco IOS XR", "TS\nCisco IOS XR Software, Version 7.3.2\n" + xrCore + "#"},
		{"show crypto ca trustpol", "TS\n" + strings.Repeat(" ", 47) + "^\n% Invalid input detected at '^' marker.\n" + xrCore + "#"},
		{"c", "TS\n% Ambiguous command:  \"c\"\n" + xrCore + "#"},
		{"show crypto", "TS\n% Incomplete command.\n" + xrCore + "#"},
		{"terminal length 0", "TS\n" + xrCore + "#"},
		{"terminal exec prompt no-timestamp", "TS\n" + xrCore + "#"},
		{"show version | include ^Cisco IOS XR", "Cisco IOS XR Software, Version 7.3.2\n" + xrCore + "#"},
		{"configure terminal", xrCore + "(config)#"},
		{"crypto ca trustpoint Trustpool", xrCore + "(config-trustp)#"},
		{"exit", xrCore + "(config)#"},
		{"end", xrCore + "#"},
	})
	if raw := c.rawOut(); regexp.MustCompile(`[^\r]\n`).MatchString(raw) {
		t.Fatal("every line must end in CRLF")
	}
}

// Seed 004 / FN72290 option 3: the bundle goes from harddisk: to /tmp and
// is imported from there; the trustpool import survives a reload.
func TestIOSXRFileImport(t *testing.T) {
	d := one(t, "xr-core-01")
	c := dial(t, d)
	c.expect(xrCore + "#")
	xrSteps(t, c, [][2]string{
		{"dir harddisk:", "TS\n\nDirectory of harddisk:\n\n   73 -rw-r--r--.  1   117245 Mar  3 16:47 ios.p7b\n" +
			"   12 drwxr-xr-x.  2     4096 Jan 12 09:14 dumper\n\n3915776 kbytes total (3687424 kbytes free)\n" + xrCore + "#"},
		{"run cp /harddisk:/ios.p7b /tmp", "TS\n" + xrCore + "#"},
		{"run ls /tmp/ios.p7b", "TS\n/tmp/ios.p7b\n" + xrCore + "#"},
		{"crypto ca trustpool import url /tmp/ios.p7b", "TS\n" + xrCore + "#"},
		{"run rm /tmp/ios.p7b", "TS\n" + xrCore + "#"},
		{"run ls /tmp/ios.p7b", "TS\nls: cannot access '/tmp/ios.p7b': No such file or directory\n" + xrCore + "#"},
	})
	st := d.State()
	if !Has(st.TrustStore, identrustSHA1) || !Has(st.SavedStore, identrustSHA1) || d.hasFile("/tmp/ios.p7b") {
		t.Fatalf("after the import: %+v", st.TrustStore)
	}
	c.cmd("run cp /harddisk:/ios.p7b /tmp", "#")
	d.Reload()
	if !Has(d.State().TrustStore, identrustSHA1) || d.hasFile("/tmp/ios.p7b") || !d.hasFile("harddisk:/ios.p7b") {
		t.Fatal("a reload keeps the trustpool and harddisk:, and empties /tmp")
	}
}

func TestIOSXRImportURL(t *testing.T) {
	offline := func(sp *Spec) { sp.Faults.NoInternet = true }
	cases := []struct {
		name, src, out string
		edit           func(*Spec)
		added          bool
	}{
		{"http", bundleURL, "", func(*Spec) {}, true},
		{"http without internet", bundleURL, "% Error: Download failed, HTTP returned an error\n", offline, false},
		{"harddisk path", "/harddisk:/ios.p7b", "% Error: local files can only be imported from /tmp\n", offline, false},
		{"harddisk url", "harddisk:/ios.p7b", "% Error: local files can only be imported from /tmp\n", offline, false},
		{"missing /tmp file", "/tmp/ios.p7b", "% Error: /tmp/ios.p7b: No such file or directory\n", offline, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := one(t, "xr-core-01", tc.edit)
			before := d.State().TrustStore
			c := dial(t, d)
			c.expect(xrCore + "#")
			xrSteps(t, c, [][2]string{{"crypto ca trustpool import url " + tc.src, "TS\n" + tc.out + xrCore + "#"}})
			if st := d.State(); tc.added != Has(st.TrustStore, identrustSHA1) || (!tc.added && !slices.Equal(st.TrustStore, before)) {
				t.Fatalf("trust store: %+v", st.TrustStore)
			}
		})
	}
}

// seed004Display is the certificate as the FN72290 write-up shows it, byte for byte.
const seed004Display = "  Serial Number  : 0A:01:42:80:00:00:01:45:23:C8:44:B5:00:00:00:02\n" +
	"  Subject:\n        CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US\n" +
	"  Issued By      :\n        CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US\n" +
	"  Validity Start : 18:12:23 UTC Thu Jan 16 2014\n" +
	"  Validity End   : 18:12:23 UTC Mon Jan 16 2034\n" +
	"  SHA1 Fingerprint:\n         DF717EAA4AD94EC9558499602D48DE5FBCF03A25\n" +
	"Do you accept this certificate? [yes/no]: "

// xrEnroll configures trustpoint Trustpool for terminal enrollment (the FN72290 write-up).
func xrEnroll(t *testing.T, c *term, enrollment string) {
	t.Helper()
	xrSteps(t, c, [][2]string{
		{"configure terminal", "TS\n" + xrCore + "(config)#"},
		{"crypto ca trustpoint Trustpool", xrCore + "(config-trustp)#"},
		{enrollment, xrCore + "(config-trustp)#"},
		{"commit", xrCore + "(config-trustp)#"},
		{"exit", xrCore + "(config)#"},
		{"exit", xrCore + "#"},
	})
}

// The terminal method of the FN72290 write-up, answered yes or no. Accepted
// certificates live in the running state only: a reload loses them.
func TestIOSXRTerminalAuthenticate(t *testing.T) {
	cases := []struct{ enrollment, answer string }{
		{"enrollment terminal", "yes"},
		{"enrollment url terminal", "yes"},
		{"enrollment terminal", "no"},
	}
	for _, tc := range cases {
		t.Run(tc.enrollment+"/"+tc.answer, func(t *testing.T) {
			d := one(t, "xr-core-01")
			c := dial(t, d)
			c.expect(xrCore + "#")
			xrEnroll(t, c, tc.enrollment)
			xrSteps(t, c, [][2]string{{"crypto ca authenticate Trustpool", "TS\nEnter the base 64 encoded certificate.\n" +
				"End with a blank line or the word \"quit\" on a line by itself\n"}})
			pem := pemOf(t, "identrust-commercial-root-ca-1.pem")
			for _, l := range pem {
				c.send(l)
			}
			c.send("")
			if got, want := c.expect("[yes/no]: "), strings.Join(pem, "\n")+"\n\n"+seed004Display; got != want {
				t.Fatalf("display:\n got %q\nwant %q", got, want)
			}
			if got := c.cmd(tc.answer, "#"); got != tc.answer+"\n"+xrCore+"#" {
				t.Fatalf("answer: %q", got)
			}
			want := CertInfo{CommonName: "IdenTrust Commercial Root CA 1", SHA1: identrustSHA1,
				Serial: "0A0142800000014523C844B500000002", Store: "Trustpool", Source: "Terminal"}
			st := d.State()
			if slices.Contains(st.TrustStore, want) != (tc.answer == "yes") || Has(st.SavedStore, identrustSHA1) {
				t.Fatalf("after %q: %+v", tc.answer, st.TrustStore)
			}
			d.Reload()
			if st := d.State(); Has(st.TrustStore, identrustSHA1) || !slices.Contains(st.Trustpoints, "Trustpool") {
				t.Fatal("a reload must drop the certificate and keep the committed trustpoint")
			}
		})
	}
}

func TestIOSXRAuthenticateNeedsTerminalEnrollment(t *testing.T) {
	d := one(t, "xr-core-01")
	c := dial(t, d)
	c.expect(xrCore + "#")
	xrSteps(t, c, [][2]string{
		{"crypto ca authenticate Trustpool", "TS\n% Error: trustpoint Trustpool is not configured for terminal enrollment\n" + xrCore + "#"},
		{"configure", "TS\n" + xrCore + "(config)#"},
		{"crypto ca trustpoint Trustpool", xrCore + "(config-trustp)#"},
		{"enrollment terminal", xrCore + "(config-trustp)#"},
		{"abort", xrCore + "#"},
		// Uncommitted enrollment does not count.
		{"crypto ca authenticate Trustpool", "TS\n% Error: trustpoint Trustpool is not configured for terminal enrollment\n" + xrCore + "#"},
	})
}

// Leaving config with uncommitted changes asks first.
func TestIOSXRUncommittedChanges(t *testing.T) {
	const ask = "Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:"
	cases := []struct {
		answer, prompt string
		committed      bool
	}{
		{"yes", xrCore + "#", true},
		{"no", xrCore + "#", false},
		{"cancel", xrCore + "(config-trustp)#", false},
		{"", xrCore + "(config-trustp)#", false},
	}
	for _, tc := range cases {
		t.Run("answer "+tc.answer, func(t *testing.T) {
			d := one(t, "xr-core-01")
			c := dial(t, d)
			c.expect(xrCore + "#")
			xrSteps(t, c, [][2]string{
				{"configure terminal", "TS\n" + xrCore + "(config)#"},
				{"crypto ca trustpoint Trustpool", xrCore + "(config-trustp)#"},
				{"enrollment terminal", xrCore + "(config-trustp)#"},
			})
			if got := c.cmd("end", ask); got != "end\n"+ask {
				t.Fatalf("question: %q", got)
			}
			if got := c.cmd(tc.answer, tc.prompt); got != tc.answer+"\n"+tc.prompt {
				t.Fatalf("answer: %q", got)
			}
			if got := slices.Contains(d.State().Trustpoints, "Trustpool"); got != tc.committed {
				t.Fatalf("committed=%v, want %v", got, tc.committed)
			}
		})
	}
}

// A session dropped with a candidate configuration.
func TestIOSXRDroppedWithPendingChanges(t *testing.T) {
	d := one(t, "xr-core-01")
	c := dial(t, d)
	c.expect(xrCore + "#")
	c.cmd("configure terminal", "(config)#")
	c.cmd("crypto ca trustpoint Trustpool", "(config-trustp)#")
	c.cmd("enrollment terminal", "(config-trustp)#")
	c.hangup()
	s := waitEnded(t, d)
	if !s.PendingBuffer || !s.EndedInConfig || s.EndMode != "config-trustp" {
		t.Fatalf("session: %+v", s)
	}
	if slices.Contains(d.State().Trustpoints, "Trustpool") {
		t.Fatal("nothing was committed")
	}
}

func TestIOSXRRefusedPaging(t *testing.T) {
	d := one(t, "xr-core-01", func(sp *Spec) { sp.Faults.RefusePaging = true })
	c := dial(t, d)
	c.expect(xrCore + "#")
	xrSteps(t, c, [][2]string{{"terminal length 0", "TS\n% This command is not authorized\n" + xrCore + "#"}})
}
