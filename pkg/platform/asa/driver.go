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
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

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
func (Driver) Save(sh platform.Shell) error { return platform.WriteMemory(sh) }

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
