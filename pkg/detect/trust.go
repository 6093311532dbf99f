package detect

import (
	"crypto/x509"
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
)

// Cert is one certificate as a device lists it.
type Cert struct {
	Subject string `json:"subject"` // DN, RDNs joined with "," (e.g. cn=…,o=…,c=US)
	Issuer  string `json:"issuer,omitempty"`
	Serial  string `json:"serial"`         // upper-case hex, no separators
	SHA1    string `json:"sha1,omitempty"` // upper-case hex; "" when the listing does not show it
	Store   string `json:"store,omitempty"`
}

// Trust is the verdict on one trust store.
type Trust struct {
	Certs           []Cert `json:"certs"`
	CAPresent       bool   `json:"ca_present"`
	CA              *Cert  `json:"ca,omitempty"` // the listing's entry for the target
	QuoVadisPresent bool   `json:"quovadis_present"`
}

// Evaluate decides whether certs hold target (cert.Default() when nil) and
// QuoVadis Root CA 2. See Match for the rule.
func Evaluate(certs []Cert, target *cert.CA) Trust {
	if target == nil {
		target = cert.Default()
	}
	t := Trust{Certs: certs}
	qv := cert.QuoVadis()
	for i := range certs {
		if !t.CAPresent && Match(certs[i], target) {
			c := certs[i]
			t.CAPresent, t.CA = true, &c
		}
		if Match(certs[i], qv) {
			t.QuoVadisPresent = true
		}
	}
	return t
}

// Match reports whether c is target. A listed SHA-1 decides alone: equal is
// the certificate, different is not, whatever the names say. Without one,
// the serial must be equal (as a number: colons, case and leading zeros do
// not matter) and the subject must carry target's CN as a whole RDN value,
// so "…Root CA 1 Test" or a look-alike with another serial never matches.
func Match(c Cert, target *cert.CA) bool {
	if c.SHA1 != "" {
		return NormaliseHex(c.SHA1) == target.SHA1()
	}
	s := strings.TrimLeft(NormaliseHex(c.Serial), "0")
	if s == "" || s != strings.TrimLeft(target.Serial(), "0") {
		return false
	}
	for _, v := range RDNValues(c.Subject, "cn") {
		if v == target.CommonName() {
			return true
		}
	}
	return false
}

// rdnStartRE finds where an attribute starts: at the beginning or after a
// separator (",", "+", "/", ";", newline), an attribute name and "=".
var rdnStartRE = regexp.MustCompile(`(?:^|[,+/;\n])\s*([A-Za-z][\w.\-]*)\s*=`)

// RDNValues returns the values of attribute attr (case-insensitive) in a DN
// written in any of the device styles: "CN=a,O=b", "cn=a\no=b", "/C=US/CN=a".
// A separator not followed by "attr=" (an escaped "\," too) stays in the value.
func RDNValues(dn, attr string) []string {
	idx := rdnStartRE.FindAllStringSubmatchIndex(dn, -1)
	var out []string
	for i, m := range idx {
		if !strings.EqualFold(dn[m[2]:m[3]], attr) {
			continue
		}
		end := len(dn)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		v := strings.TrimSpace(dn[m[1]:end])
		out = append(out, strings.ReplaceAll(v, `\,`, ","))
	}
	return out
}

// NormaliseHex upper-cases hex and drops the separators devices print
// (colons, spaces, dashes): "0a:01 42" → "0A0142".
func NormaliseHex(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		switch r {
		case ':', ' ', '\t', '-':
			return -1
		}
		return r
	}, s))
}

// FromX509 describes a certificate the device printed in full (ASA running
// config hex, FXOS PEM), so Serial and SHA1 are computed, not read.
func FromX509(c *x509.Certificate, store string) Cert {
	ca := cert.New(c)
	return Cert{
		Subject: c.Subject.String(),
		Issuer:  c.Issuer.String(),
		Serial:  ca.Serial(),
		SHA1:    ca.SHA1(),
		Store:   store,
	}
}
