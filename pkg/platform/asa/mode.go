package asa

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/detect"
)

// Security context modes, as `show mode` prints them.
const (
	ModeSingle   = "single"
	ModeMultiple = "multiple"
)

// ErrNoMode means `show mode` output held no mode line.
var ErrNoMode = errors.New(`no "Security context mode:" line`)

var (
	modeRE = regexp.MustCompile(`(?mi)^\s*Security context mode:\s*(single|multiple)\b`)
	fipsRE = regexp.MustCompile(`(?m)^\s*fips enable\s*$`)
)

// ParseMode reads `show mode`: "single" or "multiple". Trustpool import is
// not supported in multiple-context mode.
func ParseMode(out string) (string, error) {
	if err := detect.CommandError(out); err != nil {
		return "", fmt.Errorf("show mode: %w", err)
	}
	m := modeRE.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("show mode: %w", ErrNoMode)
	}
	return strings.ToLower(m[1]), nil
}

// ParseFIPS reports `fips enable` in `show running-config fips` (wording
// [unverified]; an empty output means FIPS is off). A FIPS ASA refuses
// SHA-1-signed roots such as QuoVadis (CSCvm80874).
func ParseFIPS(out string) bool { return fipsRE.MatchString(out) }
