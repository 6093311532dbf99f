// Package detect reads what a device says about itself: the platform and
// release from `show version` (Facts), and whether its trust store holds the
// target CA (Evaluate over the Certs the platform parsers return).
package detect

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Platform ids. The first four are the ones trustfix can remediate.
const (
	IOSXE   = "iosxe"
	IOSXR   = "iosxr"
	ASA     = "asa"
	FXOS    = "fxos"
	IOS     = "ios" // classic IOS: never a target
	FTD     = "ftd"
	ESA     = "esa"
	WSA     = "wsa"
	CER     = "cer"
	Unknown = "unknown"
)

// Facts is what `show version` tells about a device.
type Facts struct {
	Platform  string `json:"platform"`         // one of the platform ids
	Supported bool   `json:"supported"`        // trustfix can fix it by CLI; else see Reason
	Reason    string `json:"reason,omitempty"` // why not supported, one line
	Version   string `json:"version"`          // as printed, e.g. 17.03.04a, 9.16(3)19
	Model     string `json:"model,omitempty"`
	Hostname  string `json:"hostname,omitempty"`
	Serial    string `json:"serial,omitempty"`
	Uptime    string `json:"uptime,omitempty"`
	// ASAContext is the tag on the ASA version line: "", "system" or "context".
	ASAContext string `json:"asa_context,omitempty"`
}

var (
	// ErrUnknownOutput means the output matches no known platform.
	ErrUnknownOutput = errors.New("unrecognised show version output")
	// ErrNoVersion means the platform was recognised but its release was not.
	ErrNoVersion = errors.New("no software version found")
	// ErrUnknownPlatform is a platform id ParseVersionAs does not know.
	ErrUnknownPlatform = errors.New("unknown platform")
	// ErrPlatformMismatch is wrapped by MismatchError.
	ErrPlatformMismatch = errors.New("platform mismatch")
)

// MismatchError says the inventory named one platform and the device is
// clearly another. Acting on it would run the wrong command set.
type MismatchError struct {
	Want, Got string
}

// Error names what the output looks like and what the inventory said.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("show version looks like %s (%s), not %s", e.Got, describe[e.Got], e.Want)
}

// Unwrap lets errors.Is match ErrPlatformMismatch.
func (e *MismatchError) Unwrap() error { return ErrPlatformMismatch }

var describe = map[string]string{
	IOSXE: "Cisco IOS XE", IOSXR: "Cisco IOS XR", ASA: "Cisco ASA", FXOS: "Firepower FXOS chassis",
	IOS: "classic IOS", FTD: "Firepower Threat Defense", ESA: "Secure Email appliance",
	WSA: "Web Security appliance", CER: "Emergency Responder", Unknown: "unrecognised",
}

var parsers = map[string]func(string) (Facts, error){
	IOSXE: parseIOSXE, IOSXR: parseIOSXR, ASA: parseASA, FXOS: parseFXOS,
	IOS: parseIOS, FTD: parseFTD, ESA: parseAsyncOS, WSA: parseAsyncOS, CER: parseCER,
}

// ParseVersion detects the platform from `show version` (docs/platforms.md) and
// parses its facts. Echoed command, prompts, CRs and paging are tolerated.
func ParseVersion(out string) (Facts, error) {
	out = CleanVersion(out)
	p := identify(out)
	if p == Unknown {
		return Facts{Platform: Unknown}, ErrUnknownOutput
	}
	return parsers[p](out)
}

// ParseVersionAs parses `show version` of a device whose platform the
// inventory names. "" and "auto" detect. Output that is clearly another
// platform is refused with a *MismatchError; output that matches none is
// tried with the named platform's parser.
func ParseVersionAs(platform, out string) (Facts, error) {
	if platform == "" || platform == "auto" {
		return ParseVersion(out)
	}
	parse, ok := parsers[platform]
	if !ok {
		return Facts{}, fmt.Errorf("%w %q", ErrUnknownPlatform, platform)
	}
	out = CleanVersion(out)
	switch got := identify(out); got {
	case platform, Unknown:
		return parse(out)
	default:
		return Facts{Platform: got}, &MismatchError{Want: platform, Got: got}
	}
}

var (
	// FTD names itself "Firepower [model] Threat Defense" and opens its
	// show version with a "---[ name ]---" block; both come before the
	// ASA banner it also prints.
	ftdRE      = regexp.MustCompile(`(?im)Firepower\b[^\n]*?\bThreat Defen[cs]e|Cisco Fire Linux OS|^\s*-{3,}\[ [^\]\n]+ \]-{3,}\s*$`)
	xeRE       = regexp.MustCompile(`Cisco IOS XE Software|IOS-XE|(?m)^IOS XE Version:`)
	classicRE  = regexp.MustCompile(`Cisco IOS Software|(?m)^IOS \(tm\)`)
	asyncRE    = regexp.MustCompile(`AsyncOS|Email Security|Web Security`)
	fxosRE     = regexp.MustCompile(`(?m)^\s*(?:Startup-Vers:|Running-Vers:|Package-Vers:|FPRM:|Version:\s+\d)`)
	ciscoRE    = regexp.MustCompile(`(?m)^\s*Cisco `)
	fxosVerRE  = regexp.MustCompile(`(?m)^\s*Version:\s+(\S+)`)
	fxosPkgRE  = regexp.MustCompile(`(?m)^\s*Package-Vers:\s+(\S+)`)
	fxosRunRE  = regexp.MustCompile(`(?m)^\s*Running-Vers:\s+(\S+)`)
	cerVerRE   = regexp.MustCompile(`(?m)^[ \t]*Active Master Version:[ \t]*(\S+)`)
	uptimeRE   = regexp.MustCompile(`(?m)^(\S+) uptime is (.+)$`)
	hardwareRE = regexp.MustCompile(`(?m)^Hardware:\s+([^,\n]+)`)
)

// identify applies docs/platforms.md Order matters: FTD prints ASA lines, and
// IOS XE prints "Cisco IOS Software" too.
func identify(out string) string {
	switch {
	case ftdRE.MatchString(out):
		return FTD
	case strings.Contains(out, "Cisco Adaptive Security Appliance Software Version"):
		return ASA
	case strings.Contains(out, "Cisco IOS XR Software"):
		return IOSXR
	case xeRE.MatchString(out):
		return IOSXE
	case classicRE.MatchString(out):
		return IOS
	case asyncRE.MatchString(out):
		return asyncPlatform(out)
	case cerVerRE.MatchString(out):
		return CER
	case fxosRE.MatchString(out) && !ciscoRE.MatchString(out):
		return FXOS
	}
	return Unknown
}

var indentRE = regexp.MustCompile(`(?m)^[ \t]+`)

// CleanVersion is `show version` as its parsers, and the patterns of a
// platform's version blockers (platform.VersionBlocker), read it: the
// echo, prompts, CRs and paging removed (CleanCapture), then dedented.
func CleanVersion(out string) string { return dedent(CleanCapture(out, "show version")) }

// dedent removes the indentation of every line. No show version fact
// depends on it, and it is where paging leaves its residue: a tool (or a
// session) that strips " --More-- " but not its spaces leaves them in
// front of whatever line followed the page break, and a device whose AAA
// refuses `terminal length 0` breaks pages anywhere. Without this, a page
// break before "Router operating mode: Controller-Managed" would plan an
// SD-WAN controller as a CLI target (the IOS XE Spec's blocker).
func dedent(out string) string { return indentRE.ReplaceAllString(out, "") }

// first returns the first submatch of re in s, trimmed, or "".
func first(re *regexp.Regexp, s string) string {
	if m := re.FindStringSubmatch(s); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// hostUptime reads "<host> uptime is <uptime>" (IOS, IOS XE, IOS XR).
func hostUptime(out string) (host, uptime string) {
	if m := uptimeRE.FindStringSubmatch(out); m != nil {
		return m[1], strings.TrimSpace(m[2])
	}
	return "", ""
}

// parseFXOS reads the chassis `show version`: "Version:" (and
// "Startup-Vers:"), or the component block of the chassis manager
// ("FPRM:" with "Running-Vers:" and "Package-Vers:", as unicon's FXOS mock
// data answers), where the platform bundle's Package-Vers is the release.
func parseFXOS(out string) (Facts, error) {
	f := Facts{Platform: FXOS, Supported: true, Version: first(fxosVerRE, out)}
	for _, re := range []*regexp.Regexp{fxosPkgRE, fxosRunRE} {
		if f.Version == "" {
			f.Version = first(re, out)
		}
	}
	if f.Version == "" {
		return f, fmt.Errorf("fxos: %w", ErrNoVersion)
	}
	return f, nil
}

func parseCER(out string) (Facts, error) {
	return Facts{
		Platform: CER, Version: first(cerVerRE, out),
		Reason: "Emergency Responder has no CLI import: upgrade or COP file (FN72289)",
	}, nil
}
