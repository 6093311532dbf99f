package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// fault is one lab fault: a one-device lab, an apply, and what the journal
// must say. Every fault leaves the device as found.
type fault struct {
	name string
	sc   func(t *testing.T) *devsim.Scenario
	// timeout is the inventory's per-device deadline ("" = default).
	timeout string
	// extra apply flags; ca is written to a file and passed as --ca-file.
	extra []string
	ca    *cert.CA
	// want: exit code, outcome, verdict and words the error or reason
	// must hold (case-insensitive).
	code    int
	outcome record.Outcome
	verdict record.Verdict
	words   []string
	// untouched: not one mutating command reached the device.
	untouched bool
	// dropped: the drop fault cuts the connection under a session (which
	// cannot leave config mode or end its paste: the device must roll
	// nothing in, and trustfix logs in again to look).
	dropped bool
	// dropIn: the connection drops in the middle of the first command
	// that starts with this text (offset measured on a dry run).
	dropIn string
	// residue: a trustpoint the failure leaves configured (without any
	// certificate), which the error must name.
	residue string
}

var faults = []fault{
	{
		name: "drop mid-paste (c9500-dist-04)",
		sc:   func(t *testing.T) *devsim.Scenario { return devsimtest.Default(t, []string{"c9500-dist-04"}) },
		code: 2, outcome: record.Failed, verdict: record.Remediate,
		words: []string{"connection lost", "logged in again: the CA is not on the device"}, dropped: true,
	},
	{
		name: "corrupted paste (isr-branch-07)",
		sc:   func(t *testing.T) *devsim.Scenario { return devsimtest.Default(t, []string{"isr-branch-07"}) },
		code: 2, outcome: record.Failed, verdict: record.Remediate,
		words: []string{"rejected", "PEM files import failed"},
	},
	{
		name: "no internet, url (xr-edge-02)",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Default(t, []string{"xr-edge-02"}, func(s *devsim.Spec) { s.ImportMethod = "url" })
		},
		code: 2, outcome: record.Failed, verdict: record.Remediate,
		words: []string{"import url", "Download failed"},
	},
	{
		name: "no internet, url (iosxe)",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Scenario(t, `devices:
  - {name: c9300-dark-url, platform: iosxe, version: 17.03.03, model: C9300-48P, quovadis: true, import_method: url, faults: {no_internet: true}}`)
		},
		code: 2, outcome: record.Failed, verdict: record.Remediate,
		words: []string{"import url", "%Error opening", "Timed out"},
	},
	{
		name: "no internet, url (asa)",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Default(t, []string{"asa-edge-1"}, func(s *devsim.Spec) { s.ImportMethod, s.Faults.NoInternet = "url", true })
		},
		code: 2, outcome: record.Failed, verdict: record.Remediate,
		words: []string{"trustpool import", "Failed to retrieve"},
	},
	{
		name: "ASA multiple context, url (asa-ctx-3)",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Default(t, []string{"asa-ctx-3"}, func(s *devsim.Spec) { s.ImportMethod = "url" })
		},
		code: 0, outcome: record.Skipped, verdict: record.Unsupported,
		words: []string{"multiple-context"}, untouched: true,
	},
	{
		name: "ASA FIPS, SHA-1 CA (asa-vpn-2, --ca-file QuoVadis)",
		// Without QuoVadis in its store, so that it needs the CA.
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Default(t, []string{"asa-vpn-2"}, func(s *devsim.Spec) { s.QuoVadis = false })
		},
		ca:   cert.QuoVadis(),
		code: 0, outcome: record.Skipped, verdict: record.Unsupported,
		words: []string{"FIPS", "SHA-1"}, untouched: true,
	},
	{
		name: "FXOS trustpoint exists with another chain (fp9300-b)",
		sc:   func(t *testing.T) *devsim.Scenario { return devsimtest.Default(t, []string{"fp9300-b"}) },
		code: 2, outcome: record.Failed, verdict: record.Error,
		words: []string{"IdenTrustCRCA1", "already exists", "another certificate chain"}, untouched: true,
	},
	// The paste faults on every platform's terminal method.
	{
		name: "corrupted paste (iosxr terminal)",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Scenario(t, `devices:
  - {name: xr-noisy, platform: iosxr, version: 7.3.2, model: NCS-5500, quovadis: true, import_method: terminal, faults: {corrupt_paste: 1}}`)
		},
		code: 2, outcome: record.Failed, verdict: record.Remediate,
		// The trustpoint the method created is removed again.
		words: []string{"paste", "Invalid certificate"},
	},
	{
		name: "corrupted paste (asa terminal)",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Default(t, []string{"asa-edge-1"}, func(s *devsim.Spec) { s.Faults.CorruptPaste = 1 })
		},
		code: 2, outcome: record.Failed, verdict: record.Remediate,
		words: []string{"paste"},
	},
	{
		name: "corrupted paste (fxos terminal)",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Default(t, []string{"fp4120-a"}, func(s *devsim.Spec) { s.Faults.CorruptPaste = 1 })
		},
		code: 2, outcome: record.Failed, verdict: record.Remediate,
		words: []string{"commit-buffer"},
	},
	{
		name: "drop mid-paste (iosxr terminal)",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Scenario(t, `devices:
  - {name: xr-flaky, platform: iosxr, version: 7.3.2, model: NCS-5500, quovadis: true, import_method: terminal, faults: {drop_after_bytes: 1200}}`)
		},
		code: 2, outcome: record.Failed, verdict: record.Remediate,
		words: []string{"connection lost", "logged in again", "trustpoint Trustpool stays configured"}, dropped: true, residue: "Trustpool",
	},
	{
		name: "drop in the bundle import (iosxr file): the /tmp copy is removed",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Default(t, []string{"xr-core-01"}, func(s *devsim.Spec) { s.ImportMethod = "file" })
		},
		dropIn: "crypto ca trustpool import url /tmp/",
		code:   2, outcome: record.Failed, verdict: record.Remediate,
		words: []string{"connection lost", "logged in again", "removed the copy of the bundle in /tmp/ios.p7b"}, dropped: true,
	},
	{
		name: "drop mid-paste (asa terminal)",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Default(t, []string{"asa-edge-1"}, func(s *devsim.Spec) { s.Faults.DropAfterBytes = 1200 })
		},
		code: 2, outcome: record.Failed, verdict: record.Remediate,
		words: []string{"connection lost", "logged in again", "removed trustpoint IdenTrustCRCA1"}, dropped: true,
	},
	{
		name: "drop mid-paste (fxos terminal)",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Default(t, []string{"fp4120-a"}, func(s *devsim.Spec) { s.Faults.DropAfterBytes = 1200 })
		},
		code: 2, outcome: record.Failed, verdict: record.Remediate,
		words: []string{"connection lost", "logged in again: the CA is not on the device"}, dropped: true,
	},
	{
		// 250ms before every line the device writes: the login and
		// `show version` alone outlast a two-second deadline, so the
		// deadline always falls before any change, however fast the host.
		name: "deadline too short (slow iosxe, timeout 2s)",
		sc: func(t *testing.T) *devsim.Scenario {
			return devsimtest.Scenario(t, `devices:
  - {name: c9300-slow, platform: iosxe, version: 17.03.03, model: C9300-48P, quovadis: true, faults: {latency: 250ms}}`)
		},
		timeout: "2s",
		code:    2, outcome: record.Failed,
		words: []string{"deadline"}, untouched: true,
	},
}

// TestApplyFaults proves that every lab fault gives the expected outcome
// with a readable reason and leaves the device as found: trust store
// unchanged, nothing unsaved, no session left in config mode, with a
// pending buffer or in a half paste (a session whose connection was cut
// cannot leave; then the device must have rolled nothing in).
func TestApplyFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range faults {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := tc.sc(t)
			name := sc.Devices[0].Name
			if tc.dropIn != "" {
				sc.Devices[0].Faults.DropAfterBytes = offsetIn(t, tc.sc(t), tc.dropIn)
			}
			l := devsimtest.Start(t, sc, devsimtest.Options{Timeout: tc.timeout})
			dev := l.Device(name)
			before := dev.State()
			extra := tc.extra
			if tc.ca != nil {
				p := filepath.Join(l.Dir, "ca.pem")
				if err := os.WriteFile(p, tc.ca.PEM(), 0o600); err != nil {
					t.Fatal(err)
				}
				extra = append(extra, "--ca-file", p)
			}

			res, j := apply(t, l, "run.jsonl", extra...)
			if res.Code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.Code, tc.code, res.Stdout, res.Stderr)
			}
			recs := readJournal(t, j)
			rec := last(t, recs, name)
			t.Logf("journal: verdict %s outcome %s stage %s error %q reason %q", rec.Verdict, rec.Outcome, rec.Stage, rec.Error, rec.Reason)
			if rec.Outcome != tc.outcome {
				t.Errorf("outcome %q, want %q", rec.Outcome, tc.outcome)
			}
			if tc.verdict != "" && rec.Verdict != tc.verdict {
				t.Errorf("verdict %q, want %q", rec.Verdict, tc.verdict)
			}
			why := rec.Error
			if why == "" {
				why = rec.Reason
			}
			for _, w := range tc.words {
				if !strings.Contains(strings.ToLower(why), strings.ToLower(w)) {
					t.Errorf("the reason %q does not say %q", why, w)
				}
			}
			if tc.outcome == record.Failed && (rec.Error == "" || strings.Contains(why, "\n")) {
				t.Errorf("a failure needs a one-line error, got %q", rec.Error)
			}
			// The table the operator reads names the device and its outcome.
			if !strings.Contains(res.Stdout, name) || !strings.Contains(res.Stdout, string(tc.outcome)) {
				t.Errorf("stdout does not show %s %s:\n%s", name, tc.outcome, res.Stdout)
			}
			if tc.outcome == record.Failed {
				checkTranscript(t, rec)
			}

			after := l.Ended(name)
			if !slices.Equal(sha1s(after.TrustStore), sha1s(before.TrustStore)) {
				t.Errorf("running trust store changed:\nbefore %v\nafter  %v", sha1s(before.TrustStore), sha1s(after.TrustStore))
			}
			if !slices.Equal(sha1s(after.SavedStore), sha1s(before.SavedStore)) || after.Unsaved {
				t.Errorf("startup changed or unsaved changes left: unsaved %v", after.Unsaved)
			}
			wantTPs := before.Trustpoints
			if tc.residue != "" && !slices.Contains(wantTPs, tc.residue) {
				wantTPs = append(slices.Clone(wantTPs), tc.residue)
			}
			if !slices.Equal(after.Trustpoints, wantTPs) {
				t.Errorf("trustpoints changed: before %v after %v", before.Trustpoints, after.Trustpoints)
			}
			if m := after.MutatingCommands(); tc.untouched && len(m) > 0 {
				t.Errorf("want no mutating command, the device got %q", m)
			}
			devsimtest.CheckClean(t, after)
			if tc.dropped && !slices.ContainsFunc(after.Sessions, func(s devsim.SessionLog) bool { return s.Dropped }) {
				t.Error("the drop fault never fired")
			}
		})
	}
}

// offsetIn measures, on a dry run of the same scenario without faults of
// its own, how many bytes the client sends before the first command that
// starts with prefix, and returns an offset in the middle of that command:
// a drop_after_bytes that cuts the connection exactly there.
func offsetIn(t *testing.T, sc *devsim.Scenario, prefix string) int {
	t.Helper()
	l := devsimtest.Start(t, sc, devsimtest.Options{})
	if res, _ := apply(t, l, "dry.jsonl"); res.Code != 0 {
		t.Fatalf("dry run: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	st := l.Ended(sc.Devices[0].Name)
	n := 0
	for _, line := range st.Sessions[0].Lines {
		if line.Hidden {
			t.Fatal("offsetIn cannot measure a session with hidden input")
		}
		if strings.HasPrefix(line.Text, prefix) {
			return n + len(prefix)/2
		}
		n += len(line.Text) + 1 // the line and its "\n"
	}
	t.Fatalf("the dry run sent no %q", prefix)
	return 0
}

// TestApplyReconnectsAndSaves: the connection drops in the middle of
// `write memory`, after the CA was imported and verified. trustfix logs in
// again, finds the CA in the running configuration and saves it: the
// device is remediated, not left with an unsaved change that a later run
// would call compliant.
func TestApplyReconnectsAndSaves(t *testing.T) {
	t.Parallel()
	sc := func() *devsim.Scenario {
		// No enable step (privilege 15): no hidden input to measure.
		return devsimtest.Scenario(t, `devices:
  - {name: c9300-save, platform: iosxe, version: 17.03.03, model: C9300-48P, privilege: 15, quovadis: true}`)
	}
	s := sc()
	s.Devices[0].Faults.DropAfterBytes = offsetIn(t, sc(), "write memory")
	l := devsimtest.Start(t, s, devsimtest.Options{})
	res, j := apply(t, l, "run.jsonl")
	rec := last(t, readJournal(t, j), "c9300-save")
	t.Logf("journal: outcome %s stage %s error %q reason %q", rec.Outcome, rec.Stage, rec.Error, rec.Reason)
	if res.Code != 0 || rec.Outcome != record.Remediated || !strings.Contains(rec.Reason, "logged in again, found the CA and saved") {
		t.Errorf("exit %d outcome %q: want remediated after logging in again\n%s%s", res.Code, rec.Outcome, res.Stdout, res.Stderr)
	}
	st := l.Ended("c9300-save")
	if !devsim.Has(st.SavedStore, identrustSHA1) || st.Unsaved {
		t.Errorf("not saved: startup has the CA %v, unsaved %v", devsim.Has(st.SavedStore, identrustSHA1), st.Unsaved)
	}
	if len(st.Sessions) != 2 || !st.Sessions[0].Dropped {
		t.Errorf("want a dropped session and a second one, got %d sessions", len(st.Sessions))
	}
	devsimtest.CheckClean(t, st)
}

// TestApplySlowDeviceWithinDeadline: xr-edge-02 writes every line 15ms
// late and cannot reach the internet. With its default deadline it is
// remediated (auto: url fails, terminal fallback, recorded non-persistent)
// and is a follow-up: exit 2, its follow_up saying what makes it last.
func TestApplySlowDeviceWithinDeadline(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Default(t, []string{"xr-edge-02"}), devsimtest.Options{})
	res, j := apply(t, l, "run.jsonl")
	if res.Code != cli.ExitDevices || !regexp.MustCompile(`(?m)^  xr-edge-02 +terminal +lost at the next reload`).MatchString(res.Stdout) ||
		!regexp.MustCompile(`(?m)^Failed: +none$`).MatchString(res.Stdout) || !strings.Contains(res.Stdout, "\nFollow-up (fixed until the next reload):\n") {
		t.Fatalf("exit %d, want 2 with xr-edge-02 a follow-up, not a failure\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	rec := last(t, readJournal(t, j), "xr-edge-02")
	if rec.Outcome != record.Remediated || rec.Method != record.MethodTerminal {
		t.Fatalf("outcome %q method %q error %q, want remediated by terminal", rec.Outcome, rec.Method, rec.Error)
	}
	if rec.Persistent == nil || *rec.Persistent || !strings.Contains(rec.Fallback, "url failed") {
		t.Errorf("persistent %v fallback %q: want false and the url failure named", ptr(rec.Persistent), rec.Fallback)
	}
	if !strings.Contains(rec.FollowUp, "bundle_file") || rec.NonPersistentAllowed {
		t.Errorf("follow_up %q (allowed %v): want what makes it last, not accepted", rec.FollowUp, rec.NonPersistentAllowed)
	}
	if !strings.HasPrefix(rec.Reason, "paste the certificate at the terminal") || strings.Contains(rec.Reason, "trustpool import from") {
		t.Errorf("reason %q does not name the method used (terminal) alone", rec.Reason)
	}
	st := l.Ended("xr-edge-02")
	if !devsim.Has(st.TrustStore, identrustSHA1) {
		t.Error("the CA is not in the running trust store")
	}
	devsimtest.CheckClean(t, st)
}
