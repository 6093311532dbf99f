package fxos

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform/platformtest"
)

const fixtures = "../../../testdata/parsers/trust/fxos"

func TestParseTrustpointsFixtures(t *testing.T) {
	got := platformtest.Fixtures(t, fixtures, ParseTrustpoints, map[string]platformtest.Want{
		"trustpoint_present.txt": {N: 4, Present: true, QuoVadis: true, Store: "IdenTrustCRCA1"},
		"trustpoint_absent.txt":  {N: 2, QuoVadis: true},
		// The lab's alt wording: other labels, the PEM after the label.
		"trustpoint_relabelled.txt": {N: 2, Present: true, QuoVadis: true, Store: "IdenTrustCRCA1"},
	}, func(c detect.Cert) bool { return len(c.SHA1) == 40 && c.Serial != "" && c.Subject != "" })
	for file, want := range map[string][]string{
		"trustpoint_present.txt": {"QuoVadisRootCA2", "IdenTrustCRCA1", "LabChain", "LabChain"},
		"trustpoint_absent.txt":  {"QuoVadisRootCA2", "LabRoot"},
	} {
		certs, ok := got[file]
		if !ok {
			continue
		}
		var stores []string
		for _, c := range certs {
			stores = append(stores, c.Store)
		}
		if strings.Join(stores, " ") != strings.Join(want, " ") {
			t.Errorf("%s: stores %v, want %v", file, stores, want)
		}
		if ca := detect.Evaluate(certs, nil).CA; ca != nil && ca.SHA1 != cert.Default().SHA1() {
			t.Errorf("%s: CA %+v", file, ca)
		}
	}
}

func TestParseTrustpointsShapes(t *testing.T) {
	id := strings.TrimSpace(string(cert.Default().PEM()))
	qv := strings.TrimSpace(string(cert.QuoVadis().PEM()))
	prefixed := func(pem, p string) string {
		return p + strings.ReplaceAll(pem, "\n", "\n"+p)
	}
	for name, tc := range map[string]struct {
		out    string
		stores []string
	}{
		"prompted paste": {"Trustpoint Name: A\nTrustpoint Certificate Chain:\n" + prefixed(id, ">") + "\n>ENDOFBUF\n", []string{"A"}},
		"crlf indented":  {strings.ReplaceAll("Name: B\n"+prefixed(qv, "      ")+"\n", "\n", "\r\n"), []string{"B"}},
		"two on a line":  {"Trustpoint Name: C\n" + strings.ReplaceAll(id+qv, "\n", " ") + "\n", []string{"C", "C"}},
		"joined ends":    {"Trustpoint Name: D\n" + id + qv + "\n", []string{"D", "D"}},
		"no name":        {id + "\n", []string{""}},
		"prompt trap":    {"FPR4120-1-A /security # show trustpoint\nTrustpoint Name: E\n  Note: FPR-A#1\n" + id + "\nFPR4120-1-A /security # ", []string{"E"}},
		"empty":          {"", nil},
		"no certificate": {"Trustpoint Name: F\n    Cert Status: Empty\n", nil},
		"bare label":     {"Trustpoint: G\n    Certificate Chain: " + id + "\n", []string{"G"}},
	} {
		certs, err := ParseTrustpoints(tc.out)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var stores []string
		for _, c := range certs {
			stores = append(stores, c.Store)
		}
		if strings.Join(stores, ",") != strings.Join(tc.stores, ",") {
			t.Errorf("%s: stores %q, want %q", name, stores, tc.stores)
		}
	}
}

func TestParseTrustpointsErrors(t *testing.T) {
	id := string(cert.Default().PEM())
	for name, out := range map[string]string{
		"damaged fixture": platformtest.Read(t, filepath.Join(fixtures, "trustpoint_damaged.txt")),
		"cut short":       "Trustpoint Name: A\n" + id[:300],
		"begin twice":     "Trustpoint Name: A\n" + id[:300] + "\n" + id,
		"garbage body":    "Trustpoint Name: A\n-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
		"invalid command": "% Invalid Command at '^' marker\n",
		"error line":      "Error: Managed object does not exist\n",
		// Unreadable, not absent: names without chains, or nothing known.
		"summary unreadable": platformtest.Read(t, filepath.Join(fixtures, "trustpoint_summary_unreadable.txt")),
		"chain unreadable":   "Trustpoint Name: A\n    Cert Status: Valid\n",
		"one chain missing":  "Trustpoint Name: A\n" + id + "\nTrustpoint Name: B\n    Trustpoint certificate chain:\n    Cert Status: Valid\n",
		"text unreadable":    "QuoVadisRootCA2 (valid, 1 certificate)\n",
	} {
		_, err := ParseTrustpoints(out)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if strings.HasSuffix(name, "command") && !errors.Is(err, detect.ErrCommandFailed) {
			t.Errorf("%s: %v", name, err)
		}
		if strings.HasSuffix(name, "unreadable") && !errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: %v is not ErrUnreadable", name, err)
		}
	}
}

func TestCaptures(t *testing.T) {
	for dev, tr := range platformtest.Captures(t, detect.FXOS, TrustCommand, ParseTrustpoints,
		map[string]bool{"fpr4120-chassis-a": true, "fp9300-chassis-b": false}) {
		if !tr.QuoVadisPresent {
			t.Errorf("%s: %+v", dev, tr)
		}
	}
}

func FuzzParseTrustpoints(f *testing.F) {
	platformtest.SeedFuzz(f, fixtures)
	f.Add("Name: x\n>" + string(cert.QuoVadis().PEM()))
	f.Fuzz(func(t *testing.T, out string) {
		if certs, err := ParseTrustpoints(out); err == nil {
			platformtest.CheckCerts(t, certs, func(c detect.Cert) bool { return c.Serial != "" && len(c.SHA1) == 40 })
		}
	})
}
