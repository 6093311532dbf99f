package detect

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	xeVersionRE   = regexp.MustCompile(`(?m)^Cisco IOS XE Software, Version (\S+)`)
	xe3VersionRE  = regexp.MustCompile(`(?m)^IOS XE Version:[ \t]*(\S+)`)
	iosLineRE     = regexp.MustCompile(`(?m)^(?:Cisco IOS Software|IOS \(tm\)).*?,? Version ([^,\s]+)`)
	modelNumberRE = regexp.MustCompile(`(?mi)^Model Number[ \t]*:[ \t]*(\S+)`)
	processorRE   = regexp.MustCompile(`(?m)^[Cc]isco (\S+) \(.+\) processor`)
	sysSerialRE   = regexp.MustCompile(`(?mi)^System Serial Number[ \t]*:[ \t]*(\S+)`)
	boardIDRE     = regexp.MustCompile(`(?m)^Processor board ID (\S+)`)
)

// parseIOSXE reads IOS XE `show version` (docs/platforms.md). On a stack the
// active switch comes first, so first matches are the right ones. What
// rules a release's device out beyond its version (SD-WAN controller mode)
// is a blocker of the platform's Spec, read from the same output.
func parseIOSXE(out string) (Facts, error) {
	f := Facts{Platform: IOSXE, Supported: true}
	f.Version = first(xeVersionRE, out)
	if f.Version == "" { // IOS XE 3.x: "IOS XE Version: 03.16.05.S" or the IOS line
		f.Version = first(xe3VersionRE, out)
	}
	if f.Version == "" {
		f.Version = first(iosLineRE, out)
	}
	iosCommon(&f, out)
	if f.Version == "" {
		return f, fmt.Errorf("iosxe: %w", ErrNoVersion)
	}
	switch major := leadingInt(NormaliseXE(f.Version)); {
	case major < 0:
		f.Supported = false
		f.Reason = fmt.Sprintf("IOS XE version %q not understood", f.Version)
	case major < 16:
		f.Supported = false
		f.Reason = fmt.Sprintf("IOS XE %s (3.x or older) is not covered by the field notices", f.Version)
	}
	return f, nil
}

// parseIOS reads classic IOS, which the field notices do not cover.
func parseIOS(out string) (Facts, error) {
	f := Facts{Platform: IOS, Reason: "classic IOS is not covered by the field notices"}
	f.Version = first(iosLineRE, out)
	iosCommon(&f, out)
	return f, nil
}

// iosCommon fills the fields IOS and IOS XE print alike.
func iosCommon(f *Facts, out string) {
	f.Hostname, f.Uptime = hostUptime(out)
	if f.Model = first(modelNumberRE, out); f.Model == "" {
		f.Model = first(processorRE, out)
	}
	if f.Serial = first(sysSerialRE, out); f.Serial == "" {
		f.Serial = first(boardIDRE, out)
	}
}

// NormaliseXE drops the zero padding IOS XE prints so a release compares
// with field-notice lists: "17.03.04a" → "17.3.4a", "03.06.05E" → "3.6.5E".
func NormaliseXE(v string) string {
	parts := strings.Split(v, ".")
	for i, p := range parts {
		n := 0
		for n < len(p)-1 && p[n] == '0' && p[n+1] >= '0' && p[n+1] <= '9' {
			n++
		}
		parts[i] = p[n:]
	}
	return strings.Join(parts, ".")
}

// leadingInt is the number v starts with, or -1.
func leadingInt(v string) int {
	end := 0
	for end < len(v) && v[end] >= '0' && v[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(v[:end])
	if err != nil {
		return -1
	}
	return n
}
