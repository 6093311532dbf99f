// Package iosxr is IOS XR: trustpool import by URL, from a bundle copied to
// /tmp (FN72290 workaround option 3), or the terminal method through the
// Trustpool trustpoint, which does not survive a reload.
package iosxr

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// splitBundle turns harddisk:/dir/ios.p7b into ("harddisk:", "dir/ios.p7b").
func splitBundle(file string) (fs, name string) {
	fs, name, _ = strings.Cut(strings.TrimPrefix(file, "/"), ":")
	return fs + ":", strings.TrimPrefix(name, "/")
}

// tmpCopy is where `run cp FILE /tmp` puts the bundle: /tmp and its base
// name, whatever folder it came from.
func tmpCopy(name string) string { return "/tmp/" + path.Base(name) }

var (
	rePasteReady = platform.Question(`End with a blank line or the word "quit" on a line by itself`)
	reAccept     = platform.Question(`Do you accept this certificate? [yes/no]:`)
	reUncommit   = platform.Question(`Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:`)
	reSHA1       = regexp.MustCompile(`(?m)SHA1 Fingerprint:\s*\n\s*([0-9A-Fa-f]{40})`)
	reConfig     = regexp.MustCompile(`\(config[^)]*\)#\s?$`)
	// A failure line; the words after "%" are [unverified], so a url
	// import is judged by the trustpool afterwards, not by this.
	reFailure = regexp.MustCompile(`(?im)^\s*%\s?(Error|Invalid|Incomplete|Ambiguous|Failed)|Download failed|No such file|not found|cannot`)
)

// Apply runs the method from exec mode (all XR imports are exec commands).
// Under import_method auto, a url import after which the trustpool does
// not list the CA (whatever the device printed) falls back to terminal
// (SPEC), and the Result says so.
func (d Driver) Apply(sh platform.Shell, m record.Method, ca *cert.CA, p platform.Prefs) (platform.Result, error) {
	res := platform.Result{Method: m}
	err := run(sh, m, ca, p)
	if m == record.MethodURL && p.Auto() && platform.Continues(err) {
		// Decide by state: read the trustpool. The caller verifies with it.
		st, derr := d.Detect(sh, ca, platform.Prefs{Method: m})
		switch {
		case derr != nil && err == nil:
			return res, platform.Step("import url", fmt.Errorf("could not verify: %w", derr))
		case derr == nil && st.Trust.CAPresent && !st.LostOnReload:
			res.After = &st
			return res, nil // the CA is there: the device's words do not matter
		case derr == nil && err == nil:
			err = platform.Step("import url", fmt.Errorf("%w: the trustpool does not list %s after the import", platform.ErrRejected, ca.CommonName()))
		}
	}
	if fb, why, ok := platform.Fallback(methods(), m, p, err); ok {
		return platform.Result{Method: fb, Fallback: why}, run(sh, fb, ca, p)
	}
	return res, err
}

func run(sh platform.Shell, m record.Method, ca *cert.CA, p platform.Prefs) error {
	switch m {
	case record.MethodURL:
		return importURL(sh, p.BundleURL)
	case record.MethodFile:
		return importFile(sh, p.BundleFile)
	case record.MethodTerminal:
		return importTerminal(sh, ca)
	}
	return fmt.Errorf("%w: IOS XR method %q", platform.ErrNotSupported, m)
}

// Save is a no-op: exec-mode imports need no commit and the trustpoint
// configuration is committed by the sequence.
func (Driver) Save(platform.Shell) error { return nil }

func importURL(sh platform.Shell, url string) error {
	if url == "" {
		return platform.Step("import url", fmt.Errorf("%w: no bundle_url", platform.ErrNotSupported))
	}
	out, err := sh.Send("crypto ca trustpool import url " + url)
	if err == nil && reFailure.MatchString(out) {
		err = platform.Rejected(out, "download failed")
	}
	return platform.Step("import url", err)
}

// importFile copies the bundle to /tmp (the only local path the import
// accepts), imports it and always removes the copy.
func importFile(sh platform.Shell, file string) (err error) {
	if file == "" {
		return platform.Step("import file", fmt.Errorf("%w: no bundle_file", platform.ErrNotSupported))
	}
	fs, name := splitBundle(file)
	tmp := tmpCopy(name)
	out, err := sh.Send("run cp /" + fs + "/" + name + " /tmp")
	if err == nil && strings.Contains(out, "cannot") {
		err = platform.Rejected(out, "copy failed")
	}
	if err != nil {
		return platform.Step("run cp", err)
	}
	defer func() {
		if _, rmErr := sh.Send("run rm " + tmp); rmErr != nil && err == nil {
			err = platform.Step("run rm", rmErr)
		}
	}()
	return importURL(sh, tmp)
}

// trustpointLeft names what a failed terminal import leaves committed: the
// trustpoint the method needs before the paste. Its earlier configuration
// (crl optional, vrf) is not known, so it is not removed [unverified:
// `show running-config crypto ca trustpoint Trustpool`].
const trustpointLeft = "trustpoint Trustpool stays configured with enrollment terminal (committed before the paste, as the method requires); remove that line if it is unwanted"

// Recover cleans up after a lost connection: the file method's copy in
// /tmp is removed; the terminal method's committed trustpoint is named.
func (Driver) Recover(sh platform.Shell, m record.Method, _ *cert.CA, p platform.Prefs) (string, error) {
	switch m {
	case record.MethodFile:
		_, name := splitBundle(p.BundleFile)
		if name == "" || strings.ContainsAny(name, " ") {
			return "no bundle file is configured, so nothing was copied to /tmp", nil
		}
		out, err := sh.Send("run rm " + tmpCopy(name))
		if err != nil {
			return "", platform.Step("run rm", err)
		}
		if strings.Contains(out, "cannot remove") {
			return "no copy of the bundle was left in /tmp", nil
		}
		return "removed the copy of the bundle in " + tmpCopy(name), nil
	case record.MethodTerminal:
		return trustpointLeft, nil
	}
	return "the " + string(m) + " method leaves nothing behind", nil
}

// importTerminal is the FN72290 terminal procedure: trustpoint Trustpool with
// terminal enrollment, committed, then `crypto ca authenticate Trustpool`.
// The device shows the certificate; we accept only if its SHA-1 is ours.
func importTerminal(sh platform.Shell, ca *cert.CA) (err error) {
	before, known := trustpoolConfig(sh)
	if _, err = sh.Send("configure terminal"); err != nil {
		return platform.Step("configure terminal", err)
	}
	committed, inPaste, sent := false, false, false
	enrollment := "enrollment terminal"
	defer func() {
		if err != nil && inPaste {
			// End the paste (a blank line); refuse a certificate shown.
			var out string
			if sent {
				out, _ = sh.ReadUntil(reAccept)
			}
			if !reAccept.MatchString(out) && sh.Write("\n") == nil {
				out, _ = sh.ReadUntil(reAccept)
			}
			if reAccept.MatchString(out) {
				_, _ = sh.Send("no")
			}
		}
		if err != nil && reConfig.MatchString(sh.Prompt()) {
			_, _ = sh.Send("abort") // discard uncommitted changes, back to exec
		}
		if err != nil && committed {
			if !known || !restoreTrustpool(sh, before, enrollment) {
				err = fmt.Errorf("%w; %s", err, trustpointLeft)
			}
		}
	}()
	if _, err = sh.Send("crypto ca trustpoint Trustpool"); err != nil {
		return platform.Step("crypto ca trustpoint", err)
	}
	// The community write-up of FN72290 writes `enrollment terminal`; the
	// command reference's form is `enrollment url terminal`.
	if _, err = sh.Send(enrollment); err != nil {
		enrollment = "enrollment url terminal"
		if _, err = sh.Send(enrollment); err != nil {
			return platform.Step("enrollment", err)
		}
	}
	if _, err = sh.Send("commit"); err != nil {
		return platform.Step("commit", err)
	}
	committed = true
	out, err := sh.SendExpect("end", reUncommit)
	if err == nil && reUncommit.MatchString(out) {
		_, err = sh.Send("no")
		err = fmt.Errorf("%w: changes left uncommitted after commit", platform.ErrRejected)
	}
	if err != nil {
		return platform.Step("end", err)
	}
	if _, err = sh.SendExpect("crypto ca authenticate Trustpool", rePasteReady); err != nil {
		return platform.Step("crypto ca authenticate", err)
	}
	// The PEM with BEGIN/END (as in the FN72290 write-up), then a blank line.
	inPaste = true
	if err = sh.Write(strings.TrimSpace(string(ca.PEM())) + "\n\n"); err != nil {
		return platform.Step("paste", err)
	}
	sent = true
	if out, err = sh.ReadUntil(reAccept); err != nil {
		return platform.Step("paste", err)
	}
	inPaste = false
	if !reAccept.MatchString(out) {
		return platform.Step("paste", platform.Rejected(out, "the certificate was not accepted for display"))
	}
	if m := reSHA1.FindStringSubmatch(out); m == nil || !strings.EqualFold(m[1], ca.SHA1()) {
		_, _ = sh.Send("no")
		return platform.Step("confirm", fmt.Errorf("%w: the device shows another SHA-1 fingerprint; answered no", platform.ErrRejected))
	}
	out, err = sh.Send("yes")
	if err == nil && reFailure.MatchString(out) {
		err = platform.Rejected(out, "not accepted")
	}
	return platform.Step("confirm", err)
}

// trustpool is what the Trustpool trustpoint held before the terminal
// method touched it: it is reserved for trustpool settings (crl optional,
// vrf), so a failure must put back exactly what was there.
type trustpool struct{ exists, enrolled bool }

var reEnrollment = regexp.MustCompile(`(?m)^\s*enrollment (?:terminal|url terminal)\s*$`)

// trustpoolConfig reads `show running-config crypto ca trustpoint
// Trustpool`; known is false when the device would not say.
func trustpoolConfig(sh platform.Shell) (tp trustpool, known bool) {
	out, err := sh.Show("show running-config crypto ca trustpoint Trustpool")
	if err != nil {
		return tp, false
	}
	tp.exists = regexp.MustCompile(`(?m)^crypto ca trustpoint Trustpool\s*$`).MatchString(out)
	tp.enrolled = tp.exists && reEnrollment.MatchString(out)
	return tp, true
}

// restoreTrustpool undoes the committed trustpoint change after a failed
// import: it removes a trustpoint we created, or the enrollment line we
// added. It reports whether the device is back as it was.
func restoreTrustpool(sh platform.Shell, before trustpool, enrollment string) bool {
	if before.enrolled {
		return true // it was configured like this already
	}
	steps := []string{"configure terminal", "no crypto ca trustpoint Trustpool", "commit", "end"}
	if before.exists {
		steps = []string{"configure terminal", "crypto ca trustpoint Trustpool", "no " + enrollment, "commit", "end"}
	}
	for _, c := range steps {
		if _, err := sh.Send(c); err != nil {
			if reConfig.MatchString(sh.Prompt()) {
				_, _ = sh.Send("abort")
			}
			return false
		}
	}
	after, known := trustpoolConfig(sh)
	return known && after == before
}
