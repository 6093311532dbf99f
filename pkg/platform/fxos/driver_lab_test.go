package fxos_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/fxos"
	"github.com/trustfix/trustfix/pkg/record"
)

// TestApplyTrustpointExists drives the FXOS sequence directly on fp9300-b,
// whose trustpoint of our name (IdenTrustCRCA1) already holds QuoVadis,
// past the plan that refuses it up front. `create trustpoint` answers
// "Error: Managed object already exists": the sequence must fail with
// ErrConflict, discard the buffer, return to the top scope, and leave the
// trustpoint and its chain exactly as they were.
func TestApplyTrustpointExists(t *testing.T) {
	lab := devsimtest.Start(t, devsimtest.Default(t, []string{"fp9300-b"}), devsimtest.Options{})
	dev, sess := lab.Device("fp9300-b"), lab.Session(t, "fp9300-b", "fxos")
	ca := cert.Default()
	before := dev.State()

	st, err := fxos.Driver{}.Detect(sess, ca, platform.Prefs{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Trust.CAPresent || len(st.Blockers) != 1 || st.Blockers[0].Verdict != record.Error || !strings.Contains(st.Blockers[0].Reason, ca.TrustpointName()) {
		t.Fatalf("detect: present %v blockers %+v, want an error blocker on %s", st.Trust.CAPresent, st.Blockers, ca.TrustpointName())
	}

	_, err = fxos.Driver{}.Apply(sess, record.MethodTerminal, ca, platform.Prefs{})
	t.Logf("Apply: %v", err)
	if !errors.Is(err, platform.ErrConflict) || !strings.Contains(err.Error(), "Managed object already exists") {
		t.Fatalf("Apply: %v, want ErrConflict quoting the device", err)
	}
	if p := sess.Prompt(); strings.Contains(p, "/") || strings.Contains(p, "*") {
		t.Errorf("left at %q, want the top scope with nothing pending", p)
	}
	after := dev.State()
	cmds := after.MutatingCommands()
	if !slices.Contains(cmds, "discard-buffer") {
		t.Errorf("the sequence did not discard the buffer: %q", cmds)
	}
	if !slices.Equal(after.Trustpoints, before.Trustpoints) || after.Unsaved {
		t.Errorf("trustpoints %v (before %v), unsaved %v", after.Trustpoints, before.Trustpoints, after.Unsaved)
	}
	for _, c := range after.TrustStore {
		if c.Store == ca.TrustpointName() && c.SHA1 != cert.QuoVadis().SHA1() {
			t.Errorf("%s now holds %s %s, want QuoVadis unchanged", c.Store, c.CommonName, c.SHA1)
		}
	}
	if devsim.Has(after.TrustStore, ca.SHA1()) {
		t.Error("the CA landed despite the conflict")
	}

	sess.Close()
	lab.Close() // waits for the session to end
	for _, s := range dev.State().Sessions {
		if s.EndedInConfig || s.PendingBuffer || s.HalfPaste {
			t.Errorf("session %d ended dirty: scope %q pending %v half paste %v", s.ID, s.EndMode, s.PendingBuffer, s.HalfPaste)
		}
	}
}
