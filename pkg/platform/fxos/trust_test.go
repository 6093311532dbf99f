package fxos

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
)

const fixtures = "../../../testdata/parsers/trust/fxos"

func read(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseTrustpointsFixtures(t *testing.T) {
	for file, want := range map[string]struct {
		stores      []string
		present, qv bool
	}{
		"trustpoint_present.txt": {[]string{"QuoVadisRootCA2", "IdenTrustCRCA1", "LabChain", "LabChain"}, true, true},
		"trustpoint_absent.txt":  {[]string{"QuoVadisRootCA2", "LabRoot"}, false, true},
	} {
		certs, err := ParseTrustpoints(read(t, filepath.Join(fixtures, file)))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		var stores []string
		for _, c := range certs {
			stores = append(stores, c.Store)
			if len(c.SHA1) != 40 || c.Serial == "" || c.Subject == "" {
				t.Errorf("%s: incomplete %+v", file, c)
			}
		}
		if strings.Join(stores, " ") != strings.Join(want.stores, " ") {
			t.Errorf("%s: stores %v, want %v", file, stores, want.stores)
		}
		tr := detect.Evaluate(certs, nil)
		if tr.CAPresent != want.present || tr.QuoVadisPresent != want.qv {
			t.Errorf("%s: present=%v quovadis=%v", file, tr.CAPresent, tr.QuoVadisPresent)
		}
		if tr.CA != nil && (tr.CA.SHA1 != cert.Default().SHA1() || tr.CA.Store != "IdenTrustCRCA1") {
			t.Errorf("%s: CA %+v", file, tr.CA)
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
		"damaged fixture": read(t, filepath.Join(fixtures, "trustpoint_damaged.txt")),
		"cut short":       "Trustpoint Name: A\n" + id[:300],
		"begin twice":     "Trustpoint Name: A\n" + id[:300] + "\n" + id,
		"garbage body":    "Trustpoint Name: A\n-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
		"invalid command": "% Invalid Command at '^' marker\n",
		"error line":      "Error: Managed object does not exist\n",
	} {
		_, err := ParseTrustpoints(out)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if strings.HasSuffix(name, "command") && !errors.Is(err, detect.ErrCommandFailed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCaptures(t *testing.T) {
	want := map[string]bool{"fpr4120-chassis-a": true, "fp9300-chassis-b": false}
	versions, _ := filepath.Glob("../../../testdata/captures/*/show_version.txt")
	seen := 0
	for _, v := range versions {
		dir := filepath.Dir(v)
		f, err := detect.ParseVersion(read(t, v))
		if err != nil || f.Platform != detect.FXOS {
			continue
		}
		seen++
		certs, err := ParseTrustpoints(detect.CleanCapture(read(t, filepath.Join(dir, "show_trustpoint.txt")), "show trustpoint"))
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		if tr := detect.Evaluate(certs, nil); tr.CAPresent != want[filepath.Base(dir)] || !tr.QuoVadisPresent {
			t.Errorf("%s: %+v", dir, tr)
		}
	}
	if seen != len(want) {
		t.Errorf("%d FXOS captures, want %d", seen, len(want))
	}
}

func FuzzParseTrustpoints(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.txt"))
	for _, p := range files {
		f.Add(read(f, p))
	}
	f.Add("Name: x\n>" + string(cert.QuoVadis().PEM()))
	f.Fuzz(func(t *testing.T, out string) {
		certs, err := ParseTrustpoints(out)
		if err != nil {
			return
		}
		for _, c := range certs {
			if c.Serial == "" || len(c.SHA1) != 40 {
				t.Fatalf("cert without serial or SHA-1: %+v", c)
			}
		}
		detect.Evaluate(certs, nil)
	})
}
