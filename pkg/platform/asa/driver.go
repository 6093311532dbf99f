// Package asa is the ASA: a trustpoint with terminal enrollment and
// `crypto ca authenticate` (CSCvm80874, FN72103), or the trustpool URL
// import in single-context mode; then write memory.
package asa

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Driver runs the ASA sequences.
type Driver struct{}

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
		out, err := r.Show(c.cmd)
		if err != nil {
			return st, err
		}
		certs, err := c.parse(out)
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

var (
	reReporting   = platform.Question(`[Y]es, [N]o, [A]sk later:`)
	rePasteReady  = platform.Question(`End with the word "quit" on a line by itself`)
	reAccept      = platform.Question(`Do you accept this certificate? [yes/no]:`)
	reFingerprint = regexp.MustCompile(`(?m)^Fingerprint:\s+((?:[0-9a-f]{8}\s?){4})`)
	reConfig      = regexp.MustCompile(`\([\w-]+\)#\s?$`)
)

// ErrFIPS is the FIPS refusal of a certificate (CSCvm80874: FIPS mode
// refuses SHA-1-signed roots).
var ErrFIPS = errors.New("FIPS mode refused the certificate")

// Apply runs the method; the trustpoint it creates is removed again if the
// certificate does not land, so a failure leaves the ASA as found.
func (d Driver) Apply(sh platform.Shell, m record.Method, ca *cert.CA, p platform.Prefs) (platform.Result, error) {
	res := platform.Result{Method: m}
	switch m {
	case record.MethodURL:
		return res, importURL(sh, p.BundleURL)
	case record.MethodTerminal:
		return res, authenticate(sh, ca)
	}
	return res, fmt.Errorf("%w: ASA method %q", platform.ErrNotSupported, m)
}

// Save is write memory.
func (Driver) Save(sh platform.Shell) error {
	out, err := sh.Send("write memory")
	if err == nil && !strings.Contains(out, "[OK]") {
		err = platform.Rejected(out, "no [OK]")
	}
	return platform.Step("write memory", err)
}

// Recover removes the trustpoint the terminal sequence creates before the
// paste, left behind without a certificate when the connection was lost
// (running configuration only: the sequence saves nothing before the CA
// is verified). The url import leaves nothing.
func (Driver) Recover(sh platform.Shell, m record.Method, ca *cert.CA, _ platform.Prefs) (string, error) {
	if m != record.MethodTerminal {
		return "the " + string(m) + " method leaves nothing behind", nil
	}
	name := ca.TrustpointName()
	out, err := sh.Send("show running-config crypto ca trustpoint " + name)
	if err != nil {
		return "", platform.Step("show running-config crypto ca trustpoint", err)
	}
	if !regexp.MustCompile(`(?m)^crypto ca trustpoint ` + regexp.QuoteMeta(name) + `\s*$`).MatchString(out) {
		return "nothing was left behind", nil
	}
	if err := configure(sh); err != nil {
		return "", err
	}
	_, err = sh.Send("no crypto ca trustpoint " + name)
	if _, endErr := sh.Send("end"); err == nil && endErr != nil {
		err = platform.Step("end", endErr)
	}
	if err != nil {
		return "", platform.Step("no crypto ca trustpoint "+name, err)
	}
	return "removed trustpoint " + name + ", which the cut-short sequence had created (running configuration only)", nil
}

// importURL imports the bundle into the trustpool. Only a failure line
// fails it here: the counters' layout and values are [unverified] (one
// expired or FIPS-refused root in Cisco's bundle is counted as failed while
// IdenTrust installs), so whether it worked is what the trust store lists
// afterwards (the caller reads it again).
func importURL(sh platform.Shell, url string) error {
	if url == "" {
		return platform.Step("import url", fmt.Errorf("%w: no bundle_url", platform.ErrNotSupported))
	}
	out, err := sh.Send("crypto ca trustpool import url " + url)
	if err == nil && reURLFailure.MatchString(out) {
		err = platform.Rejected(out, "the trustpool import failed")
	}
	return platform.Step("trustpool import", err)
}

// reURLFailure is a failure line of the url import.
var reURLFailure = regexp.MustCompile(`(?im)^\s*(?:ERROR:|%\s?Error)|import failed`)

// configure enters global configuration, answering the first-use question
// about anonymous error reporting with "ask later" (changes nothing). The
// ASA prints the config prompt before that notice, so a read can stop at
// the prompt: an empty line then shows whether the question is pending
// (it is asked again) or not (a new prompt).
func configure(sh platform.Shell) error {
	out, err := sh.SendExpect("configure terminal", reReporting)
	if err == nil && !reReporting.MatchString(out) {
		out, err = sh.SendExpect("", reReporting)
	}
	if err == nil && reReporting.MatchString(out) {
		_, err = sh.Send("A")
	}
	return platform.Step("configure terminal", err)
}

func authenticate(sh platform.Shell, ca *cert.CA) (err error) {
	name := ca.TrustpointName()
	if err = configure(sh); err != nil {
		return err
	}
	// inPaste: the device reads certificate lines; sent: the whole paste
	// with its "quit" went out (only its answer is missing).
	created, inPaste, sent, asked := false, false, false, false
	defer func() {
		if err == nil {
			return
		}
		if inPaste {
			var out string
			if sent {
				out, _ = sh.ReadUntil(reAccept)
			}
			if !reAccept.MatchString(out) {
				// End the paste; a partial certificate is refused.
				if sh.Write("quit\n") == nil {
					out, _ = sh.ReadUntil(reAccept)
				}
			}
			asked = reAccept.MatchString(out)
		}
		if asked {
			_, _ = sh.Send("no")
		}
		if created {
			_, _ = sh.Send("no crypto ca trustpoint " + name)
		}
		if reConfig.MatchString(sh.Prompt()) {
			_, _ = sh.Send("end")
		}
	}()
	if _, err = sh.Send("crypto ca trustpoint " + name); err != nil {
		return platform.Step("crypto ca trustpoint", err)
	}
	created = true
	for _, c := range []string{"enrollment terminal", "crl configure", "exit", "exit"} {
		if _, err = sh.Send(c); err != nil {
			return platform.Step(c, err)
		}
	}
	if _, err = sh.SendExpect("crypto ca authenticate "+name, rePasteReady); err != nil {
		return platform.Step("crypto ca authenticate", err)
	}
	inPaste = true
	if err = sh.Write(strings.TrimSpace(string(ca.PEM())) + "\nquit\n"); err != nil {
		return platform.Step("paste", err)
	}
	sent = true
	out, err := sh.ReadUntil(reAccept)
	if err != nil {
		return platform.Step("paste", err)
	}
	inPaste = false
	if !reAccept.MatchString(out) {
		return platform.Step("paste", platform.Rejected(out, "the certificate was not accepted"))
	}
	asked = true
	if m := reFingerprint.FindStringSubmatch(out); m == nil || strings.Join(strings.Fields(m[1]), " ") != ca.ASAFingerprint() {
		return platform.Step("confirm", fmt.Errorf("%w: the device shows another MD5 fingerprint; answered no", platform.ErrRejected))
	}
	asked = false
	out, err = sh.Send("yes")
	switch {
	case strings.Contains(platform.Output(err)+out, "not FIPS compliant"):
		return platform.Step("confirm", fmt.Errorf("%w: Trustpoint CA certificate is not FIPS compliant", ErrFIPS))
	case err != nil:
		return platform.Step("confirm", err)
	case !strings.Contains(out, "% Certificate successfully imported"):
		return platform.Step("confirm", platform.Rejected(out, "no \"% Certificate successfully imported\""))
	}
	created = false
	_, err = sh.Send("end")
	return platform.Step("end", err)
}
