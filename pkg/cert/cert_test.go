package cert

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestDefault(t *testing.T) {
	ca := Default()
	checks := []struct{ name, got, want string }{
		{"SHA1", ca.SHA1(), "DF717EAA4AD94EC9558499602D48DE5FBCF03A25"},
		{"MD5", ca.MD5(), "B33E777375EEA0D3E37E49634959BBC7"},
		{"Serial", ca.Serial(), "0A0142800000014523C844B500000002"},
		{"CommonName", ca.CommonName(), "IdenTrust Commercial Root CA 1"},
		{"Subject", ca.Subject(), "CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US"},
		{"ASAFingerprint", ca.ASAFingerprint(), "b33e7773 75eea0d3 e37e4963 4959bbc7"},
		{"XRFingerprint", ca.XRFingerprint(), "DF717EAA4AD94EC9558499602D48DE5FBCF03A25"},
		{"TrustpointName", ca.TrustpointName(), "IdenTrustCRCA1"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if ca.SHA1Signed() {
		t.Error("IdenTrust is sha256WithRSAEncryption, SHA1Signed = true")
	}
	if len(ca.Cert.Raw) != 1380 {
		t.Errorf("DER size %d, want 1380", len(ca.Cert.Raw))
	}
	file, err := os.ReadFile("identrust-commercial-root-ca-1.pem")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ca.PEM(), file) {
		t.Errorf("PEM() differs from the reference file:\n%s", ca.PEM())
	}
	lines := ca.Base64Lines()
	if len(lines) != 29 || lines[0] != "MIIFYDCCA0igAwIBAgIQCgFCgAAAAUUjyES1AAAAAjANBgkqhkiG9w0BAQsFADBK" ||
		lines[28] != "7/qxXDgGpRtK4dw4LTzcqx+QGtVKnO7RcGzM7vRX+Bi6hG6H" {
		t.Errorf("Base64Lines: %d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
	for _, l := range lines {
		if strings.Contains(l, "-----") || len(l) > 64 {
			t.Errorf("Base64Lines line %q", l)
		}
	}
	if Default() != ca {
		t.Error("Default() is parsed more than once")
	}
}

func TestQuoVadis(t *testing.T) {
	ca := QuoVadis()
	if got := ca.SHA1(); got != "CA3AFBCF1240364B44B216208880483919937CF7" {
		t.Errorf("SHA1 = %s", got)
	}
	if got := ca.Serial(); got != "0509" {
		t.Errorf("Serial = %s, want 0509", got)
	}
	if got := ca.ASAFingerprint(); got != "5e397bdd f8baec82 e9ac62ba 0c54002b" {
		t.Errorf("ASAFingerprint = %s", got)
	}
	if !ca.SHA1Signed() {
		t.Error("QuoVadis is sha1WithRSAEncryption, SHA1Signed = false")
	}
	if got := ca.TrustpointName(); got != "QuoVadisRCA2" {
		t.Errorf("TrustpointName = %s", got)
	}
}

// TestSerialKeepsLeadingZero: DER prefixes 0x00 to a serial whose high bit is
// set, and the devices print that byte.
func TestSerialKeepsLeadingZero(t *testing.T) {
	c := mustCert(t, template("Zero", true, big.NewInt(0x8001), time.Now()))
	if got := New(c).Serial(); got != "008001" {
		t.Errorf("Serial = %s, want 008001", got)
	}
}

var nameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,14}$`)

func TestTrustpointName(t *testing.T) {
	for cn, want := range map[string]string{
		"IdenTrust Commercial Root CA 1": "IdenTrustCRCA1",
		"QuoVadis Root CA 2":             "QuoVadisRCA2",
		"HydrantID SSL ICA G2":           "HydrantSSLICAG2",
		"DigiCert Global Root G2":        "DigiCertGRG2",
		"":                               "TrustfixCA",
		"1st Root":                       "CA1stR",
		"Ünïcode Root — Test":            "nCRT", // non-ASCII letters split words
		"VeryLongSingleWordCertificateAuthority X": "VeryLongSingleX",
		"A B C D E F G H I J K L M N O P Q R S":    "ABCDEFGHIJKLMNO",
	} {
		c := mustCert(t, template(cn, true, big.NewInt(1), time.Now()))
		got := New(c).TrustpointName()
		if got != want {
			t.Errorf("TrustpointName(%q) = %q, want %q", cn, got, want)
		}
		if !nameRE.MatchString(got) {
			t.Errorf("TrustpointName(%q) = %q: not short alphanumeric", cn, got)
		}
	}
}

// template is a self-signed certificate template; generated fixtures need no
// committed private key.
func template(cn string, isCA bool, serial *big.Int, notBefore time.Time) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"Trustfix Test"}},
		NotBefore:             notBefore,
		NotAfter:              notBefore.Add(365 * 24 * time.Hour),
		BasicConstraintsValid: true,
		IsCA:                  isCA,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
}

func mustCert(t testing.TB, tmpl *x509.Certificate) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
