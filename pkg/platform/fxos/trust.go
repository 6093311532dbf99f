package fxos

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
)

var (
	// nameRE takes `Trustpoint Name: X` or `Name: X`; the labels are
	// [unverified] (docs/platforms.md), so nothing else depends on them.
	nameRE = regexp.MustCompile(`(?i)^\s*(?:Trustpoint )?Name\s*:\s*(\S.*?)\s*$`)
)

const (
	begin = "-----BEGIN CERTIFICATE-----"
	end   = "-----END CERTIFICATE-----"
)

// ParseTrustpoints reads `show trustpoint [detail]` under `scope security`.
// Whatever the labels, every PEM block is extracted (indented, after a label
// on the same line, or behind `>` prompts), parsed, and its SHA-1 computed;
// Store is the nearest `Trustpoint Name:` above it. A PEM block that is cut
// short or does not parse is an error: a damaged listing never reads as
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
	)
	for i, l := range strings.Split(out, "\n") {
		if block == nil {
			if m := nameRE.FindStringSubmatch(l); m != nil {
				name = m[1]
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
		block = nil
		// A next certificate may begin on the line this one ended.
		if b := strings.LastIndex(l, begin); b > strings.LastIndex(l, end) {
			block, start = []string{l[b:]}, i
		}
	}
	if block != nil {
		return nil, fmt.Errorf("fxos trustpoints: line %d: trustpoint %q: certificate cut short", start+1, name)
	}
	return certs, nil
}
