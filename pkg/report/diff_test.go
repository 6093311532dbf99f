package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
)

// diffItems is one planned device per platform × method of the real
// registry (and XR's url under auto, which may fall back), then two
// devices that send nothing.
func diffItems(t *testing.T) []Planned {
	t.Helper()
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	ca := cert.Default()
	bundle := map[string]string{"iosxe": "flash:ios_core.p7b", "iosxr": "harddisk:/ios.p7b"}
	var items []Planned
	add := func(spec *platform.Spec, m record.Method, prefs platform.Prefs, name string) {
		seq, err := spec.Describe(m, ca, prefs)
		if err != nil {
			t.Fatalf("%s %s: %v", spec.ID, m, err)
		}
		bo, _ := spec.BackoutOf(seq.Method, ca)
		items = append(items, Planned{
			Record: record.Record{Name: name, Host: "10.0.0.1", Port: 22, Platform: spec.ID, Version: "1.0", Verdict: record.Remediate,
				Method: m, QuoVadisPresent: record.Bool(true)},
			Sequence: &seq, Backout: &bo, CA: ca.CommonName(), CASHA256: ca.SHA256(),
		})
	}
	for _, spec := range reg.Specs() {
		if !spec.CLI() {
			continue
		}
		for _, m := range spec.Methods {
			prefs := platform.Prefs{Method: m.Name, BundleURL: inventory.DefaultBundleURL, BundleFile: bundle[spec.ID]}
			add(spec, m.Name, prefs, spec.ID+"-"+string(m.Name))
		}
	}
	xr, _ := reg.Lookup("iosxr")
	add(xr, record.MethodURL, platform.Prefs{Method: record.MethodAuto, BundleURL: inventory.DefaultBundleURL}, "iosxr-auto-url")
	items = append(items,
		Planned{Record: record.Record{Name: "done-1", Platform: "iosxe", Verdict: record.Compliant}},
		Planned{Record: record.Record{Name: "esa-1", Platform: "esa", Verdict: record.UpgradeRequired, Reason: "no fix by CLI: upgrade to 14.2.1"}},
	)
	return items
}

// TestDiffGolden: `plan --diff` for every platform × method.
func TestDiffGolden(t *testing.T) {
	items := diffItems(t)
	var buf bytes.Buffer
	if err := RenderDiff(&buf, items, Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "plan.diff", buf.Bytes())
	out := buf.String()
	ca := cert.Default()
	if strings.Contains(out, ca.Base64Lines()[1]) {
		t.Error("the diff shows the PEM body instead of the subject and fingerprint")
	}
	if n := strings.Count(out, "SHA-256 "+ca.SHA256()); n < len(items)-2 {
		t.Errorf("the certificate's SHA-256 appears %d times", n)
	}
	buf.Reset()
	if err := RenderMethodCounts(&buf, items, Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "plan.diff.counts", buf.Bytes())
}
