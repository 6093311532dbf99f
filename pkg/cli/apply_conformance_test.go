package cli_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// conformance is one platform × method: a one-device lab whose device
// needs the CA and has what the method needs (a bundle file, internet).
type conformance struct {
	platform, method string
	device           string // scenario devices: YAML
	// persistent false: the method is lost on reload (IOS XR terminal).
	persistent bool
}

var conformanceCases = []conformance{
	{"iosxe", "terminal", `
  - {name: dut, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true, import_method: terminal}`, true},
	{"iosxe", "url", `
  - {name: dut, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true, import_method: url}`, true},
	{"iosxe", "file", `
  - {name: dut, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true, import_method: file,
     files: ["flash:ios_core.p7b"], bundle_file: "flash:ios_core.p7b", faults: {no_internet: true}}`, true},
	{"iosxr", "url", `
  - {name: dut, platform: iosxr, version: 7.3.2, model: NCS-5500, rp: RP/0/RP0/CPU0, quovadis: true, import_method: url}`, true},
	{"iosxr", "file", `
  - {name: dut, platform: iosxr, version: 7.3.2, model: NCS-5500, rp: RP/0/RP0/CPU0, quovadis: true, import_method: file,
     files: ["harddisk:/ios.p7b"], bundle_file: "harddisk:/ios.p7b", faults: {no_internet: true}}`, true},
	{"iosxr", "terminal", `
  - {name: dut, platform: iosxr, version: 6.5.3, model: ASR-9010, quovadis: true, import_method: terminal, faults: {no_internet: true}}`, false},
	{"asa", "terminal", `
  - {name: dut, platform: asa, version: 9.16(3)19, model: ISA-3000-2C2F, quovadis: true, import_method: terminal,
     faults: {error_reporting_prompt: true, no_internet: true}}`, true},
	{"asa", "url", `
  - {name: dut, platform: asa, version: 9.16(3)19, model: ISA-3000-2C2F, quovadis: true, import_method: url}`, true},
	{"fxos", "terminal", `
  - {name: dut, platform: fxos, version: 2.10(1.159), model: FPR-4120-K9, quovadis: true, import_method: terminal}`, true},
}

// TestApplyConformance runs `apply --yes --journal` against one simulated
// device per platform × method over real SSH and proves, from the lab's
// own state: the CA is in the running trust store by SHA-1; it is saved
// (or, for IOS XR terminal, recorded persistent: false and really gone
// after a reload); no session ended in config mode, with a pending buffer
// or in a half paste; the journal line is complete; and a second apply is
// already-compliant and sends no mutating command.
func TestApplyConformance(t *testing.T) {
	t.Parallel()
	for _, tc := range conformanceCases {
		t.Run(tc.platform+"/"+tc.method, func(t *testing.T) {
			t.Parallel()
			l := devsimtest.Start(t, devsimtest.Scenario(t, "devices:"+tc.device), devsimtest.Options{})
			dev := l.Device("dut")
			before := dev.State()
			if devsim.Has(before.TrustStore, identrustSHA1) {
				t.Fatal("the scenario already has the CA")
			}

			res, j1 := apply(t, l, "first.jsonl")
			if res.Code != 0 {
				t.Fatalf("apply: exit %d\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
			}
			recs := readJournal(t, j1)
			rec := last(t, recs, "dut")
			if rec.Outcome != record.Remediated || rec.Stage != "done" || rec.Error != "" {
				t.Fatalf("journal: outcome %q stage %q error %q, want remediated/done", rec.Outcome, rec.Stage, rec.Error)
			}
			if string(rec.Method) != tc.method || rec.Fallback != "" {
				t.Errorf("journal: method %q fallback %q, want %s and none", rec.Method, rec.Fallback, tc.method)
			}
			if rec.Persistent == nil || *rec.Persistent != tc.persistent {
				t.Errorf("journal: persistent %v, want %v", ptr(rec.Persistent), tc.persistent)
			}
			if rec.CAPresent == nil || !*rec.CAPresent {
				t.Errorf("journal: ca_present %v, want true", ptr(rec.CAPresent))
			}
			if p := rec.Proof; p == nil || !strings.Contains(p.Subject, "IdenTrust Commercial Root CA 1") ||
				!strings.EqualFold(strings.ReplaceAll(p.Serial, ":", ""), "0A0142800000014523C844B500000002") ||
				(p.Fingerprint != "" && !strings.EqualFold(p.Fingerprint, identrustSHA1)) {
				t.Errorf("journal: proof %+v does not name the CA", rec.Proof)
			}
			if rec.Attempts != 1 || rec.Started == nil || rec.Finished == nil || rec.Run == nil {
				t.Errorf("journal: attempts %d started %v finished %v run %v", rec.Attempts, rec.Started, rec.Finished, rec.Run)
			}
			// The intent was journaled before the first change.
			if recs[0].Outcome != record.InProgress || len(recs) != 2 {
				t.Errorf("journal: want an in-progress intent then the result, got %d records, first %q", len(recs), recs[0].Outcome)
			}
			checkTranscript(t, rec)
			if fi, err := os.Stat(j1); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("journal mode: %v %v, want 0600", fi.Mode().Perm(), err)
			}

			st := dev.State()
			if !devsim.Has(st.TrustStore, identrustSHA1) {
				t.Fatalf("the running trust store lacks the CA: %v", sha1s(st.TrustStore))
			}
			if tc.persistent {
				if !devsim.Has(st.SavedStore, identrustSHA1) || st.Unsaved {
					t.Errorf("not saved: in startup %v, unsaved %v", devsim.Has(st.SavedStore, identrustSHA1), st.Unsaved)
				}
			}
			mutating := st.MutatingCommands()
			t.Logf("mutating commands: %q", mutating)
			if len(mutating) == 0 {
				t.Error("the lab recorded no mutating command for a remediation")
			}

			res, j2 := apply(t, l, "second.jsonl")
			if res.Code != 0 {
				t.Fatalf("second apply: exit %d\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
			}
			if r := last(t, readJournal(t, j2), "dut"); r.Outcome != record.AlreadyCompliant || r.Verdict != record.Compliant {
				t.Errorf("second apply: verdict %q outcome %q, want compliant/already-compliant", r.Verdict, r.Outcome)
			}

			final := l.Ended("dut")
			if got := final.MutatingCommands(); !slices.Equal(got, mutating) {
				t.Errorf("the second apply sent mutating commands: %q", got[len(mutating):])
			}
			devsimtest.CheckClean(t, final)
			if !tc.persistent {
				if devsim.Has(final.SavedStore, identrustSHA1) {
					t.Error("recorded non-persistent, but the CA is in the startup store")
				}
				dev.Reload()
				if devsim.Has(dev.State().TrustStore, identrustSHA1) {
					t.Error("recorded non-persistent, but the CA survived a reload")
				}
			}
		})
	}
}

func ptr(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
