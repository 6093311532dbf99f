package devsim

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	_ "crypto/sha256" // hashes for checkSelfSigned
	_ "crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// The two real roots of the migration, as their CAs publish them (the same
// files as pkg/cert's).
//
//go:embed certs/*.pem
var realCerts embed.FS

// Names of the bundles a device can import. Their content is modelled on
// Cisco's published bundles: ios_core.p7b (Trusted Core Root Bundle, ten
// roots as the CSCvm80874 write-up's `attempted: 10` shows) holds IdenTrust; ios.p7b
// (External Root Bundle, ~117 kB in the FN72290 write-up) holds many more.
const (
	CoreBundle     = "ios_core.p7b"
	ExternalBundle = "ios.p7b"
)

// Real roots are the certificates themselves. Every other root the lab lists
// is synthetic: same name as a real root, but a lab-made key, so nothing can
// confuse it with the real one by fingerprint.
var builtInNames = []string{
	"Cisco Root CA 2048", "Cisco Root CA M2", "Cisco Root CA 2099",
	"Cisco ECC Root CA 2099", "Cisco Licensing Root CA", "Cisco RXC-R2",
	"Cisco Root CA M1", "Cisco Basic Assurance Root CA 2099",
	"DigiCert Global Root CA", "DigiCert Global Root G2",
	"VeriSign Class 3 Public Primary Certification Authority - G5",
	"Cisco Umbrella Root CA",
}

var coreBundleNames = []string{
	"Cisco Root CA 2048", "Cisco Root CA M2", "Cisco Root CA 2099",
	"Cisco ECC Root CA 2099", "Cisco Licensing Root CA", "Cisco RXC-R2",
	"DigiCert Global Root CA", "DigiCert Global Root G2",
}

var externalNames = []string{
	"Amazon Root CA 1", "Amazon Root CA 2", "Amazon Root CA 3", "Baltimore CyberTrust Root",
	"COMODO RSA Certification Authority", "COMODO ECC Certification Authority",
	"Entrust Root Certification Authority", "Entrust Root Certification Authority - G2",
	"GlobalSign Root CA", "GlobalSign Root CA - R3", "GlobalSign ECC Root CA - R5",
	"Go Daddy Root Certificate Authority - G2", "ISRG Root X1", "ISRG Root X2",
	"Starfield Root Certificate Authority - G2", "USERTrust RSA Certification Authority",
	"USERTrust ECC Certification Authority", "Microsoft RSA Root Certificate Authority 2017",
	"Microsoft ECC Root Certificate Authority 2017", "SecureTrust CA", "Secure Global CA",
	"T-TeleSec GlobalRoot Class 2", "T-TeleSec GlobalRoot Class 3", "XRamp Global Certification Authority",
	"SwissSign Gold CA - G2", "Certum Trusted Network CA", "Certum Trusted Network CA 2",
	"Buypass Class 2 Root CA", "Buypass Class 3 Root CA", "Actalis Authentication Root CA",
	"AffirmTrust Commercial", "AffirmTrust Networking", "AffirmTrust Premium",
	"QuoVadis Root CA 1 G3", "QuoVadis Root CA 2 G3", "QuoVadis Root CA 3 G3",
	"DigiCert Assured ID Root CA", "DigiCert High Assurance EV Root CA", "DigiCert Trusted Root G4",
	"Sectigo Public Server Authentication Root R46", "HARICA TLS RSA Root CA 2021",
	"Hongkong Post Root CA 3", "SSL.com Root Certification Authority RSA",
	"SSL.com Root Certification Authority ECC", "Trustwave Global Certification Authority",
}

// pool holds the parsed certificates, built once per process.
type pool struct {
	identrust, quovadis, decoy *x509.Certificate
	byName                     map[string]*x509.Certificate
}

var (
	poolOnce sync.Once
	thePool  *pool
)

func certPool() *pool {
	poolOnce.Do(func() {
		p := &pool{byName: map[string]*x509.Certificate{}}
		p.identrust = mustReal("certs/identrust-commercial-root-ca-1.pem")
		p.quovadis = mustReal("certs/quovadis-root-ca-2.pem")
		names := append(append(append([]string{}, builtInNames...), coreBundleNames...), externalNames...)
		for _, n := range names {
			if p.byName[n] == nil {
				p.byName[n] = synthetic(n, "US")
			}
		}
		// Same CN and O as the real IdenTrust root, different key and serial.
		p.decoy = synthetic("IdenTrust Commercial Root CA 1", "US")
		thePool = p
	})
	return thePool
}

func mustReal(name string) *x509.Certificate {
	b, err := realCerts.ReadFile(name)
	if err != nil {
		panic(err)
	}
	blk, _ := pem.Decode(b)
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		panic(err)
	}
	return c
}

func synthetic(cn, country string) *x509.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	org := strings.Fields(cn)[0]
	tpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Country: []string{country}, Organization: []string{org}, CommonName: cn},
		NotBefore:             time.Date(2013, 5, 30, 19, 48, 47, 0, time.UTC),
		NotAfter:              time.Date(2038, 5, 30, 19, 48, 47, 0, time.UTC),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return c
}

// synthetic returns the lab-made roots.
func (p *pool) synthetic() []*x509.Certificate {
	out := make([]*x509.Certificate, 0, len(p.byName))
	for _, c := range p.byName {
		out = append(out, c)
	}
	return out
}

// bundle returns the certificates of a named Cisco bundle file.
func bundle(name string) []*x509.Certificate {
	p := certPool()
	var names []string
	switch name {
	case CoreBundle:
		names = coreBundleNames
	case ExternalBundle:
		names = append(append([]string{}, coreBundleNames...), externalNames...)
	default:
		return nil
	}
	out := make([]*x509.Certificate, 0, len(names)+2)
	for _, n := range names {
		out = append(out, p.byName[n])
	}
	return append(out, p.quovadis, p.identrust)
}

// builtIn returns the trust store a device ships with.
func builtIn(sp *Spec) []*x509.Certificate {
	p := certPool()
	out := make([]*x509.Certificate, 0, len(builtInNames)+3)
	for _, n := range builtInNames {
		out = append(out, p.byName[n])
	}
	if sp.QuoVadis {
		out = append(out, p.quovadis)
	}
	if sp.IdenTrust {
		out = append(out, p.identrust)
	}
	if sp.Decoy {
		out = append(out, p.decoy)
	}
	return out
}

// Certificate facts in the shapes the platforms print them.

func serialHex(c *x509.Certificate) string {
	// The DER integer bytes, so leading zero bytes survive (0A01... for IdenTrust).
	b := c.SerialNumber.Bytes()
	if c.SerialNumber.Sign() == 0 {
		b = []byte{0}
	}
	return strings.ToUpper(hex.EncodeToString(b))
}

func colonHex(s string) string {
	var parts []string
	for i := 0; i+2 <= len(s); i += 2 {
		parts = append(parts, s[i:i+2])
	}
	return strings.Join(parts, ":")
}

func sha1Hex(c *x509.Certificate) string {
	s := sha1.Sum(c.Raw)
	return strings.ToUpper(hex.EncodeToString(s[:]))
}

// md5Groups is the ASA fingerprint shape: four groups of eight lower-case hex.
func md5Groups(c *x509.Certificate) string {
	s := md5.Sum(c.Raw)
	h := hex.EncodeToString(s[:])
	return h[0:8] + " " + h[8:16] + " " + h[16:24] + " " + h[24:32]
}

// dnLines renders a name most-specific first, as IOS prints it: cn=, o=, c=.
func dnLines(n pkix.Name, upper bool) []string {
	seq := n.ToRDNSequence()
	var out []string
	for i := len(seq) - 1; i >= 0; i-- {
		for _, atv := range seq[i] {
			key := oidName(atv.Type.String())
			if upper {
				key = strings.ToUpper(key)
			}
			out = append(out, fmt.Sprintf("%s=%v", key, atv.Value))
		}
	}
	return out
}

func oidName(oid string) string {
	switch oid {
	case "2.5.4.3":
		return "cn"
	case "2.5.4.10":
		return "o"
	case "2.5.4.11":
		return "ou"
	case "2.5.4.6":
		return "c"
	case "2.5.4.7":
		return "l"
	case "2.5.4.8":
		return "st"
	}
	return oid
}

func pemLines(c *x509.Certificate) []string {
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

func keyDesc(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *ecdsa.PublicKey:
		return fmt.Sprintf("ECDSA (%d bits)", k.Curve.Params().BitSize)
	default:
		if r, ok := c.PublicKey.(interface{ Size() int }); ok {
			return fmt.Sprintf("RSA (%d bits)", r.Size()*8)
		}
	}
	return "Unknown"
}

func sigDesc(c *x509.Certificate) string {
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA:
		return "SHA1 with RSA Encryption"
	case x509.SHA256WithRSA:
		return "SHA256 with RSA Encryption"
	case x509.ECDSAWithSHA256:
		return "SHA256 with ECDSA Encryption"
	}
	return c.SignatureAlgorithm.String()
}

func sha1Signed(c *x509.Certificate) bool {
	return c.SignatureAlgorithm == x509.SHA1WithRSA || c.SignatureAlgorithm == x509.ECDSAWithSHA1
}

// parsePaste decodes a pasted certificate the way a device does: base64
// lines, BEGIN/END markers optional. A truncated or corrupted paste fails.
func parsePaste(lines []string) (*x509.Certificate, error) {
	var b strings.Builder
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "-----") {
			continue
		}
		b.WriteString(l)
	}
	der, err := base64.StdEncoding.DecodeString(b.String())
	if err != nil {
		return nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	// A character changed inside the key, a name or the signature still
	// parses; the device catches it because the signature no longer holds.
	if err := checkSignature(c); err != nil {
		return nil, err
	}
	return c, nil
}

// checkSignature verifies c against its issuer when the device can: a root
// (self-issued, or no authority key id, or one equal to its own) with its
// own key, else a root the lab knows. A certificate issued by an unknown CA
// (an intermediate) is accepted, as a device would store it.
func checkSignature(c *x509.Certificate) error {
	var issuers []*x509.Certificate
	if bytes.Equal(c.RawIssuer, c.RawSubject) {
		issuers = []*x509.Certificate{c}
	} else {
		p := certPool()
		for _, k := range append([]*x509.Certificate{p.identrust, p.quovadis, p.decoy}, p.synthetic()...) {
			if bytes.Equal(k.RawSubject, c.RawIssuer) {
				issuers = append(issuers, k)
			}
		}
	}
	if len(issuers) == 0 {
		if len(c.AuthorityKeyId) > 0 && !bytes.Equal(c.AuthorityKeyId, c.SubjectKeyId) {
			return nil
		}
		issuers = []*x509.Certificate{c}
	}
	var err error
	for _, k := range issuers {
		if err = verifySig(c, k); err == nil {
			return nil
		}
	}
	return err
}

// verifySig checks c's signature with issuer's key. SHA-1 signatures
// (QuoVadis Root CA 2) are checked by hand: crypto/x509 refuses them.
func verifySig(c, issuer *x509.Certificate) error {
	var h crypto.Hash
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		h = crypto.SHA1
	case x509.SHA256WithRSA, x509.ECDSAWithSHA256:
		h = crypto.SHA256
	case x509.SHA384WithRSA, x509.ECDSAWithSHA384:
		h = crypto.SHA384
	case x509.SHA512WithRSA, x509.ECDSAWithSHA512:
		h = crypto.SHA512
	default:
		return c.CheckSignatureFrom(issuer)
	}
	d := h.New()
	d.Write(c.RawTBSCertificate)
	sum := d.Sum(nil)
	switch k := issuer.PublicKey.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, h, sum, c.Signature)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, sum, c.Signature) {
			return errors.New("ecdsa: signature does not verify")
		}
		return nil
	}
	return c.CheckSignatureFrom(issuer)
}

func sameCert(a, b *x509.Certificate) bool { return a.Equal(b) }

// x509Cert is a short name used by the personalities.
type x509Cert = x509.Certificate
