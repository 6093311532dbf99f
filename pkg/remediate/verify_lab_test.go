package remediate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/fxos"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/remediate"
)

// unreadableAfter is the FXOS driver on a chassis whose trust-store
// listing cannot be read once the import ran (labels of an image nobody
// has seen): the fault is in what the device prints, so it is injected at
// the listing, and the sequence itself runs for real.
type unreadableAfter struct {
	fxos.Driver
	applied bool
}

func (d *unreadableAfter) Detect(r platform.Reader, ca *cert.CA, p platform.Prefs) (platform.State, error) {
	if d.applied {
		return platform.State{}, fmt.Errorf("fxos trustpoints: trustpoint %q: %w", "IdenTrustCRCA1", fxos.ErrUnreadable)
	}
	return d.Driver.Detect(r, ca, p)
}

func (d *unreadableAfter) Apply(sh platform.Shell, m record.Method, ca *cert.CA, p platform.Prefs) (platform.Result, error) {
	d.applied = true
	return d.Driver.Apply(sh, m, ca, p)
}

// TestCouldNotVerify: FXOS's commit-buffer has already saved when the
// listing turns out unreadable. The device is failed with "could not
// verify" (never "not installed": ca_present unknown), at the verify stage,
// so a resume treats it as possibly changed: the next run finds the CA and
// records it remediated, importing nothing again.
func TestCouldNotVerify(t *testing.T) {
	lab := devsimtest.Start(t, devsimtest.Default(t, []string{"fp4120-a"}), devsimtest.Options{})
	d := lab.InventoryDevice(t, "fp4120-a")
	spec, err := devsimtest.Registry(t).Lookup("fxos")
	if err != nil {
		t.Fatal(err)
	}
	blind := *spec
	blind.Driver = &unreadableAfter{}
	reg := platform.NewRegistry()
	if err := reg.Register(blind); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), devsimtest.Guard)
	defer cancel()
	r := &remediate.Runner{Registry: reg, CA: cert.Default(), Apply: true}
	rec := r.Device(ctx, d, 1).Record
	if rec.Outcome != record.Failed || rec.Stage != record.StageVerify || !strings.Contains(rec.Error, "could not verify") ||
		!strings.Contains(rec.Error, "no certificate chain") || rec.CAPresent != nil {
		t.Fatalf("outcome %q stage %q error %q ca_present %v; want failed at verify, could not verify, ca unknown",
			rec.Outcome, rec.Stage, rec.Error, rec.CAPresent)
	}
	if !rec.ChangeBegun() {
		t.Error("a resume would not treat the device as possibly changed")
	}
	if !devsim.Has(lab.Device("fp4120-a").State().SavedStore, cert.Default().SHA1()) {
		t.Fatal("setup: commit-buffer did not save the CA")
	}

	before := len(lab.Device("fp4120-a").State().MutatingCommands())
	r = &remediate.Runner{Registry: devsimtest.Registry(t), CA: cert.Default(), Apply: true,
		Interrupted: func(name string) bool { return rec.ChangeBegun() && name == rec.Name }}
	again := r.Device(ctx, d, 1).Record
	if again.Outcome != record.Remediated || again.Verdict != record.Compliant {
		t.Errorf("resume: verdict %q outcome %q error %q; want compliant and remediated", again.Verdict, again.Outcome, again.Error)
	}
	if m := lab.Device("fp4120-a").State().MutatingCommands()[before:]; len(m) != 0 {
		t.Errorf("the resume changed the device again: %q", m)
	}
}
