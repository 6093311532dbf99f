package asa

import (
	"crypto/x509"
	"fmt"
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
)

// ParseCertificates reads `show crypto ca certificates` (docs/platforms.md:
// `Certificate Serial Number: 0a01…` in lower case, `Subject Name:` followed
// by indented `cn=`/`o=`/`c=` lines, `Associated Trustpoints: X`, which sets
// Store) and `show crypto ca trustpool`, whose layout is assumed identical
// [unverified]. A certificate that several trustpoints hold ("Associated
// Trustpoints: test msca" in a public capture) is one entry per
// trustpoint, as in the running configuration, so Store always names one.
// An error means the store could not be read.
func ParseCertificates(out string) ([]detect.Cert, error) {
	certs, err := detect.ParseCertBlocks(out)
	if err != nil {
		return nil, fmt.Errorf("asa certificates: %w", err)
	}
	var split []detect.Cert
	for _, c := range certs {
		names := strings.Fields(c.Store)
		if len(names) < 2 || strings.HasPrefix(c.Store, "Trustpool:") {
			split = append(split, c)
			continue
		}
		for _, n := range names {
			c.Store = n
			split = append(split, c)
		}
	}
	return split, nil
}

var (
	chainRE    = regexp.MustCompile(`^\s*crypto ca certificate chain (\S+)\s*$`)
	caCertRE   = regexp.MustCompile(`^\s*certificate ca ([0-9A-Fa-f]+)\s*$`)
	quitRE     = regexp.MustCompile(`^\s*quit\s*$`)
	hexLineRE  = regexp.MustCompile(`^\s*[0-9A-Fa-f]+(?:\s+[0-9A-Fa-f]+)*\s*$`)
	otherCfgRE = regexp.MustCompile(`^\S`) // a top-level command ends any chain
)

// ParseRunningCertificates reads `show running-config crypto ca certificate`:
// each `certificate ca <serial>` under `crypto ca certificate chain <tp>` is
// followed by the DER in hex and `quit`. The DER is rebuilt and parsed, so
// Subject, Serial and SHA1 are computed, not read: the most reliable check
// ASA offers. Store is the chain's trustpoint. Identity certificates are
// skipped. A hex block that is cut short, does not parse, or whose serial
// differs from its header line is an error.
func ParseRunningCertificates(out string) ([]detect.Cert, error) {
	if err := detect.CommandError(out); err != nil {
		return nil, fmt.Errorf("asa running-config: %w", err)
	}
	var (
		certs   []detect.Cert
		chain   string
		serial  string   // header serial of the block being read
		hex     []string // its hex lines
		inBlock bool
		start   int
	)
	end := func() error {
		c, err := rebuild(hex, serial)
		if err != nil {
			return fmt.Errorf("asa running-config: line %d: chain %s certificate ca %s: %w", start+1, chain, serial, err)
		}
		certs = append(certs, detect.FromX509(c, chain))
		inBlock, hex = false, nil
		return nil
	}
	for i, l := range strings.Split(strings.ReplaceAll(out, "\r", ""), "\n") {
		switch {
		case inBlock && hexLineRE.MatchString(l):
			hex = append(hex, l)
		case inBlock && quitRE.MatchString(l):
			if err := end(); err != nil {
				return nil, err
			}
		case inBlock:
			return nil, fmt.Errorf("asa running-config: line %d: certificate ca %s not ended by quit", i+1, serial)
		case chainRE.MatchString(l):
			chain = chainRE.FindStringSubmatch(l)[1]
		case caCertRE.MatchString(l):
			serial, inBlock, start = caCertRE.FindStringSubmatch(l)[1], true, i
		case otherCfgRE.MatchString(l):
			chain = ""
		}
	}
	if inBlock {
		return nil, fmt.Errorf("asa running-config: certificate ca %s cut short", serial)
	}
	return certs, nil
}

// rebuild parses the hex lines and checks the certificate's serial against
// the one on the `certificate ca` line.
func rebuild(lines []string, serial string) (*x509.Certificate, error) {
	der, err := cert.DERFromHex(lines)
	if err != nil {
		return nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("hex is not a certificate: %w", err)
	}
	got := strings.TrimLeft(cert.New(c).Serial(), "0")
	if want := strings.TrimLeft(strings.ToUpper(serial), "0"); got != want {
		return nil, fmt.Errorf("serial in the hex is %s", cert.New(c).Serial())
	}
	return c, nil
}
