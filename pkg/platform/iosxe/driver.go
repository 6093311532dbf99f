// Package iosxe is IOS XE: the trustpool import by URL, from flash:, or by
// PEM paste at the terminal (FN72298, FN72323), then write memory.
package iosxe

import (
	"fmt"
	"regexp"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

var (
	reConfigPrompt = regexp.MustCompile(`\(config[^)]*\)#\s?$`)
	rePasteReady   = platform.Question(`% End with a blank line or "quit" on a line by itself.`)
	// A failure line fails the step at once; otherwise the trust store,
	// read again by the caller, decides (docs/platforms.md): the success
	// line is not needed.
	reFailure = regexp.MustCompile(`(?m)^\s*%\s?(Error|Invalid|Incomplete|Ambiguous|Unknown|Bad)|PEM files import failed|failed to decode`)
)

// Apply runs the method in global configuration, leaves it, and saves.
func (d Driver) Apply(sh platform.Shell, m record.Method, ca *cert.CA, p platform.Prefs) (res platform.Result, err error) {
	res = platform.Result{Method: m}
	if _, err := sh.Send("configure terminal"); err != nil {
		return res, platform.Step("configure terminal", err)
	}
	inPaste := false
	defer func() {
		if err != nil {
			restore(sh, inPaste)
		}
	}()
	var out string
	switch m {
	case record.MethodTerminal:
		if _, err = sh.SendExpect("crypto pki trustpool import terminal", rePasteReady); err != nil {
			return res, platform.Step("import terminal", err)
		}
		inPaste = true
		// The body without BEGIN/END, then an empty line (FN72298's transcript).
		out, err = platform.Paste(sh, ca.Base64Lines(), "\n")
		// A failed read may leave the device mid-paste: the guard ends it.
		inPaste = err != nil
	case record.MethodURL, record.MethodFile:
		src := p.BundleURL
		if m == record.MethodFile {
			src = p.BundleFile
		}
		if src == "" {
			return res, platform.Step("import url", fmt.Errorf("%w: no %s source configured", platform.ErrNotSupported, m))
		}
		out, err = sh.Send("crypto pki trustpool import url " + src)
	default:
		return res, fmt.Errorf("%w: IOS XE method %q", platform.ErrNotSupported, m)
	}
	step := "paste"
	if m != record.MethodTerminal {
		step = "import url"
	}
	if err != nil {
		return res, platform.Step(step, err)
	}
	if reFailure.MatchString(out) {
		return res, platform.Step(step, platform.Rejected(out, "import failed"))
	}
	if _, err = sh.Send("end"); err != nil {
		return res, platform.Step("end", err)
	}
	return res, nil
}

// Save is write memory; the session answers its questions (the Spec's
// Questions: the destination, the NVRAM overwrite confirmation).
func (Driver) Save(sh platform.Shell) error { return platform.WriteMemory(sh) }

// restore leaves configuration mode from wherever the sequence stopped: a
// blank line ends a paste (a partial certificate fails to parse), `end`
// leaves config.
func restore(sh platform.Shell, inPaste bool) {
	if inPaste {
		_ = sh.Write("\n")
		_, _ = sh.ReadUntil()
	}
	if reConfigPrompt.MatchString(sh.Prompt()) {
		_, _ = sh.Send("end")
	}
}
