// Package fxos is the Firepower 4100/9300 supervisor: a trustpoint created
// under `scope security`, its chain pasted with `set certchain` ... ENDOFBUF,
// and `commit-buffer`, which is also the save (CSCvm81014, FN72103).
package fxos

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/session"
)

// Driver runs the FXOS sequence.
type Driver struct{}

// Listing commands, run under `scope security`; captures name their files
// after them. DetailCommand, and `show detail` under `scope trustpoint
// NAME`, are the forms tried when TrustCommand shows no chains.
const (
	TrustCommand  = "show trustpoint"
	DetailCommand = "show trustpoint detail"
)

// Detect lists the trustpoints under `scope security` and reports a
// trustpoint of our name that holds another chain as a blocker. The
// listing's labels are [unverified]: when `show trustpoint` names
// trustpoints without their chains, the detail forms are read before the
// store counts as unreadable (ErrUnreadable), which is never "absent".
func (Driver) Detect(r platform.Reader, ca *cert.CA, _ platform.Prefs) (platform.State, error) {
	var st platform.State
	sh, live := r.(platform.Shell)
	if live {
		if _, err := sh.Send("scope security"); err != nil {
			return st, err
		}
		defer func() { _, _ = sh.Send("top") }()
	}
	certs, names, err := readTrustpoints(r, sh)
	if err != nil {
		return st, err
	}
	st.Trust = detect.Evaluate(certs, ca)
	name := ca.TrustpointName()
	if !st.Trust.CAPresent && slices.Contains(names, name) {
		st.Blockers = append(st.Blockers, platform.Blocker{Verdict: record.Error,
			Reason: fmt.Sprintf("trustpoint %s already exists with another certificate chain; delete or rename it, then run again", name)})
	}
	return st, nil
}

// readTrustpoints reads every trustpoint's chain: `show trustpoint`, else
// `show trustpoint detail`, else (live, under scope security) each
// trustpoint's `scope trustpoint NAME` + `show detail`. It returns the
// certificates and the trustpoint names the listings gave.
func readTrustpoints(r platform.Reader, sh platform.Shell) ([]detect.Cert, []string, error) {
	out, err := r.Show(TrustCommand)
	if err != nil {
		return nil, nil, err
	}
	names := TrustpointNames(out)
	certs, first := ParseTrustpoints(out)
	if !errors.Is(first, ErrUnreadable) {
		return certs, names, first
	}
	out, err = r.Show(DetailCommand)
	var refused *session.CommandError
	switch {
	case err == nil:
		names = union(names, TrustpointNames(out))
		certs, err = ParseTrustpoints(out)
		if !errors.Is(err, ErrUnreadable) {
			return certs, names, err
		}
	case sh != nil && !errors.As(err, &refused):
		return nil, nil, err // the session, not the device's answer
	}
	if sh == nil || len(names) == 0 {
		return nil, names, fmt.Errorf("%w (%q and %q tried)", first, TrustCommand, DetailCommand)
	}
	var all []detect.Cert
	for _, n := range names {
		c, err := scopedDetail(sh, n)
		if err != nil {
			return nil, names, fmt.Errorf("%w; %q and %q tried", err, TrustCommand, DetailCommand)
		}
		all = append(all, c...)
	}
	return all, names, nil
}

// reTrustpointName is a name safe to type: one word of the characters
// FXOS object names use.
var reTrustpointName = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)

// scopedDetail reads one trustpoint's chain with `scope trustpoint NAME`
// and `show detail`, and goes back up to `scope security`.
func scopedDetail(sh platform.Shell, name string) ([]detect.Cert, error) {
	if !reTrustpointName.MatchString(name) {
		return nil, fmt.Errorf("fxos trustpoints: trustpoint %q: a name that cannot be typed: %w", name, ErrUnreadable)
	}
	if _, err := sh.Send("scope trustpoint " + name); err != nil {
		return nil, err
	}
	out, err := sh.Show("show detail")
	if _, upErr := sh.Send("up"); err == nil {
		err = upErr
	}
	if err != nil {
		return nil, err
	}
	certs, err := ParseTrustpoints(out)
	if err != nil {
		return nil, fmt.Errorf("trustpoint %s: %w", name, err)
	}
	for i := range certs {
		if certs[i].Store == "" {
			certs[i].Store = name
		}
	}
	return certs, nil
}

func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
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
