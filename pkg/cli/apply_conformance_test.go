package cli_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// conformance is one platform × method: a one-device lab whose device
// needs the CA and has what the method needs (a bundle file, internet).
type conformance struct {
	platform, method string
	device           string // scenario devices: YAML, a flow mapping starting "{name: dut, "
	// persistent false: the fix is lost on reload (IOS XR terminal).
	persistent bool
	// used is the method the record must name, when not method (auto's
	// choice, or its fallback); fallback: one was taken.
	used     string
	fallback bool
}

var conformanceCases = []conformance{
	{platform: "iosxe", method: "terminal", persistent: true, device: `
  - {name: dut, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true, import_method: terminal}`},
	{platform: "iosxe", method: "url", persistent: true, device: `
  - {name: dut, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true, import_method: url}`},
	{platform: "iosxe", method: "file", persistent: true, device: `
  - {name: dut, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true, import_method: file,
     files: ["flash:ios_core.p7b"], bundle_file: "flash:ios_core.p7b", faults: {no_internet: true}}`},
	{platform: "iosxr", method: "url", persistent: true, device: `
  - {name: dut, platform: iosxr, version: 7.3.2, model: NCS-5500, rp: RP/0/RP0/CPU0, quovadis: true, import_method: url}`},
	{platform: "iosxr", method: "file", persistent: true, device: `
  - {name: dut, platform: iosxr, version: 7.3.2, model: NCS-5500, rp: RP/0/RP0/CPU0, quovadis: true, import_method: file,
     files: ["harddisk:/ios.p7b"], bundle_file: "harddisk:/ios.p7b", faults: {no_internet: true}}`},
	{platform: "iosxr", method: "terminal", persistent: false, device: `
  - {name: dut, platform: iosxr, version: 6.5.3, model: ASR-9010, quovadis: true, import_method: terminal, faults: {no_internet: true}}`},
	// auto without a bundle and without internet: url fails, whatever the
	// device says, and the terminal fallback is a follow-up.
	{platform: "iosxr", method: "auto", used: "terminal", fallback: true, persistent: false, device: `
  - {name: dut, platform: iosxr, version: 6.5.3, model: ASR-9010, quovadis: true, import_method: auto, faults: {no_internet: true}}`},
	{platform: "asa", method: "terminal", persistent: true, device: `
  - {name: dut, platform: asa, version: 9.16(3)19, model: ISA-3000-2C2F, quovadis: true, import_method: terminal,
     faults: {error_reporting_prompt: true, no_internet: true}}`},
	{platform: "asa", method: "url", persistent: true, device: `
  - {name: dut, platform: asa, version: 9.16(3)19, model: ISA-3000-2C2F, quovadis: true, import_method: url}`},
	{platform: "fxos", method: "terminal", persistent: true, device: `
  - {name: dut, platform: fxos, version: 2.10(1.159), model: FPR-4120-K9, quovadis: true, import_method: terminal}`},
}

// TestApplyConformance runs `apply --yes --journal` against one simulated
// device per platform × method × wording variant (devsim.Wordings) over
// real SSH: the proof that no driver depends on an unconfirmed message.
// Where the variant asks what a careful tool must not answer (Stops), the
// device must be left exactly as found, the record failed with the
// device's question, decided as an unexpected question (not a deadline).
// Otherwise it proves, from the lab's own state: the CA is in the running
// trust store by SHA-1; it is saved (or, for a fix lost on reload,
// recorded persistent: false with a follow_up, exit 2, and really gone
// after a reload); no session ended in config mode, with a pending buffer
// or in a half paste; the journal line is complete; and a second apply is
// already-compliant and sends no mutating command.
func TestApplyConformance(t *testing.T) {
	t.Parallel()
	for _, tc := range conformanceCases {
		for _, w := range devsim.Wordings(tc.platform) {
			name := w.Name
			if name == "" {
				name = "default"
			}
			t.Run(tc.platform+"/"+tc.method+"/"+name, func(t *testing.T) {
				t.Parallel()
				device := strings.Replace(tc.device, "{name: dut, ", "{name: dut, wording: '"+w.Name+"', ", 1)
				l := devsimtest.Start(t, devsimtest.Scenario(t, "devices:"+device), devsimtest.Options{})
				if slices.Contains(w.Stops, tc.method) {
					conformanceStop(t, l, tc)
				} else {
					conformanceFix(t, l, tc)
				}
			})
		}
	}
}

// conformanceStop: the device asks a question nobody may answer. The run
// fails the device with its question, within the question wait, and the
// device is left exactly as found.
func conformanceStop(t *testing.T, l *devsimtest.Lab, tc conformance) {
	dev := l.Device("dut")
	before := dev.State()
	res, j := apply(t, l, "first.jsonl")
	if res.Code != cli.ExitDevices {
		t.Fatalf("apply: exit %d, want 2\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	rec := last(t, readJournal(t, j), "dut")
	if rec.Outcome != record.Failed || !strings.Contains(rec.Error, "unexpected question") || !strings.Contains(rec.Error, "[yes/no]") {
		t.Fatalf("journal: outcome %q error %q; want failed on the device's question", rec.Outcome, rec.Error)
	}
	if strings.Contains(rec.Error, "deadline") || strings.Contains(rec.Error, "did not answer in time") {
		t.Errorf("error %q: the question was waited out, not decided", rec.Error)
	}
	if rec.CAPresent == nil || *rec.CAPresent || rec.Fallback != "" {
		t.Errorf("ca_present %v fallback %q: want the store read again (absent) and no other method tried", ptr(rec.CAPresent), rec.Fallback)
	}
	final := l.Ended("dut")
	devsimtest.CheckClean(t, final)
	if !slices.Equal(sha1s(final.TrustStore), sha1s(before.TrustStore)) || !slices.Equal(sha1s(final.SavedStore), sha1s(before.SavedStore)) {
		t.Errorf("the trust store changed:\nbefore %v\nafter  %v", sha1s(before.TrustStore), sha1s(final.TrustStore))
	}
	if !slices.Equal(final.Files, before.Files) || final.Unsaved {
		t.Errorf("files %v (before %v), unsaved %v: not left as found", final.Files, before.Files, final.Unsaved)
	}
}

// conformanceFix: the method completes and the lab proves it.
func conformanceFix(t *testing.T, l *devsimtest.Lab, tc conformance) {
	dev := l.Device("dut")
	before := dev.State()
	if devsim.Has(before.TrustStore, identrustSHA1) {
		t.Fatal("the scenario already has the CA")
	}
	exit := 0
	if !tc.persistent {
		exit = cli.ExitDevices // a follow-up nobody accepted
	}
	res, j1 := apply(t, l, "first.jsonl")
	if res.Code != exit {
		t.Fatalf("apply: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.Code, exit, res.Stdout, res.Stderr)
	}
	recs := readJournal(t, j1)
	rec := last(t, recs, "dut")
	if rec.Outcome != record.Remediated || rec.Stage != "done" || rec.Error != "" {
		t.Fatalf("journal: outcome %q stage %q error %q, want remediated/done", rec.Outcome, rec.Stage, rec.Error)
	}
	used := tc.used
	if used == "" {
		used = tc.method
	}
	if string(rec.Method) != used || (rec.Fallback != "") != tc.fallback {
		t.Errorf("journal: method %q fallback %q, want %s (fallback taken: %v)", rec.Method, rec.Fallback, used, tc.fallback)
	}
	if rec.Persistent == nil || *rec.Persistent != tc.persistent || (rec.FollowUp != "") == tc.persistent {
		t.Errorf("journal: persistent %v follow_up %q, want %v (and a follow-up only when lost on reload)", ptr(rec.Persistent), rec.FollowUp, tc.persistent)
	}
	if !strings.Contains(rec.Reason, methodWords[used]) {
		t.Errorf("journal: reason %q does not name the method used (%s)", rec.Reason, used)
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

	// Again: nothing to do. A fix lost on reload stays a follow-up; the
	// operator accepts it here (--allow-non-persistent: exit 0).
	var extra []string
	if !tc.persistent {
		extra = append(extra, "--allow-non-persistent")
	}
	res, j2 := apply(t, l, "second.jsonl", extra...)
	if res.Code != 0 {
		t.Fatalf("second apply: exit %d\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	r := last(t, readJournal(t, j2), "dut")
	if r.Outcome != record.AlreadyCompliant || r.Verdict != record.Compliant {
		t.Errorf("second apply: verdict %q outcome %q, want compliant/already-compliant", r.Verdict, r.Outcome)
	}
	if !tc.persistent && (r.FollowUp == "" || !r.NonPersistentAllowed) {
		t.Errorf("second apply: follow_up %q allowed %v; want the CA still found lost on reload, and accepted", r.FollowUp, r.NonPersistentAllowed)
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
}

// methodWords is how a reason names each method.
var methodWords = map[string]string{
	"terminal": "paste the certificate at the terminal",
	"url":      "trustpool import from http",
	"file":     "trustpool import from ",
}

func ptr(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
