// Package advisory holds the field-notice data of the QuoVadis Root CA 2
// decommission (which releases a notice names, which release fixes them) and
// a comparator for Cisco release strings.
//
// The tables are data, not code: notices.yaml, embedded at build time. Its
// header documents the patterns; Version documents the ordering.
//
// How a release is judged, per notice entry:
//
//  1. At or above a fixed release of its own train (the first two numbers:
//     17.3.4 fixes 17.3.x, not 17.4.1b), or at or above the highest fixed
//     release: not affected ("fixed").
//  2. Otherwise the first affected row whose pattern matches: affected, with
//     that row's fixed wording.
//  3. Otherwise: not affected, with the entry's note for unlisted releases.
//
// Where a notice's fixed releases were not available (FN72290 IOS XR, FN72103
// ASA and FXOS) Fixed is empty: no release is invented.
package advisory

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/trustfix/trustfix/pkg/record"
)

// ErrUnknownPlatform is wrapped by Lookup's error for a platform id that no
// notice covers.
var ErrUnknownPlatform = errors.New("unknown platform")

// Lookup returns the field-notice view for a platform id ("iosxe", "iosxr",
// "asa", "fxos", "cer", "esa", "wsa"), the version exactly as the device
// printed it, and the model/PID (may be empty; it selects the IOS XE notice:
// IE-3x00/ESS-3300/ESS-9300 → FN72298, cBR-8 → FN72116, else FN72323).
//
// A version that cannot be parsed gives an error wrapping ErrInvalidVersion
// together with an Advisory that still names the notice; an unknown platform
// gives an error wrapping ErrUnknownPlatform. A release outside the notice's
// lists gives Affected=false with the notice id and a note.
func Lookup(platform, version, model string) (record.Advisory, error) {
	t, err := loadNotices()
	if err != nil {
		return record.Advisory{}, err
	}
	n, err := t.find(platform, model)
	if err != nil {
		return record.Advisory{}, err
	}
	v, err := Parse(version)
	if err != nil {
		return record.Advisory{Notice: n.id}, fmt.Errorf("advisory: %s: %w", n.id, err)
	}
	return n.judge(v), nil
}

// UpgradeRequired answers the upgrade-only products (cer, esa, wsa): whether
// the version is affected and the release that fixes it. It is Lookup without
// a model; for IOS XE it therefore judges against the general notice.
func UpgradeRequired(platform, version string) (fixed string, affected bool, err error) {
	a, err := Lookup(platform, version, "")
	if err != nil {
		return "", false, err
	}
	return a.Fixed, a.Affected, nil
}

// find returns the first entry for the platform whose models match.
func (t *table) find(platform, model string) (*notice, error) {
	p := strings.ToLower(strings.TrimSpace(platform))
	if !slices.Contains(t.platforms, p) {
		return nil, fmt.Errorf("advisory: %w %q (want %s)", ErrUnknownPlatform, platform, strings.Join(t.platforms, "|"))
	}
	m := normModel(model)
	for _, n := range t.notices {
		if !slices.Contains(n.platforms, p) {
			continue
		}
		if len(n.models) == 0 || m != "" && slices.ContainsFunc(n.models, func(prefix string) bool {
			return strings.HasPrefix(m, prefix)
		}) {
			return n, nil
		}
	}
	// Unreachable: parseTable insists on a default entry per platform.
	return nil, fmt.Errorf("advisory: %w %q: no default notice", ErrUnknownPlatform, platform)
}

// judge applies the three steps of the package comment.
func (n *notice) judge(v Version) record.Advisory {
	if n.isFixed(v) {
		return record.Advisory{Notice: n.id, Fixed: n.fixed, Note: "at or above the fixed release"}
	}
	for _, r := range n.rows {
		if slices.ContainsFunc(r.match, func(p pattern) bool { return p.matches(v) }) {
			return record.Advisory{Notice: n.id, Affected: true, Fixed: r.fixed, Note: r.note}
		}
	}
	return record.Advisory{Notice: n.id, Fixed: n.fixed, Note: n.unlisted}
}
