package cert

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // SHA-1 self-signatures of old roots (checkSelfSigned)
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Errors from Load, each wrapped with the file name. Every Load error means
// bad input: nothing may be touched.
var (
	ErrNoCertificate = errors.New("no PEM certificate found")
	ErrMultiple      = errors.New("more than one certificate")
	ErrNotCA         = errors.New("not a CA certificate")
	ErrExpired       = errors.New("expired")
	ErrNotYetValid   = errors.New("not yet valid")
	// ErrNotRoot: a CA certificate that is not self-signed (an
	// intermediate). Installed as a trust anchor it would not be the root
	// the device needs, and nothing would say so until the next outage.
	ErrNotRoot = errors.New("not a self-signed root CA")
)

// Load reads and validates a --ca-file: PEM (or raw DER) holding exactly one
// certificate, which is a self-signed root CA valid at now. Errors are one line naming the
// file, e.g. "ca.pem: expired on 2023-12-17".
//
// A file with several certificates is refused rather than the first taken: a
// chain file puts the leaf or an intermediate first, and installing the wrong
// one as a trust anchor would go unnoticed until the next outage.
func Load(path string, now time.Time) (*CA, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c, err := parseOne(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := Validate(c, now); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return New(c), nil
}

// parseOne decodes a PEM file, or DER when no PEM marker is present.
func parseOne(data []byte) (*x509.Certificate, error) {
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		if len(data) > 0 && data[0] == 0x30 { // DER SEQUENCE
			c, err := x509.ParseCertificate(data)
			if err != nil {
				return nil, fmt.Errorf("parse DER certificate: %w", err)
			}
			return c, nil
		}
		return nil, ErrNoCertificate
	}
	var ders [][]byte
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			ders = append(ders, b.Bytes)
		}
	}
	switch len(ders) {
	case 0:
		return nil, ErrNoCertificate
	case 1:
	default:
		return nil, fmt.Errorf("%w (%d found; want exactly one)", ErrMultiple, len(ders))
	}
	c, err := x509.ParseCertificate(ders[0])
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	return c, nil
}

// Validate checks that c is a root CA certificate valid at now: CA:TRUE,
// within its validity, self-issued (issuer = subject) and self-signed (its
// signature verifies with its own key).
func Validate(c *x509.Certificate, now time.Time) error {
	switch {
	case !c.BasicConstraintsValid:
		return fmt.Errorf("%w (no basicConstraints)", ErrNotCA)
	case !c.IsCA:
		return fmt.Errorf("%w (basicConstraints CA:FALSE)", ErrNotCA)
	case now.After(c.NotAfter):
		return fmt.Errorf("%w on %s", ErrExpired, c.NotAfter.UTC().Format(time.DateOnly))
	case now.Before(c.NotBefore):
		return fmt.Errorf("%w (valid from %s)", ErrNotYetValid, c.NotBefore.UTC().Format(time.DateOnly))
	case !bytes.Equal(c.RawIssuer, c.RawSubject):
		return fmt.Errorf("%w: issued by %q, not by itself (give the root at the top of the chain)", ErrNotRoot, c.Issuer.String())
	}
	if err := checkSelfSigned(c); err != nil {
		return fmt.Errorf("%w: its signature does not verify with its own key (%v)", ErrNotRoot, err)
	}
	return nil
}

// checkSelfSigned verifies c's signature with c's own key. crypto/x509
// refuses SHA-1 signatures, but many roots still in service (QuoVadis Root
// CA 2) are SHA-1 self-signed: a root is trusted by its fingerprint, and
// its self-signature only proves it is one whole certificate, so SHA-1 is
// checked here by hand.
func checkSelfSigned(c *x509.Certificate) error {
	var h crypto.Hash
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		h = crypto.SHA1
	default:
		return c.CheckSignatureFrom(c)
	}
	if c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0 {
		return errors.New("its key usage does not allow signing certificates")
	}
	sum := sha1.Sum(c.RawTBSCertificate)
	switch pub := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(pub, h, sum[:], c.Signature)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, sum[:], c.Signature) {
			return errors.New("ECDSA verification failure")
		}
		return nil
	}
	return fmt.Errorf("a %s signature with a %T key", c.SignatureAlgorithm, c.PublicKey)
}
