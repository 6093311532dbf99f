// Package fxos is the Firepower 4100/9300 supervisor: a trustpoint created
// under `scope security`, its chain pasted with `set certchain` ... ENDOFBUF,
// and `commit-buffer`, which is also the save (CSCvm81014, FN72103).
package fxos

import (
	"fmt"
	"regexp"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
)

// reChainReady is the bare ">" on which `set certchain` waits for the
// chain.
var reChainReady = regexp.MustCompile(`(?m)^>\s?$`)

// rePending is the prompt of a scope with an uncommitted buffer
// ("fp4120-a /security/trustpoint* #"): still there after commit-buffer,
// the commit did not take.
var rePending = regexp.MustCompile(`\*\s?#\s?$`)

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
		if platform.Says(err, "already exists") {
			err = fmt.Errorf("%w: trustpoint %s already exists (%v); delete or rename it, then run again", platform.ErrConflict, name, err)
		}
		return res, platform.Step("create trustpoint", err)
	}
	if _, err = sh.SendExpect("set certchain", reChainReady); err != nil {
		return res, platform.Step("set certchain", err)
	}
	inChain = true
	if _, err = platform.Paste(sh, platform.PEMLines(ca), "ENDOFBUF\n"); err != nil {
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
