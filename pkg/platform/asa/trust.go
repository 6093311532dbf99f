package asa

import (
	"crypto/x509"
	"fmt"
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
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

// Commands detection reads, in order.
const (
	ModeCommand    = "show mode"
	FIPSCommand    = "show running-config fips"
	CertsCommand   = "show crypto ca certificates"
	PoolCommand    = "show crypto ca trustpool"
	RunCertCommand = "show running-config crypto ca certificate"
)

// Detect reads the context mode, FIPS, and every trustpoint and trustpool
// certificate. The running-config hex is the most reliable: each DER is
// rebuilt and hashed. What rules the import out is reported as blockers,
// in this order: multiple-context mode, FIPS refusing a SHA-1-signed CA, a
// trustpoint of our name holding another certificate.
func (Driver) Detect(r platform.Reader, ca *cert.CA, _ platform.Prefs) (platform.State, error) {
	var st platform.State
	out, err := r.Show(ModeCommand)
	if err != nil {
		return st, err
	}
	mode, err := ParseMode(out)
	if err != nil {
		return st, err
	}
	if out, err = r.Show(FIPSCommand); err != nil {
		return st, err
	}
	fips := ParseFIPS(out)
	// Most reliable first; once the CA is found the rest cannot change the
	// answer, so a store is only read in full to prove an absence.
	var all []detect.Cert
	for _, c := range []struct {
		cmd   string
		parse func(string) ([]detect.Cert, error)
	}{{RunCertCommand, ParseRunningCertificates}, {CertsCommand, ParseCertificates}, {PoolCommand, ParseCertificates}} {
		certs, err := platform.Certificates(r, c.cmd, c.parse)
		if err != nil {
			return st, err
		}
		all = append(all, certs...)
		if st.Trust = detect.Evaluate(all, ca); st.Trust.CAPresent {
			break
		}
	}
	if st.Trust.CAPresent {
		return st, nil
	}
	if mode == ModeMultiple {
		st.Blockers = append(st.Blockers, platform.Blocker{Verdict: record.Unsupported,
			Reason: "ASA in multiple-context mode: trustpool import is not supported there and the trustpoint method is unverified; fix it by hand in the system context"})
	}
	if fips && ca.SHA1Signed() {
		st.Blockers = append(st.Blockers, platform.Blocker{Verdict: record.Unsupported,
			Reason: "FIPS mode refuses SHA-1-signed CA certificates (" + ca.CommonName() + " is one)"})
		st.Notes = append(st.Notes, "FIPS mode refuses SHA-1-signed CA certificates")
	}
	name, conflict := ca.TrustpointName(), ""
	for _, c := range all {
		if c.Store == name {
			conflict = fmt.Sprintf("trustpoint %s already holds another certificate (serial %s)", name, c.Serial)
		}
	}
	if conflict != "" {
		st.Blockers = append(st.Blockers, platform.Blocker{Verdict: record.Error, Reason: conflict})
	}
	if fips && !ca.SHA1Signed() && len(st.Blockers) == 0 {
		st.Notes = append(st.Notes, "FIPS mode is on ("+ca.CommonName()+" is SHA-256 signed, so it is accepted)")
	}
	return st, nil
}
