package fxos

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
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
