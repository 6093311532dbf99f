package asa_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/asa"
	"github.com/trustfix/trustfix/pkg/record"
)

// TestApplyFIPSRejectsSHA1CA drives the ASA terminal sequence directly with
// QuoVadis Root CA 2 (SHA-1 signed) on the FIPS device of the lab, past the
// plan that would refuse it up front: the device's own refusal ("not FIPS
// compliant", "% Error in saving certificate") must come back as ErrFIPS,
// and the trustpoint the sequence created must be removed again, leaving
// the device in exec mode with nothing unsaved.
func TestApplyFIPSRejectsSHA1CA(t *testing.T) {
	lab := devsimtest.Start(t, devsimtest.Default(t, []string{"asa-vpn-2"}, func(s *devsim.Spec) { s.QuoVadis = false }), devsimtest.Options{})
	dev, sess := lab.Device("asa-vpn-2"), lab.Session(t, "asa-vpn-2", "asa")
	ca := cert.QuoVadis()
	before := dev.State()

	st, err := asa.Driver{}.Detect(sess, ca, platform.Prefs{})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Blockers) != 1 || !strings.Contains(st.Blockers[0].Reason, "FIPS mode refuses SHA-1") || st.Trust.CAPresent {
		t.Fatalf("detect: blockers %+v, present %v; want the FIPS blocker and absent", st.Blockers, st.Trust.CAPresent)
	}

	_, err = asa.Driver{}.Apply(sess, record.MethodTerminal, ca, platform.Prefs{})
	if !errors.Is(err, asa.ErrFIPS) {
		t.Fatalf("Apply: %v, want asa.ErrFIPS", err)
	}
	t.Logf("Apply: %v", err)
	if !strings.Contains(err.Error(), "FIPS") {
		t.Errorf("the error %q does not say FIPS", err)
	}
	if p := sess.Prompt(); !strings.HasSuffix(strings.TrimSpace(p), "#") || strings.Contains(p, "(") {
		t.Errorf("left at prompt %q, want the privileged exec prompt", p)
	}
	mid := dev.State()
	if slices.Contains(mid.Trustpoints, ca.TrustpointName()) {
		t.Errorf("trustpoint %s was left behind: %v", ca.TrustpointName(), mid.Trustpoints)
	}
	if !slices.Equal(mid.Trustpoints, before.Trustpoints) || mid.Unsaved || devsim.Has(mid.TrustStore, ca.SHA1()) {
		t.Errorf("device changed: trustpoints %v (before %v), unsaved %v", mid.Trustpoints, before.Trustpoints, mid.Unsaved)
	}
	cmds := mid.MutatingCommands()
	if !slices.Contains(cmds, "no crypto ca trustpoint "+ca.TrustpointName()) {
		t.Errorf("the trustpoint was not removed by the sequence: %q", cmds)
	}

	sess.Close()
	lab.Close() // waits for the session to end
	for _, s := range dev.State().Sessions {
		if s.EndedInConfig || s.PendingBuffer || s.HalfPaste {
			t.Errorf("session %d ended dirty: mode %q", s.ID, s.EndMode)
		}
	}
}

// TestApplyIdenTrustOnFIPS: the same FIPS device accepts IdenTrust
// (SHA-256 signed) through the same sequence.
func TestApplyIdenTrustOnFIPS(t *testing.T) {
	lab := devsimtest.Start(t, devsimtest.Default(t, []string{"asa-vpn-2"}), devsimtest.Options{})
	dev, sess := lab.Device("asa-vpn-2"), lab.Session(t, "asa-vpn-2", "asa")
	ca := cert.Default()
	if _, err := (asa.Driver{}).Apply(sess, record.MethodTerminal, ca, platform.Prefs{}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if err := (asa.Driver{}).Save(sess); err != nil {
		t.Fatalf("Save: %v", err)
	}
	st := dev.State()
	if !devsim.Has(st.TrustStore, ca.SHA1()) || !devsim.Has(st.SavedStore, ca.SHA1()) || st.Unsaved {
		t.Errorf("not installed and saved: running %v saved %v unsaved %v",
			devsim.Has(st.TrustStore, ca.SHA1()), devsim.Has(st.SavedStore, ca.SHA1()), st.Unsaved)
	}
	sess.Close()
	lab.Close()
}
