package detect

import (
	"fmt"
	"regexp"
)

var (
	// The suffixes " LNT" and "[Default]" are not part of the release.
	xrVersionRE = regexp.MustCompile(`(?m)^Cisco IOS XR Software, Version (\d+\.\d+\.\d+(?:\.\d+\w*)?)`)
	xrModelRE   = regexp.MustCompile(`(?m)^cisco (.+?) \(.*\) processor`)
)

// parseIOSXR reads IOS XR `show version` (docs/platforms.md). The serial is not
// printed there (it is in `show inventory`), and 64-bit XR says "System
// uptime is …", which names no host.
func parseIOSXR(out string) (Facts, error) {
	f := Facts{Platform: IOSXR, Supported: true}
	f.Version = first(xrVersionRE, out)
	f.Model = first(xrModelRE, out)
	f.Hostname, f.Uptime = hostUptime(out)
	if f.Hostname == "System" {
		f.Hostname = ""
	}
	if f.Version == "" {
		return f, fmt.Errorf("iosxr: %w", ErrNoVersion)
	}
	return f, nil
}
