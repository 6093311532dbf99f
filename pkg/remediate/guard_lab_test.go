package remediate_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/remediate"
)

// tap passes everything to the real session and calls fire once the
// device has accepted the command that opens the certificate paste: the
// moment a second signal is most dangerous, made a state, not a timing.
type tap struct {
	platform.Shell
	on   string
	fire func()
}

func (t tap) Send(cmd string) (string, error) { return t.SendExpect(cmd) }

func (t tap) SendExpect(cmd string, expect ...*regexp.Regexp) (string, error) {
	out, err := t.Shell.SendExpect(cmd, expect...)
	if cmd == t.on {
		t.fire()
	}
	return out, err
}

// TestSecondSignalMidPaste: on every platform, a second signal that lands
// when the device waits for the pasted certificate stops the sequence, and
// its guard still ends the paste, leaves config mode and discards buffers:
// no half paste, no config mode, nothing pending, nothing changed.
func TestSecondSignalMidPaste(t *testing.T) {
	for _, tc := range []struct {
		platform, device, opens string
	}{
		{"iosxe", "{name: dut, platform: iosxe, version: 17.03.03, model: C9300-48P, quovadis: true}", "crypto pki trustpool import terminal"},
		{"iosxr", "{name: dut, platform: iosxr, version: 7.3.2, model: NCS-5500, quovadis: true}", "crypto ca authenticate Trustpool"},
		{"asa", "{name: dut, platform: asa, version: 9.16(3)19, model: ASAv10, quovadis: true}", "crypto ca authenticate IdenTrustCRCA1"},
		{"fxos", "{name: dut, platform: fxos, version: 2.10(1.159), model: FPR-4120-K9, quovadis: true}", "set certchain"},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			t.Parallel()
			lab := devsimtest.Start(t, devsimtest.Scenario(t, "devices:\n  - "+tc.device+"\n"), devsimtest.Options{})
			dev := lab.Device("dut")
			before := dev.State()
			sess := lab.Session(t, "dut", tc.platform)
			hard, abort := context.WithCancel(context.Background())
			defer abort()
			spec, err := devsimtest.Registry(t).Lookup(tc.platform)
			if err != nil {
				t.Fatal(err)
			}
			sh := remediate.Guard(tap{Shell: sess, on: tc.opens, fire: abort}, context.Background(), hard)
			_, err = spec.Apply(sh, record.MethodTerminal, cert.Default(), platform.Prefs{})
			if !errors.Is(err, remediate.ErrAborted) {
				t.Errorf("Apply: %v, want errAborted", err)
			}
			if hard.Err() == nil {
				t.Fatalf("the sequence never sent %q", tc.opens)
			}
			sess.Close()
			lab.Close()
			st := dev.State()
			if devsim.Has(st.TrustStore, cert.Default().SHA1()) {
				t.Error("the CA landed")
			}
			if tc.platform != "iosxr" && (!slices.Equal(st.Trustpoints, before.Trustpoints) || st.Unsaved) {
				t.Errorf("trustpoints %v (before %v), unsaved %v", st.Trustpoints, before.Trustpoints, st.Unsaved)
			}
			for _, s := range st.Sessions {
				if s.EndedInConfig || s.PendingBuffer || s.HalfPaste {
					t.Errorf("session %d ended dirty: mode %q config %v pending %v half paste %v; last lines %v",
						s.ID, s.EndMode, s.EndedInConfig, s.PendingBuffer, s.HalfPaste, s.Lines[max(0, len(s.Lines)-6):])
				}
			}
		})
	}
}
