package cert

import (
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var loadNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func pemOf(ders ...[]byte) []byte {
	var out []byte
	for _, d := range ders {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d})...)
	}
	return out
}

func TestLoadReference(t *testing.T) {
	for _, tc := range []struct{ path, sha1 string }{
		{"identrust-commercial-root-ca-1.pem", "DF717EAA4AD94EC9558499602D48DE5FBCF03A25"},
		{"quovadis-root-ca-2.pem", "CA3AFBCF1240364B44B216208880483919937CF7"},
	} {
		ca, err := Load(tc.path, loadNow)
		if err != nil {
			t.Errorf("Load(%s): %v", tc.path, err)
			continue
		}
		if ca.SHA1() != tc.sha1 {
			t.Errorf("Load(%s).SHA1 = %s", tc.path, ca.SHA1())
		}
	}
	// QuoVadis itself expires on 2031-11-24.
	if _, err := Load("quovadis-root-ca-2.pem", time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, ErrExpired) {
		t.Errorf("QuoVadis in 2032: err = %v, want ErrExpired", err)
	}
}

func TestLoadRejects(t *testing.T) {
	leaf := mustCert(t, template("leaf.example.com", false, big.NewInt(7), loadNow.Add(-time.Hour)))
	noBC := template("no-bc", false, big.NewInt(8), loadNow.Add(-time.Hour))
	noBC.BasicConstraintsValid = false
	future := mustCert(t, template("Future CA", true, big.NewInt(9), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	ca := mustCert(t, template("Good CA", true, big.NewInt(10), loadNow.Add(-time.Hour)))
	hydrant, err := os.ReadFile("testdata/hydrantid-ssl-ica-g2.pem")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		want    string
		wantErr error
	}{
		{"hydrant.pem", hydrant, "hydrant.pem: expired on 2023-12-17", ErrExpired},
		{"ca.pem", pemOf(leaf.Raw), "ca.pem: not a CA certificate (basicConstraints CA:FALSE)", ErrNotCA},
		{"nobc.pem", pemOf(mustCert(t, noBC).Raw), "nobc.pem: not a CA certificate (no basicConstraints)", ErrNotCA},
		{"ca.pem", []byte("hello, this is not a certificate\n"), "ca.pem: no PEM certificate found", ErrNoCertificate},
		{"empty.pem", nil, "empty.pem: no PEM certificate found", ErrNoCertificate},
		{"key.pem", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "key.pem: no PEM certificate found", ErrNoCertificate},
		{"broken.pem", []byte("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"), "broken.pem: no PEM certificate found", ErrNoCertificate},
		{"future.pem", pemOf(future.Raw), "future.pem: not yet valid (valid from 2030-01-01)", ErrNotYetValid},
		{"chain.pem", pemOf(ca.Raw, Default().Cert.Raw), "chain.pem: more than one certificate (2 found; want exactly one)", ErrMultiple},
	} {
		_, err := Load(writeFile(t, tc.name, tc.data), loadNow)
		if err == nil {
			t.Errorf("%s: loaded, want %q", tc.name, tc.want)
			continue
		}
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: %v is not %v", tc.name, err, tc.wantErr)
		}
		// The path is a temp dir; the message after it is the contract.
		msg := filepath.Base(err.Error())
		if msg != tc.want || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q, want %q", tc.name, msg, tc.want)
		}
	}
}

func TestLoadAccepts(t *testing.T) {
	ca := mustCert(t, template("Good CA", true, big.NewInt(10), loadNow.Add(-time.Hour)))
	for name, data := range map[string][]byte{
		"good.pem":  pemOf(ca.Raw),
		"good.der":  ca.Raw,
		"crlf.pem":  []byte(strings.ReplaceAll(string(pemOf(ca.Raw)), "\n", "\r\n")),
		"texty.pem": append([]byte("Subject: CN=Good CA\nissuer: itself\n"), pemOf(ca.Raw)...),
	} {
		got, err := Load(writeFile(t, name, data), loadNow)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got.SHA1() != SHA1Hex(ca.Raw) {
			t.Errorf("%s: SHA1 %s", name, got.SHA1())
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("does-not-exist.pem", loadNow)
	if err == nil || !errors.Is(err, os.ErrNotExist) || err.Error() != "does-not-exist.pem: no such file or directory" {
		t.Errorf("err = %v", err)
	}
}
