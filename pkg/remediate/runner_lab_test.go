package remediate_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/iosxe"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/remediate"
	"github.com/trustfix/trustfix/pkg/secret"
	"github.com/trustfix/trustfix/pkg/session"
)

// guard bounds a test; it is not an assertion about speed.
const guard = time.Minute

const oneXE = `
defaults: {username: netops, password: lab-Pa55-w0rd, enable_password: lab-En4ble-k3y}
devices:
  - {name: xe1, platform: iosxe, version: 17.03.03, model: C9300-48P, quovadis: true}
`

func startXE(t *testing.T) (*devsim.Lab, *devsim.Device, inventory.Device) {
	t.Helper()
	return startScenarioXE(t, oneXE)
}

// startScenarioXE is startXE for a variant of oneXE's scenario.
func startScenarioXE(t *testing.T, scenario string) (*devsim.Lab, *devsim.Device, inventory.Device) {
	t.Helper()
	sc, err := devsim.ParseScenario("xe1.yaml", []byte(scenario))
	if err != nil {
		t.Fatal(err)
	}
	lab, err := devsim.Start(sc, devsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lab.Close)
	dev := lab.Device("xe1")
	d := inventory.NewDevice("xe1", "127.0.0.1")
	d.Port, d.Platform, d.ImportMethod = dev.Port(), "iosxe", "auto"
	d.Username = "netops"
	d.Password, d.EnablePassword = secret.New("lab-Pa55-w0rd"), secret.New("lab-En4ble-k3y")
	d.HostKeyPolicy, d.KnownHosts = "accept-new", filepath.Join(t.TempDir(), "known_hosts")
	d.Timeout = guard
	return lab, dev, d
}

// TestSecondSignalBeforeChange: a second signal (Hard cancelled) that
// arrives once the intent is journaled stops the sequence at its first
// step: the device fails alone, nothing on it changes, and it is left at
// the exec prompt.
func TestSecondSignalBeforeChange(t *testing.T) {
	lab, dev, d := startXE(t)
	hard, abort := context.WithCancel(context.Background())
	defer abort()
	var intents []record.Record
	r := &remediate.Runner{Registry: registry.Default(), CA: cert.Default(), Apply: true, Hard: hard,
		BeforeChange: func(rec record.Record) error { intents = append(intents, rec); abort(); return nil }}
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	a := r.Device(ctx, d, 1)
	if a.Record.Outcome != record.Failed || !strings.Contains(a.Record.Error, "aborted") || a.Retryable {
		t.Errorf("outcome %q error %q retryable %v: want failed, aborted, not retried", a.Record.Outcome, a.Record.Error, a.Retryable)
	}
	if len(intents) != 1 || intents[0].Outcome != record.InProgress {
		t.Errorf("intents %v, want one in-progress record", intents)
	}
	lab.Close()
	st := dev.State()
	if m := st.MutatingCommands(); len(m) > 0 || st.Unsaved {
		t.Errorf("the device was changed: %q", m)
	}
	for _, s := range st.Sessions {
		if s.EndedInConfig || s.HalfPaste {
			t.Errorf("session %d ended in %q", s.ID, s.EndMode)
		}
	}
}

// TestInterruptedRunIsSaved: a device an earlier run imported into but
// never saved (the CA is in the running configuration only) is compliant
// by detection; when the journal says that run was changing it, the runner
// saves it and records it remediated, sending nothing but the save.
func TestInterruptedRunIsSaved(t *testing.T) {
	lab, dev, d := startXE(t)
	ca := cert.Default()
	// The earlier run, cut short after the import: the sequence alone,
	// no save.
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	sess, err := session.Open(ctx, session.Target{Name: d.Name, Host: d.Host, Port: d.Port, Username: d.Username,
		Password: d.Password, EnablePassword: d.EnablePassword, HostKeyPolicy: d.HostKeyPolicy, KnownHosts: d.KnownHosts},
		session.Options{Platform: "iosxe"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (iosxe.Driver{}).Apply(sess, record.MethodTerminal, ca, platform.Prefs{}); err != nil {
		t.Fatal(err)
	}
	sess.Close()
	if st := dev.State(); !devsim.Has(st.TrustStore, ca.SHA1()) || !st.Unsaved {
		t.Fatalf("setup: want the CA in running only")
	}
	before := len(dev.State().MutatingCommands())

	r := &remediate.Runner{Registry: registry.Default(), CA: ca, Apply: true,
		Interrupted: func(name string) bool { return name == "xe1" }}
	a := r.Device(ctx, d, 1)
	if a.Record.Outcome != record.Remediated || a.Record.Verdict != record.Compliant {
		t.Errorf("verdict %q outcome %q error %q: want compliant, remediated by the save", a.Record.Verdict, a.Record.Outcome, a.Record.Error)
	}
	lab.Close()
	st := dev.State()
	if !devsim.Has(st.SavedStore, ca.SHA1()) || st.Unsaved {
		t.Error("not saved")
	}
	if m := st.MutatingCommands()[before:]; len(m) != 1 || m[0] != "write memory" {
		t.Errorf("sent %q, want only write memory", m)
	}
}
