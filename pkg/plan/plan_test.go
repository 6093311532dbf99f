package plan_test

import (
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/plan"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
)

// TestDecide walks the SPEC's rules in the order Decide applies them, with
// the real platform Specs: who is out of scope, the upgrade-only
// appliances, a CA already present, the blockers the driver reports, then
// import_method (auto per platform, or the operator's choice) and its
// persistence, with the reason texts that come from the Specs' data.
func TestDecide(t *testing.T) {
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	spec := func(id string) *platform.Spec {
		s, err := reg.Lookup(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	supported := func(id, version string) detect.Facts {
		return detect.Facts{Platform: id, Supported: true, Version: version}
	}
	absent := &platform.State{}
	present := &platform.State{Trust: detect.Trust{CAPresent: true, CA: &detect.Cert{Store: "Trustpool: Built-In"}}}
	ephemeral := &platform.State{Trust: detect.Trust{CAPresent: true, CA: &detect.Cert{Store: "Trustpool"}}, LostOnReload: true}
	no, yes := false, true
	affected := &record.Advisory{Notice: "FN72289", Affected: true, Fixed: "12.5(1)SU5 or 14SU1"}
	fine := &record.Advisory{Notice: "FN72289", Affected: false, Note: "at or above the fixed release"}
	url := "http://www.cisco.com/security/pki/trs/ios_core.p7b"
	multiContext := platform.Blocker{Verdict: record.Unsupported, Reason: "ASA in multiple-context mode: fix it by hand in the system context"}
	fipsSHA1 := platform.Blocker{Verdict: record.Unsupported, Reason: "FIPS mode refuses SHA-1-signed CA certificates (QuoVadis Root CA 2 is one)"}

	tests := []struct {
		name       string
		in         plan.Input
		verdict    record.Verdict
		method     record.Method
		persistent *bool
		reason     string // a part the reason must contain
		fallback   record.Method
		followUp   bool // a compliant device lost on reload
	}{
		// Out of scope.
		{name: "classic IOS", in: plan.Input{Facts: detect.Facts{Platform: "ios", Reason: "classic IOS is not covered by the field notices"}},
			verdict: record.Unsupported, reason: "classic IOS"},
		{name: "FTD without a reason", in: plan.Input{Facts: detect.Facts{Platform: "ftd"}},
			verdict: record.Unsupported, reason: "ftd is not covered"},
		{name: "no driver", in: plan.Input{Facts: supported("nxos", "9.3(8)")},
			verdict: record.Unsupported, reason: "no trustfix driver for platform nxos"},

		// Upgrade-only appliances: the advisory decides.
		{name: "cer affected", in: plan.Input{Facts: supported("cer", "12.5(1)SU3"), Spec: spec("cer"), Advisory: affected},
			verdict: record.UpgradeRequired, reason: "upgrade to 12.5(1)SU5 or 14SU1 (FN72289)"},
		{name: "cer fixed", in: plan.Input{Facts: supported("cer", "14SU2"), Spec: spec("cer"), Advisory: fine},
			verdict: record.Compliant, reason: "at or above the fixed release"},
		{name: "esa without a version", in: plan.Input{Facts: supported("esa", ""), Spec: spec("esa")},
			verdict: record.Error, reason: "set version:"},
		{name: "wsa release not compared", in: plan.Input{Facts: supported("wsa", "11.7.2-011"), Spec: spec("wsa")},
			verdict: record.Error, reason: "could not be compared"},

		// A CLI platform whose store was not read is never "absent".
		{name: "store not read", in: plan.Input{Facts: supported("iosxe", "17.3.4"), Spec: spec("iosxe")},
			verdict: record.Error, reason: "not read"},

		// Present wins over every mode.
		{name: "present", in: plan.Input{Facts: supported("iosxe", "17.6.4"), Spec: spec("iosxe"), State: present},
			verdict: record.Compliant, reason: "(Trustpool: Built-In)"},
		{name: "present in multiple-context mode", in: plan.Input{Facts: supported("asa", "9.12(4)"), Spec: spec("asa"),
			State: &platform.State{Trust: present.Trust, Blockers: []platform.Blocker{multiContext}}},
			verdict: record.Compliant},

		// What the driver found in the way: the first blocker decides, with
		// the notes; notes also go with a remediate verdict.
		{name: "ASA multiple context", in: plan.Input{Facts: supported("asa", "9.12(4)"), Spec: spec("asa"), State: &platform.State{Blockers: []platform.Blocker{multiContext}}},
			verdict: record.Unsupported, reason: "multiple-context"},
		{name: "first blocker wins, with the notes", in: plan.Input{Facts: supported("asa", "9.8(4)10"), Spec: spec("asa"),
			State: &platform.State{Blockers: []platform.Blocker{multiContext, fipsSHA1}, Notes: []string{"FIPS mode refuses SHA-1-signed CA certificates"}}, CA: cert.QuoVadis()},
			verdict: record.Unsupported, reason: "fix it by hand in the system context; FIPS mode refuses SHA-1-signed CA certificates"},
		{name: "FIPS and a SHA-1 CA", in: plan.Input{Facts: supported("asa", "9.8(4)10"), Spec: spec("asa"),
			State: &platform.State{Blockers: []platform.Blocker{fipsSHA1}, Notes: []string{"FIPS mode refuses SHA-1-signed CA certificates"}}, CA: cert.QuoVadis()},
			verdict: record.Unsupported, reason: "FIPS mode refuses SHA-1-signed CA certificates (QuoVadis Root CA 2 is one)"},
		{name: "FIPS and IdenTrust (SHA-256)", in: plan.Input{Facts: supported("asa", "9.8(4)10"), Spec: spec("asa"), State: &platform.State{Notes: []string{"FIPS mode is on"}}},
			verdict: record.Remediate, method: record.MethodTerminal, persistent: &yes, reason: "(import_method auto); FIPS mode is on"},
		{name: "FXOS trustpoint in the way", in: plan.Input{Facts: supported("fxos", "2.8(1.105)"), Spec: spec("fxos"),
			State: &platform.State{Blockers: []platform.Blocker{{Verdict: record.Error, Reason: "trustpoint IdenTrustCRCA1 already exists with another certificate chain"}}}},
			verdict: record.Error, reason: "already exists"},

		// import_method auto, per platform (SPEC).
		{name: "iosxe auto", in: plan.Input{Facts: supported("iosxe", "17.3.4"), Spec: spec("iosxe"), State: absent, Prefs: platform.Prefs{Method: record.MethodAuto}},
			verdict: record.Remediate, method: record.MethodTerminal, persistent: &yes, reason: "(import_method auto)"},
		{name: "iosxe empty method is auto", in: plan.Input{Facts: supported("iosxe", "17.3.4"), Spec: spec("iosxe"), State: absent},
			verdict: record.Remediate, method: record.MethodTerminal, persistent: &yes},
		{name: "iosxr auto with a bundle", in: plan.Input{Facts: supported("iosxr", "7.3.2"), Spec: spec("iosxr"), State: absent,
			Prefs: platform.Prefs{Method: record.MethodAuto, BundleFile: "harddisk:/ios.p7b"}},
			verdict: record.Remediate, method: record.MethodFile, persistent: &yes, reason: "harddisk:/ios.p7b"},
		{name: "iosxr auto without a bundle", in: plan.Input{Facts: supported("iosxr", "6.5.3"), Spec: spec("iosxr"), State: absent,
			Prefs: platform.Prefs{Method: record.MethodAuto, BundleURL: url}},
			verdict: record.Remediate, method: record.MethodURL, fallback: record.MethodTerminal, persistent: &no, reason: "falls back to terminal, which does not survive a reload"},
		{name: "iosxr url chosen has no fallback", in: plan.Input{Facts: supported("iosxr", "6.5.3"), Spec: spec("iosxr"), State: absent,
			Prefs: platform.Prefs{Method: record.MethodURL, BundleURL: url}},
			verdict: record.Remediate, method: record.MethodURL, persistent: &yes, reason: "needs DNS and HTTP"},

		// A CA that a reload loses (IOS XR trustpoint Trustpool): a
		// follow-up, unless the operator's choice makes it last.
		{name: "iosxr lost on reload, auto without a bundle", in: plan.Input{Facts: supported("iosxr", "6.5.3"), Spec: spec("iosxr"), State: ephemeral,
			Prefs: platform.Prefs{Method: record.MethodAuto, BundleURL: url}},
			verdict: record.Compliant, persistent: &no, followUp: true, reason: "in the trust store (Trustpool) only until the next reload"},
		{name: "iosxr lost on reload, auto with a bundle", in: plan.Input{Facts: supported("iosxr", "6.5.3"), Spec: spec("iosxr"), State: ephemeral,
			Prefs: platform.Prefs{Method: record.MethodAuto, BundleFile: "harddisk:/ios.p7b"}},
			verdict: record.Remediate, method: record.MethodFile, persistent: &yes, reason: "only until the next reload (Trustpool): import it where it lasts"},
		{name: "iosxr lost on reload, url chosen", in: plan.Input{Facts: supported("iosxr", "6.5.3"), Spec: spec("iosxr"), State: ephemeral,
			Prefs: platform.Prefs{Method: record.MethodURL, BundleURL: url}},
			verdict: record.Remediate, method: record.MethodURL, persistent: &yes},
		{name: "iosxr lost on reload, terminal chosen", in: plan.Input{Facts: supported("iosxr", "6.5.3"), Spec: spec("iosxr"), State: ephemeral,
			Prefs: platform.Prefs{Method: record.MethodTerminal}},
			verdict: record.Compliant, persistent: &no, followUp: true},
		{name: "asa auto", in: plan.Input{Facts: supported("asa", "9.16(3)19"), Spec: spec("asa"), State: absent, Prefs: platform.Prefs{Method: record.MethodAuto}},
			verdict: record.Remediate, method: record.MethodTerminal, persistent: &yes},
		{name: "fxos auto", in: plan.Input{Facts: supported("fxos", "2.10(1.159)"), Spec: spec("fxos"), State: absent, Prefs: platform.Prefs{Method: record.MethodAuto}},
			verdict: record.Remediate, method: record.MethodTerminal, persistent: &yes},

		// The operator's method.
		{name: "iosxr terminal is not persistent", in: plan.Input{Facts: supported("iosxr", "7.3.2"), Spec: spec("iosxr"), State: absent,
			Prefs: platform.Prefs{Method: record.MethodTerminal}},
			verdict: record.Remediate, method: record.MethodTerminal, persistent: &no, reason: "lost on reload"},
		{name: "iosxe url", in: plan.Input{Facts: supported("iosxe", "17.3.4"), Spec: spec("iosxe"), State: absent,
			Prefs: platform.Prefs{Method: record.MethodURL, BundleURL: url}},
			verdict: record.Remediate, method: record.MethodURL, persistent: &yes, reason: "needs DNS and HTTP"},
		{name: "file without bundle_file", in: plan.Input{Facts: supported("iosxe", "17.3.4"), Spec: spec("iosxe"), State: absent,
			Prefs: platform.Prefs{Method: record.MethodFile}},
			verdict: record.Error, method: record.MethodFile, reason: "needs bundle_file"},
		{name: "file not on the device", in: plan.Input{Facts: supported("iosxe", "17.3.4"), Spec: spec("iosxe"), State: &platform.State{BundlePresent: &no},
			Prefs: platform.Prefs{Method: record.MethodFile, BundleFile: "flash:ios_core.p7b"}},
			verdict: record.Error, method: record.MethodFile, reason: "not on the device"},
		{name: "file on the device", in: plan.Input{Facts: supported("iosxe", "17.3.4"), Spec: spec("iosxe"), State: &platform.State{BundlePresent: &yes},
			Prefs: platform.Prefs{Method: record.MethodFile, BundleFile: "flash:ios_core.p7b"}},
			verdict: record.Remediate, method: record.MethodFile, persistent: &yes},
		{name: "asa file is not a method", in: plan.Input{Facts: supported("asa", "9.16(3)19"), Spec: spec("asa"), State: absent,
			Prefs: platform.Prefs{Method: record.MethodFile, BundleFile: "disk0:/ios.p7b"}},
			verdict: record.Unsupported, reason: "supports url, terminal"},
		{name: "fxos url is not a method", in: plan.Input{Facts: supported("fxos", "2.10(1.159)"), Spec: spec("fxos"), State: absent,
			Prefs: platform.Prefs{Method: record.MethodURL, BundleURL: url}},
			verdict: record.Unsupported, reason: "supports terminal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in.CA == nil {
				tt.in.CA = cert.Default()
			}
			d := plan.Decide(tt.in)
			if d.Verdict != tt.verdict || d.Method != tt.method || !sameBool(d.Persistent, tt.persistent) {
				t.Errorf("got %s %q persistent %s, want %s %q persistent %s (reason %q)",
					d.Verdict, d.Method, show(d.Persistent), tt.verdict, tt.method, show(tt.persistent), d.Reason)
			}
			if !strings.Contains(d.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", d.Reason, tt.reason)
			}
			if d.Reason == "" {
				t.Error("a decision without a reason")
			}
			if d.Verdict == record.Remediate && (d.Method == "" || d.Method == record.MethodAuto || d.Persistent == nil) {
				t.Errorf("remediate must name a concrete method and its persistence: %+v", d)
			}
			if d.Verdict != record.Remediate && d.Persistent != nil && d.FollowUp == "" {
				t.Errorf("persistent %s on a %s verdict", show(d.Persistent), d.Verdict)
			}
			if d.Fallback != tt.fallback {
				t.Errorf("fallback %q, want %q", d.Fallback, tt.fallback)
			}
			if (d.FollowUp != "") != tt.followUp || (tt.followUp && !strings.Contains(d.FollowUp, "bundle_file")) {
				t.Errorf("follow-up %q, want one: %v (saying what makes it last)", d.FollowUp, tt.followUp)
			}
		})
	}
}

// TestDecidePure: the same input gives the same decision, and Decide does
// not modify what it is given.
func TestDecidePure(t *testing.T) {
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := reg.Lookup("iosxr")
	st := &platform.State{Notes: []string{"n"}}
	in := plan.Input{Facts: detect.Facts{Platform: "iosxr", Supported: true, Version: "7.3.2"}, Spec: s, State: st,
		Prefs: platform.Prefs{Method: record.MethodAuto}, CA: cert.Default()}
	a, b := plan.Decide(in), plan.Decide(in)
	if a.Verdict != b.Verdict || a.Method != b.Method || a.Reason != b.Reason || *a.Persistent != *b.Persistent {
		t.Errorf("two decisions differ: %+v %+v", a, b)
	}
	if in.Prefs.Method != record.MethodAuto || len(st.Notes) != 1 {
		t.Errorf("Decide changed its input: %+v %+v", in.Prefs, st)
	}
}

func sameBool(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(b *bool) string {
	if b == nil {
		return "null"
	}
	if *b {
		return "true"
	}
	return "false"
}
