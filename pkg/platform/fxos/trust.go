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
)

var (
	// nameRE takes `Trustpoint Name: X`, `Name: X` or `Trustpoint: X`; the
	// labels are [unverified] (docs/platforms.md), so only Store and the
	// unreadable check below depend on them.
	nameRE = regexp.MustCompile(`(?i)^\s*(?:(?:Trustpoint )?Name|Trustpoint)\s*:\s*(\S.*?)\s*$`)
	// emptyRE is a trustpoint that says it holds no chain.
	emptyRE = regexp.MustCompile(`(?i)^\s*(?:Cert(?:ificate)? )?Status\s*:\s*(?:Empty|None)\s*$`)
)

// ErrUnreadable means the listing names trustpoints without showing their
// certificates (a summary, or labels not understood): whether the CA is
// there is unknown, which is never the same as absent.
var ErrUnreadable = errors.New("the listing shows no certificate chain")

const (
	begin = "-----BEGIN CERTIFICATE-----"
	end   = "-----END CERTIFICATE-----"
)

// ParseTrustpoints reads `show trustpoint [detail]` under `scope security`.
// Whatever the labels, every PEM block is extracted (indented, after a label
// on the same line, or behind `>` prompts), parsed, and its SHA-1 computed;
// Store is the nearest `Trustpoint Name:` above it. A PEM block that is cut
// short or does not parse is an error, and so is a listing that shows no
// chain for a trustpoint not marked empty, or text without any trustpoint
// or certificate (ErrUnreadable): a damaged listing never reads as
// "absent". An empty output is an empty store.
func ParseTrustpoints(out string) ([]detect.Cert, error) {
	if err := detect.CommandError(out); err != nil {
		return nil, fmt.Errorf("fxos trustpoints: %w", err)
	}
	var (
		certs []detect.Cert
		name  string
		block []string // lines of the PEM being read
		start int
		// chainless names trustpoints seen with neither a certificate
		// nor an empty status so far.
		chainless []string
		seen      int
	)
	for i, l := range strings.Split(out, "\n") {
		if block == nil {
			if m := nameRE.FindStringSubmatch(l); m != nil {
				name = m[1]
				chainless = append(chainless, name)
				seen++
			}
			if emptyRE.MatchString(l) {
				chainless = slices.DeleteFunc(chainless, func(n string) bool { return n == name })
			}
			if !strings.Contains(l, begin) {
				continue
			}
			start = i
		}
		block = append(block, l)
		if !strings.Contains(l, end) {
			continue
		}
		// Every BEGIN must yield a certificate, or the listing is damaged.
		text := strings.Join(block, "\n")
		text = text[:strings.LastIndex(text, end)+len(end)]
		parsed := cert.ParsePEMBlocks(text)
		if len(parsed) != strings.Count(text, begin) {
			return nil, fmt.Errorf("fxos trustpoints: line %d: trustpoint %q: certificate does not parse", start+1, name)
		}
		for _, c := range parsed {
			certs = append(certs, detect.FromX509(c, name))
		}
		chainless = slices.DeleteFunc(chainless, func(n string) bool { return n == name })
		block = nil
		// A next certificate may begin on the line this one ended.
		if b := strings.LastIndex(l, begin); b > strings.LastIndex(l, end) {
			block, start = []string{l[b:]}, i
		}
	}
	if block != nil {
		return nil, fmt.Errorf("fxos trustpoints: line %d: trustpoint %q: certificate cut short", start+1, name)
	}
	if len(chainless) > 0 {
		return nil, fmt.Errorf("fxos trustpoints: trustpoint %q: %w", chainless[0], ErrUnreadable)
	}
	if len(certs) == 0 && seen == 0 && strings.TrimSpace(out) != "" {
		return nil, fmt.Errorf("fxos trustpoints: no trustpoint or certificate in %q: %w", firstLine(out), ErrUnreadable)
	}
	return certs, nil
}

// firstLine is the first non-blank line of out.
func firstLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if t := strings.TrimSpace(l); t != "" {
			return t
		}
	}
	return ""
}

// reRule is the dashes under a table's header.
var reRule = regexp.MustCompile(`^\s*-{3,}[\s-]*$`)

// TrustpointNames lists the trustpoints a listing names: by a name label
// (`Trustpoint Name: X`, `Trustpoint: X`) or as the first column of a
// summary table under a rule of dashes.
func TrustpointNames(out string) []string {
	var names []string
	add := func(n string) {
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	table := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.Contains(l, begin) || strings.Contains(l, end):
		case nameRE.MatchString(l):
			add(nameRE.FindStringSubmatch(l)[1])
		case reRule.MatchString(l):
			table = true
		case table && strings.TrimSpace(l) == "":
			table = false
		case table:
			add(strings.Fields(l)[0])
		}
	}
	return names
}

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
	switch {
	case err == nil:
		names = union(names, TrustpointNames(out))
		certs, err = ParseTrustpoints(out)
		if !errors.Is(err, ErrUnreadable) {
			return certs, names, err
		}
	case sh != nil && !platform.Refused(err):
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
