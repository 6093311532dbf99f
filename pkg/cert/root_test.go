package cert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// --ca-file must be a root: an intermediate CA (CA:TRUE, issued by
// another CA) or a self-issued certificate whose signature is not its own
// is refused; the embedded roots, SHA-1 signed or not, pass.
func TestLoadRefusesNonRoots(t *testing.T) {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	root := template("Test Root CA", true, big.NewInt(1), loadNow.Add(-time.Hour))
	rootDER, err := x509.CreateCertificate(rand.Reader, root, root, &rootKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	rootCert, _ := x509.ParseCertificate(rootDER)

	// An intermediate: a CA, signed by the root.
	ica := template("Test Issuing CA", true, big.NewInt(2), loadNow.Add(-time.Hour))
	icaKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	icaDER, err := x509.CreateCertificate(rand.Reader, ica, rootCert, &icaKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	// Self-issued (issuer = subject) but signed by another key.
	forged := template("Test Root CA", true, big.NewInt(3), loadNow.Add(-time.Hour))
	forged.Subject = pkix.Name{CommonName: "Test Root CA", Organization: []string{"Trustfix Test"}}
	otherKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	forgedDER, err := x509.CreateCertificate(rand.Reader, forged, rootCert, &otherKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		der  []byte
		want string
	}{
		"intermediate": {icaDER, `not a self-signed root CA: issued by "CN=Test Root CA,O=Trustfix Test", not by itself`},
		"forged":       {forgedDER, "not a self-signed root CA: its signature does not verify with its own key"},
	} {
		_, err := Load(writeFile(t, name+".pem", pemOf(tc.der)), loadNow)
		if !errors.Is(err, ErrNotRoot) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	if _, err := Load(writeFile(t, "root.pem", pemOf(rootDER)), loadNow); err != nil {
		t.Errorf("a self-signed root: %v", err)
	}
	for _, p := range []string{"identrust-commercial-root-ca-1.pem", "quovadis-root-ca-2.pem"} {
		if _, err := Load(filepath.Clean(p), loadNow); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}
