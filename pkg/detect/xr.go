package detect

import (
	"fmt"
	"regexp"
)

var (
	// The suffixes " LNT" and "[Default]" are not part of the release.
	xrVersionRE = regexp.MustCompile(`(?m)^Cisco IOS XR Software, Version (\d+\.\d+\.\d+(?:\.\d+\w*)?)`)
	// The model line: "cisco NCS-5500 () processor", else (7.x, XRd)
	// "cisco XRd-CP-C-01 processor with 30GB of memory", else a name line
	// such as "cisco NCS540L (C3708 @ 1.70GHz)" or "cisco XRd Control Plane".
	xrModelRE = regexp.MustCompile(`(?m)^cisco (.+?) \(.*\) processor`)
	xrPIDRE   = regexp.MustCompile(`(?m)^cisco (\S+) processor with`)
	xrNameRE  = regexp.MustCompile(`(?m)^cisco ([^(\n]*[^(\s])(?: \([^\n]*\))?[ \t]*$`)
)

// parseIOSXR reads IOS XR `show version` (reference §2.2). The serial is not
// printed there (it is in `show inventory`), and 64-bit XR says "System
// uptime is …", which names no host.
func parseIOSXR(out string) (Facts, error) {
	f := Facts{Platform: IOSXR, Supported: true}
	f.Version = first(xrVersionRE, out)
	for _, re := range []*regexp.Regexp{xrModelRE, xrPIDRE, xrNameRE} {
		if f.Model == "" {
			f.Model = first(re, out)
		}
	}
	f.Hostname, f.Uptime = hostUptime(out)
	if f.Hostname == "System" {
		f.Hostname = ""
	}
	if f.Version == "" {
		return f, fmt.Errorf("iosxr: %w", ErrNoVersion)
	}
	return f, nil
}
