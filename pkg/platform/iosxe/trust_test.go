package iosxe

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/trustfix/trustfix/pkg/detect"
)

const fixtures = "../../../testdata/parsers/trust/iosxe"

func read(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseTrustpoolFixtures(t *testing.T) {
	for file, want := range map[string]struct {
		n           int
		present, qv bool
		store       string // of the IdenTrust entry
	}{
		"trustpool_builtin_present.txt": {24, true, true, "Trustpool: Built-In"},
		"trustpool_absent.txt":          {23, false, true, ""},
		"trustpool_seed001.txt":         {2, true, true, "Trustpool: Downloaded"},
		"trustpool_decoys.txt":          {3, false, false, ""},
		"trustpool_verbose.txt":         {3, true, true, "Trustpool: Built-In"},
		"trustpool_verbose_forged.txt":  {1, false, false, ""},
		"certificates_prompt_trap.txt":  {3, true, false, "IdenTrustCRCA1"},
	} {
		certs, err := ParseTrustpool(read(t, filepath.Join(fixtures, file)))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		tr := detect.Evaluate(certs, nil)
		if len(certs) != want.n || tr.CAPresent != want.present || tr.QuoVadisPresent != want.qv {
			t.Errorf("%s: %d certs, present=%v quovadis=%v; want %d %v %v", file, len(certs), tr.CAPresent, tr.QuoVadisPresent, want.n, want.present, want.qv)
		}
		if tr.CA != nil && tr.CA.Store != want.store {
			t.Errorf("%s: store %q, want %q", file, tr.CA.Store, want.store)
		}
		for i, c := range certs {
			if c.Serial == "" || c.Subject == "" {
				t.Errorf("%s: cert %d incomplete: %+v", file, i, c)
			}
		}
	}
}

func TestParseTrustpoolFields(t *testing.T) {
	certs, err := ParseTrustpool(read(t, filepath.Join(fixtures, "trustpool_verbose.txt")))
	if err != nil {
		t.Fatal(err)
	}
	want := detect.Cert{
		Subject: "cn=IdenTrust Commercial Root CA 1,o=IdenTrust,c=US",
		Issuer:  "cn=IdenTrust Commercial Root CA 1,o=IdenTrust,c=US",
		Serial:  "0A0142800000014523C844B500000002",
		SHA1:    "DF717EAA4AD94EC9558499602D48DE5FBCF03A25",
		Store:   "Trustpool: Built-In",
	}
	if certs[1] != want {
		t.Errorf("got  %+v\nwant %+v", certs[1], want)
	}
	// The router's own certificate: "Name: sw1" is not an RDN.
	certs, err = ParseTrustpool(read(t, filepath.Join(fixtures, "certificates_prompt_trap.txt")))
	if err != nil {
		t.Fatal(err)
	}
	if c := certs[0]; c.Subject != "cn=IOS-Self-Signed-Certificate-3601" || c.Serial != "01" || c.Store != "TP-self-signed-3601" {
		t.Errorf("self-signed: %+v", c)
	}
}

func TestParseTrustpoolErrors(t *testing.T) {
	for name, out := range map[string]string{
		"invalid input":  "show crypto pki trustpol\n                           ^\n% Invalid input detected at '^' marker.\n",
		"authorization":  "Command authorization failed.\n",
		"no serial":      "CA Certificate\n  Status: Available\n  Subject: \n    cn=x\n",
		"bad serial":     "CA Certificate\n  Certificate Serial Number (hex): 0A01ZZ\n",
		"short sha1":     "CA Certificate\n  Certificate Serial Number (hex): 01\n  Fingerprint SHA1: DF717EAA\n",
		"label outside":  "  Certificate Serial Number (hex): 0A0142800000014523C844B500000002\n  Subject:\n    cn=IdenTrust Commercial Root CA 1\n",
		"trailing block": "CA Certificate\n  Certificate Serial Number (hex): 01\n\nCA Certificate\n  Status: Available\n",
	} {
		if _, err := ParseTrustpool(out); err == nil {
			t.Errorf("%s: no error", name)
		} else if name == "invalid input" && !errors.Is(err, detect.ErrCommandFailed) {
			t.Errorf("%s: %v is not ErrCommandFailed", name, err)
		}
	}
	if certs, err := ParseTrustpool(""); err != nil || len(certs) != 0 {
		t.Errorf("empty: %v %v", certs, err)
	}
}

// TestCaptures reads every IOS XE device under testdata/captures the way
// `plan --captures` will, and checks the verdict its README promises.
func TestCaptures(t *testing.T) {
	want := map[string]bool{"c9300-campus-01": false, "ie3400-dock-01": true}
	versions, _ := filepath.Glob("../../../testdata/captures/*/show_version.txt")
	seen := 0
	for _, v := range versions {
		dir := filepath.Dir(v)
		f, err := detect.ParseVersion(read(t, v))
		if err != nil || f.Platform != detect.IOSXE {
			continue
		}
		seen++
		out := detect.CleanCapture(read(t, filepath.Join(dir, "show_crypto_pki_trustpool.txt")), "show crypto pki trustpool")
		certs, err := ParseTrustpool(out)
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		if got := detect.Evaluate(certs, nil).CAPresent; got != want[filepath.Base(dir)] {
			t.Errorf("%s: present=%v", dir, got)
		}
	}
	if seen != len(want) {
		t.Errorf("%d IOS XE captures, want %d", seen, len(want))
	}
}

func FuzzParseTrustpool(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.txt"))
	for _, p := range files {
		f.Add(read(f, p))
	}
	f.Fuzz(func(t *testing.T, out string) {
		certs, err := ParseTrustpool(out)
		if err != nil {
			return
		}
		for _, c := range certs {
			if c.Serial == "" && c.SHA1 == "" {
				t.Fatalf("cert without serial or SHA-1: %+v", c)
			}
			if c.SHA1 != "" && len(c.SHA1) != 40 {
				t.Fatalf("bad SHA-1 %q", c.SHA1)
			}
		}
		detect.Evaluate(certs, nil)
	})
}
