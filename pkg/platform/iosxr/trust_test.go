package iosxr

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/trustfix/trustfix/pkg/detect"
)

const fixtures = "../../../testdata/parsers/trust/iosxr"

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
		store       string
	}{
		"trustpool_present.txt":       {26, true, true, "Trustpool: Built-In"},
		"trustpool_absent.txt":        {23, false, true, ""},
		"trustpool_decoys.txt":        {2, false, false, ""},
		"certificates_trustpoint.txt": {2, true, false, "Trustpool"},
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
			if c.Serial == "" || len(c.SHA1) != 40 || c.Subject == "" || c.Issuer == "" || c.Store == "" {
				t.Errorf("%s: cert %d incomplete: %+v", file, i, c)
			}
		}
	}
	certs, _ := ParseTrustpool(read(t, filepath.Join(fixtures, "trustpool_present.txt")))
	if last := certs[len(certs)-1]; last.Store != "Trustpool: Downloaded" {
		t.Errorf("second group: store %q", last.Store)
	}
}

// TestSeed004Display: the exact display of seed 004, without any heading or
// group, is one certificate matched by fingerprint.
func TestSeed004Display(t *testing.T) {
	const display = `  Serial Number  : 0A:01:42:80:00:00:01:45:23:C8:44:B5:00:00:00:02
  Subject:
        CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US
  Issued By      :
        CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US
  Validity Start : 18:12:23 UTC Thu Jan 16 2014
  Validity End   : 18:12:23 UTC Mon Jan 16 2034
  SHA1 Fingerprint:
         DF717EAA4AD94EC9558499602D48DE5FBCF03A25
Do you accept this certificate? [yes/no]: `
	certs, err := ParseTrustpool(display + "\n" + display)
	if err != nil {
		t.Fatal(err)
	}
	want := detect.Cert{
		Subject: "CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US",
		Issuer:  "CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US",
		Serial:  "0A0142800000014523C844B500000002",
		SHA1:    "DF717EAA4AD94EC9558499602D48DE5FBCF03A25",
	}
	if len(certs) != 2 || certs[0] != want || certs[1] != want {
		t.Errorf("got %+v", certs)
	}
}

func TestParseTrustpoolErrors(t *testing.T) {
	for name, out := range map[string]string{
		"invalid input":  "Wed Mar 14 12:31:28.607 UTC\n                         ^\n% Invalid input detected at '^' marker.\n",
		"not authorized": "% This command is not authorized\n",
		"heading only":   "Trustpool: Built-In\n=====\nCA certificate \n  Subject:\n        CN=x\n",
		"bad sha1":       "CA certificate\n  Serial Number  : 01\n  SHA1 Fingerprint:\n         DF717EAA\n",
		"bad serial":     "CA certificate\n  Serial Number  : 0G:01\n",
	} {
		_, err := ParseTrustpool(out)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if name == "invalid input" && !errors.Is(err, detect.ErrCommandFailed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if certs, err := ParseTrustpool("Wed Mar 14 12:31:28.607 UTC\n\n"); err != nil || len(certs) != 0 {
		t.Errorf("empty store: %v %v", certs, err)
	}
}

func TestCaptures(t *testing.T) {
	want := map[string]bool{"ncs5500-core-01": false}
	versions, _ := filepath.Glob("../../../testdata/captures/*/show_version.txt")
	seen := 0
	for _, v := range versions {
		dir := filepath.Dir(v)
		f, err := detect.ParseVersion(read(t, v))
		if err != nil || f.Platform != detect.IOSXR {
			continue
		}
		seen++
		out := detect.CleanCapture(read(t, filepath.Join(dir, "show_crypto_ca_trustpool.txt")), "show crypto ca trustpool")
		certs, err := ParseTrustpool(out)
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		if tr := detect.Evaluate(certs, nil); tr.CAPresent != want[filepath.Base(dir)] || !tr.QuoVadisPresent {
			t.Errorf("%s: %+v", dir, tr)
		}
	}
	if seen != len(want) {
		t.Errorf("%d IOS XR captures, want %d", seen, len(want))
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
