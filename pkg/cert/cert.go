// Package cert holds the CA certificate trustfix installs (IdenTrust Commercial
// Root CA 1 by default, or a --ca-file) and the helpers that turn what devices
// print back into certificates and fingerprints.
package cert

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/x509"
	_ "embed"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
	"sync"
	"unicode"
)

//go:embed identrust-commercial-root-ca-1.pem
var identrustPEM []byte

//go:embed quovadis-root-ca-2.pem
var quovadisPEM []byte

// CA is one CA certificate with the fingerprints and names the platforms print.
// Treat it as read-only: Default and QuoVadis share one value per process.
type CA struct {
	Cert *x509.Certificate
	pem  []byte
}

// New wraps a parsed certificate. It also serves the device parsers, which get
// Serial and SHA-1 the same way for every certificate they rebuild.
func New(c *x509.Certificate) *CA {
	return &CA{Cert: c, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})}
}

var (
	defaultCA  = sync.OnceValue(func() *CA { return mustEmbedded(identrustPEM) })
	quovadisCA = sync.OnceValue(func() *CA { return mustEmbedded(quovadisPEM) })
)

// Default returns the embedded IdenTrust Commercial Root CA 1, the certificate
// installed unless --ca-file names another.
func Default() *CA { return defaultCA() }

// QuoVadis returns the embedded QuoVadis Root CA 2, the decommissioned root
// whose presence the plan reports.
func QuoVadis() *CA { return quovadisCA() }

// mustEmbedded panics: a broken embedded file is a build defect, caught by the
// tests, not a run-time condition.
func mustEmbedded(b []byte) *CA {
	block, _ := pem.Decode(b)
	if block == nil {
		panic("cert: embedded PEM does not decode")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		panic("cert: embedded certificate: " + err.Error())
	}
	return New(c)
}

// SHA1 is the SHA-1 fingerprint of the DER, upper-case hex without separators.
func (ca *CA) SHA1() string { return SHA1Hex(ca.Cert.Raw) }

// SHA256 is the SHA-256 fingerprint of the DER, upper-case hex without
// separators: how change records and `plan --diff` name the certificate.
func (ca *CA) SHA256() string {
	sum := sha256.Sum256(ca.Cert.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// MD5 is the MD5 fingerprint of the DER, upper-case hex without separators.
func (ca *CA) MD5() string {
	sum := md5.Sum(ca.Cert.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// Serial is the serial number as upper-case hex of its DER content bytes,
// leading zero bytes kept, which is how IOS XE prints it.
func (ca *CA) Serial() string {
	if b := rawSerial(ca.Cert.RawTBSCertificate); b != nil {
		return strings.ToUpper(hex.EncodeToString(b))
	}
	// Unreachable for a certificate x509 parsed; keep a sane answer anyway.
	return strings.ToUpper(fmt.Sprintf("%X", ca.Cert.SerialNumber))
}

// rawSerial reads the serial INTEGER's content bytes: big.Int drops the
// leading zero byte DER adds to serials whose high bit is set.
func rawSerial(tbs []byte) []byte {
	var t struct {
		Version int `asn1:"optional,explicit,default:0,tag:0"`
		Serial  asn1.RawValue
	}
	// encoding/asn1 ignores the TBSCertificate elements not named here.
	if _, err := asn1.Unmarshal(tbs, &t); err != nil || t.Serial.Tag != asn1.TagInteger {
		return nil
	}
	return t.Serial.Bytes
}

// CommonName is the subject CN.
func (ca *CA) CommonName() string { return ca.Cert.Subject.CommonName }

// Subject is the subject DN in RFC 2253 order, e.g.
// "CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US" (IOS XR prints it so).
func (ca *CA) Subject() string { return ca.Cert.Subject.String() }

// PEM is the certificate with BEGIN/END lines, 64 columns.
func (ca *CA) PEM() []byte { return append([]byte(nil), ca.pem...) }

// Base64Lines is the PEM body without BEGIN/END lines: IOS XE's
// `crypto pki trustpool import terminal` wants exactly these.
func (ca *CA) Base64Lines() []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(ca.pem)), "\n") {
		if !strings.HasPrefix(l, "-----") {
			out = append(out, l)
		}
	}
	return out
}

// ASAFingerprint is the MD5 as ASA prints it during `crypto ca authenticate`:
// four groups of eight lower-case hex digits.
func (ca *CA) ASAFingerprint() string {
	m := strings.ToLower(ca.MD5())
	return m[0:8] + " " + m[8:16] + " " + m[16:24] + " " + m[24:32]
}

// XRFingerprint is the SHA-1 as IOS XR prints it during `crypto ca
// authenticate`: one run of upper-case hex.
func (ca *CA) XRFingerprint() string { return ca.SHA1() }

// SHA1Signed reports a SHA-1 signature: ASA in FIPS mode refuses such roots.
func (ca *CA) SHA1Signed() bool {
	switch ca.Cert.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1:
		return true
	}
	return false
}

// maxTrustpointName keeps names within what every platform accepts: FXOS
// limits are unverified and the one name seen there (QuoVadisRootCA2) has 15
// characters; IOS and ASA prompts truncate long names in sub-modes.
const maxTrustpointName = 15

// TrustpointName derives a short alphanumeric trustpoint name from the CN:
// the first word whole, acronyms and numbers whole, other words by their
// initial ("IdenTrust Commercial Root CA 1" → "IdenTrustCRCA1"). It is stable,
// so a re-run finds the trustpoint an earlier run created, and needs no
// quoting on any CLI.
func (ca *CA) TrustpointName() string {
	words := strings.FieldsFunc(ca.CommonName(), func(r rune) bool {
		return r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r))
	})
	if len(words) == 0 {
		return "TrustfixCA"
	}
	first, suffix := words[0], ""
	for _, w := range words[1:] {
		if strings.ToUpper(w) == w { // acronym or number
			suffix += w
		} else {
			suffix += strings.ToUpper(w[:1])
		}
	}
	if len(suffix) > maxTrustpointName-1 {
		suffix = suffix[:maxTrustpointName-1]
	}
	if len(first)+len(suffix) > maxTrustpointName {
		first = first[:maxTrustpointName-len(suffix)]
	}
	name := first + suffix
	if !unicode.IsLetter(rune(name[0])) { // names must not start with a digit
		name = "CA" + name
		if len(name) > maxTrustpointName {
			name = name[:maxTrustpointName]
		}
	}
	return name
}
