// Package fxos is the Firepower 4100/9300 supervisor: a trustpoint created
// under `scope security`, its chain pasted with `set certchain` ... ENDOFBUF,
// and `commit-buffer`, which is also the save (CSCvm81014, FN72103).
package fxos

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// Driver runs the FXOS sequence.
type Driver struct{}

// TrustCommand is run under `scope security`; captures name the file after it.
const TrustCommand = "show trustpoint"

// Detect lists the trustpoints under `scope security` and reports a
// trustpoint of our name that holds another chain as a blocker.
func (Driver) Detect(r platform.Reader, ca *cert.CA, _ platform.Prefs) (platform.State, error) {
	var st platform.State
	if sh, live := r.(platform.Shell); live {
		if _, err := sh.Send("scope security"); err != nil {
			return st, err
		}
		defer func() { _, _ = sh.Send("top") }()
	}
	out, err := r.Show(TrustCommand)
	if err != nil {
		return st, err
	}
	certs, err := ParseTrustpoints(out)
	if err != nil {
		return st, err
	}
	st.Trust = detect.Evaluate(certs, ca)
	name := ca.TrustpointName()
	if !st.Trust.CAPresent && regexp.MustCompile(`(?m)^\s*(?:Trustpoint )?Name:\s*`+regexp.QuoteMeta(name)+`\s*$`).MatchString(out) {
		st.Blockers = append(st.Blockers, platform.Blocker{Verdict: record.Error,
			Reason: fmt.Sprintf("trustpoint %s already exists with another certificate chain; delete or rename it, then run again", name)})
	}
	return st, nil
}

var (
	reChainReady = regexp.MustCompile(`(?m)^>\s?$`)
	rePending    = regexp.MustCompile(`\*\s?#\s?$`)
)

// Apply creates the trustpoint, pastes the chain and commits. On any error
// it answers ^C to an open chain prompt, discards the buffer and goes to
// the top scope: nothing is left uncommitted.
func (d Driver) Apply(sh platform.Shell, m record.Method, ca *cert.CA, _ platform.Prefs) (res platform.Result, err error) {
	res = platform.Result{Method: m}
	if m != record.MethodTerminal {
		return res, fmt.Errorf("%w: FXOS supports only the terminal method", platform.ErrNotSupported)
	}
	name := ca.TrustpointName()
	inChain := false
	defer func() {
		if err == nil {
			return
		}
		if inChain {
			_ = sh.Write("\x03")
			_, _ = sh.ReadUntil()
		}
		// Always: the prompt's '*' is only as fresh as the last answer
		// read, and discarding an empty buffer is harmless.
		_, _ = sh.Send("discard-buffer")
		_, _ = sh.Send("top")
	}()
	if _, err = sh.Send("scope security"); err != nil {
		return res, platform.Step("scope security", err)
	}
	if _, err = sh.Send("create trustpoint " + name); err != nil {
		if strings.Contains(platform.Output(err)+err.Error(), "already exists") {
			err = fmt.Errorf("%w: trustpoint %s already exists (%v); delete or rename it, then run again", platform.ErrConflict, name, err)
		}
		return res, platform.Step("create trustpoint", err)
	}
	if _, err = sh.SendExpect("set certchain", reChainReady); err != nil {
		return res, platform.Step("set certchain", err)
	}
	inChain = true
	if _, err = platform.Paste(sh, strings.Split(strings.TrimSpace(string(ca.PEM())), "\n"), "ENDOFBUF\n"); err != nil {
		return res, platform.Step("paste", err)
	}
	inChain = false
	out, err := sh.Send("commit-buffer")
	if err == nil && rePending.MatchString(sh.Prompt()) {
		err = platform.Rejected(out, "the buffer is still pending after commit-buffer")
	}
	if err != nil {
		return res, platform.Step("commit-buffer", err)
	}
	_, err = sh.Send("top")
	return res, platform.Step("top", err)
}

// Save is a no-op: commit-buffer is the save on FXOS.
func (Driver) Save(platform.Shell) error { return nil }
