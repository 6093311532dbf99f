package devsim

import (
	"slices"
	"strings"
	"testing"
)

// fxosSteps runs line/screen pairs; want is what follows the echoed line.
func fxosSteps(t *testing.T, c *term, steps [][2]string) {
	t.Helper()
	for _, s := range steps {
		want := s[1]
		end := want[strings.LastIndex(strings.TrimSuffix(want, "\n"), "\n")+1:]
		if got := c.cmd(s[0], end); got != s[0]+"\n"+want {
			t.Fatalf("%q:\n got %q\nwant %q", s[0], got, s[0]+"\n"+want)
		}
	}
}

// certchain pastes lines at the `>` prompts and ends with ENDOFBUF.
func certchain(t *testing.T, c *term, paste []string, prompt string) {
	t.Helper()
	for _, l := range paste {
		if got := c.cmd(l, "\n>"); got != l+"\n>" {
			t.Fatalf("continuation prompt: %q", got)
		}
	}
	if got := c.cmd("ENDOFBUF", prompt); got != "ENDOFBUF\n"+prompt {
		t.Fatalf("ENDOFBUF: %q", got)
	}
}

const setCertchain = "Enter lines one at a time. Enter ENDOFBUF to finish. Press ^C to abort.\nTrustpoint Certificate Chain:\n>"

// Seed 003's FXOS method; commit-buffer both applies and saves.
func TestFXOSSeedImport(t *testing.T) {
	d := one(t, "fp4120-a")
	c := dial(t, d)
	if got := c.expect("fp4120-a# "); got != "fp4120-a# " {
		t.Fatalf("login: %q", got)
	}
	fxosSteps(t, c, [][2]string{
		{"terminal length 0", "fp4120-a# "},
		{"show version", "Version: 2.10(1.159)\nStartup-Vers: 2.10(1.159)\nfp4120-a# "},
		{"scope security", "fp4120-a /security # "},
		{"create trustpoint IdenTrustCRCA1", "fp4120-a /security/trustpoint* # "},
		{"set certchain", setCertchain},
	})
	pem := pemOf(t, "identrust-commercial-root-ca-1.pem")
	certchain(t, c, pem, "fp4120-a /security/trustpoint* # ")
	if st := d.State(); Has(st.TrustStore, identrustSHA1) {
		t.Fatal("nothing applies before commit-buffer")
	}
	fxosSteps(t, c, [][2]string{
		{"show configuration pending", "+ trustpoint IdenTrustCRCA1\n+     set certchain\nfp4120-a /security/trustpoint* # "},
		{"commit-buffer", "fp4120-a /security/trustpoint # "},
		{"up", "fp4120-a /security # "},
	})
	want := CertInfo{CommonName: "IdenTrust Commercial Root CA 1", SHA1: identrustSHA1,
		Serial: "0A0142800000014523C844B500000002", Store: "IdenTrustCRCA1", Source: "Terminal"}
	if st := d.State(); !slices.Contains(st.TrustStore, want) || !slices.Contains(st.SavedStore, want) || st.Unsaved {
		t.Fatalf("after commit-buffer: %+v", st.TrustStore)
	}
	got := c.cmd("show trustpoint", "fp4120-a /security # ")
	blk := "\nTrustpoint Name: IdenTrustCRCA1\n    Trustpoint certificate chain:\n        " +
		strings.Join(pem, "\n        ") + "\n    Cert Status: Valid\n"
	if !strings.HasPrefix(got, "show trustpoint\n\nTrustpoint Name: QuoVadisRootCA2\n") || !strings.HasSuffix(got, blk+"fp4120-a /security # ") {
		t.Fatalf("show trustpoint:\n%q", got)
	}
	fxosSteps(t, c, [][2]string{{"end", "fp4120-a# "}})
	c.send("exit")
	if s := waitEnded(t, d); s.EndedInConfig || s.PendingBuffer || s.HalfPaste {
		t.Fatalf("clean session recorded dirty: %+v", s)
	}
}

// A chain that does not verify: commit-buffer fails, the buffer (and its
// asterisk) stays until discard-buffer.
func TestFXOSBadChain(t *testing.T) {
	d := one(t, "fp4120-a")
	before := d.State()
	c := dial(t, d)
	c.expect("fp4120-a# ")
	fxosSteps(t, c, [][2]string{
		{"scope security", "fp4120-a /security # "},
		{"create trustpoint Bad", "fp4120-a /security/trustpoint* # "},
		{"set certchain", setCertchain},
	})
	certchain(t, c, corruptMiddle(pemOf(t, "identrust-commercial-root-ca-1.pem")), "fp4120-a /security/trustpoint* # ")
	fxosSteps(t, c, [][2]string{
		{"commit-buffer", "Error: Update failed: [Certificate chain is not valid]\nfp4120-a /security/trustpoint* # "},
		{"up", "fp4120-a /security* # "},
		{"top", "fp4120-a* # "},
		{"discard-buffer", "fp4120-a# "},
	})
	if st := d.State(); !slices.Equal(st.TrustStore, before.TrustStore) || !slices.Equal(st.Trustpoints, before.Trustpoints) {
		t.Fatalf("a failed commit changed the device: %+v", st.Trustpoints)
	}
}

// ^C at the `>` prompt aborts set certchain; the create stays pending.
func TestFXOSCtrlCAborts(t *testing.T) {
	d := one(t, "fp4120-a")
	c := dial(t, d)
	c.expect("fp4120-a# ")
	fxosSteps(t, c, [][2]string{
		{"scope security", "fp4120-a /security # "},
		{"create trustpoint Half", "fp4120-a /security/trustpoint* # "},
		{"set certchain", setCertchain},
	})
	pem := pemOf(t, "identrust-commercial-root-ca-1.pem")
	c.cmd(pem[0], "\n>")
	c.sendRaw(pem[1][:20] + "\x03")
	if got := c.expect("* # "); got != pem[1][:20]+"^C\nfp4120-a /security/trustpoint* # " {
		t.Fatalf("^C: %q", got)
	}
	fxosSteps(t, c, [][2]string{
		{"show configuration pending", "+ trustpoint Half\nfp4120-a /security/trustpoint* # "},
		{"commit-buffer", "Error: Update failed: [Trustpoint Half: certificate chain is empty]\nfp4120-a /security/trustpoint* # "},
		{"discard-buffer", "fp4120-a /security/trustpoint # "},
	})
	if slices.Contains(d.State().Trustpoints, "Half") {
		t.Fatal("an aborted chain must not create the trustpoint")
	}
}

// fp9300-b already has a trustpoint of the name trustfix would use.
func TestFXOSExistingTrustpoint(t *testing.T) {
	d := one(t, "fp9300-b")
	c := dial(t, d)
	c.expect("fp9300-b# ")
	fxosSteps(t, c, [][2]string{
		{"scope security", "fp9300-b /security # "},
		{"create trustpoint IdenTrustCRCA1", "Error: Managed object already exists\nfp9300-b /security # "},
		{"scope trustpoint IdenTrustCRCA1", "fp9300-b /security/trustpoint # "},
		{"up", "fp9300-b /security # "},
		{"scope trustpoint Nope", "Error: Managed object does not exist\nfp9300-b /security # "},
		{"s trustpoint Nope", strings.Repeat(" ", 21) + "^\n% Ambiguous command at '^' marker\nfp9300-b /security # "},
		{"show configuration", "Syntax error: The command is not completed\nfp9300-b /security # "},
		{"scpe trustpoint Nope", strings.Repeat(" ", 23) + "^\n% Invalid Command at '^' marker\nfp9300-b /security # "},
	})
}

// A session that ends with uncommitted changes; lines are recorded in the
// scope they were typed in.
func TestFXOSEndsWithPendingBuffer(t *testing.T) {
	d := one(t, "fp4120-a")
	c := dial(t, d)
	c.expect("fp4120-a# ")
	c.cmd("scope security", "/security # ")
	c.cmd("create trustpoint Left", "/security/trustpoint* # ")
	c.hangup()
	s := waitEnded(t, d)
	if !s.PendingBuffer || !s.EndedInConfig || s.EndMode != "/security/trustpoint" {
		t.Fatalf("session: %+v", s)
	}
	want := []Line{{Mode: "/", Text: "scope security"}, {Mode: "/security", Text: "create trustpoint Left"}}
	if !slices.Equal(s.Lines, want) {
		t.Fatalf("lines: %+v", s.Lines)
	}
	if m := d.State().MutatingCommands(); !slices.Equal(m, []string{"create trustpoint Left"}) {
		t.Fatalf("mutating: %q", m)
	}
}
