package remediate

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/secret"
	"github.com/trustfix/trustfix/pkg/session"
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
			sc, err := devsim.ParseScenario("dut.yaml", []byte("defaults: {username: netops, password: lab-Pa55-w0rd, enable_password: lab-En4ble-k3y}\ndevices:\n  - "+tc.device+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			lab, err := devsim.Start(sc, devsim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer lab.Close()
			dev := lab.Device("dut")
			before := dev.State()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			sess, err := session.Open(ctx, session.Target{Name: "dut", Host: "127.0.0.1", Port: dev.Port(), Username: "netops",
				Password: secret.New("lab-Pa55-w0rd"), EnablePassword: secret.New("lab-En4ble-k3y"),
				HostKeyPolicy: "accept-new", KnownHosts: filepath.Join(t.TempDir(), "known_hosts")},
				session.Options{Platform: tc.platform, Deadline: time.Now().Add(time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			hard, abort := context.WithCancel(context.Background())
			defer abort()
			drv, err := registry.Default().Get(tc.platform)
			if err != nil {
				t.Fatal(err)
			}
			sh := guard(tap{Shell: sess, on: tc.opens, fire: abort}, hard)
			_, err = drv.Apply(sh, record.MethodTerminal, cert.Default(), platform.Prefs{})
			if !errors.Is(err, errAborted) {
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
