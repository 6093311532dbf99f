package inventory

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// Inventory values that become part of a line typed at a device CLI get a
// grammar of their own, checked before anything connects: nothing in them
// can end the line, start a second command, open a pipe, or (on IOS XR,
// where the file method runs `run cp` and `run rm` in a root shell) reach
// a shell metacharacter, an option or a parent directory.

// maxCLIValue bounds a value that is typed at the device.
const maxCLIValue = 200

var (
	// bundleFileRE: FILESYSTEM:PATH. The file system is a word (flash,
	// bootflash, harddisk, disk0); the path is segments of letters,
	// digits, '.', '_' and '-' that do not start with '.' or '-' (so no
	// "..", no hidden file, no option), joined by single slashes, with an
	// optional leading slash (harddisk:/ios.p7b).
	bundleFileRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*:/?(?:[A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*$`)
	// bundleURLRE: the scheme, then only URL characters that mean nothing
	// to a Cisco CLI ('[' and ']' for an IPv6 address): no space or quote, no '?' (IOS's help key), no '|'
	// or '!' (pipe, comment), no '#', '$', ';', '&', '`', '<', '>'.
	bundleURLRE = regexp.MustCompile(`^(?i:https?|ftp|tftp)://[A-Za-z0-9\[][A-Za-z0-9._~%@:+=,/\[\]-]*$`)
)

// CheckBundleFile returns an error unless s is a bundle file name safe to
// type at any platform's CLI (see bundleFileRE).
func CheckBundleFile(s string) error {
	if len(s) > maxCLIValue || !bundleFileRE.MatchString(s) {
		return fmt.Errorf("invalid %s (want FILESYSTEM:PATH, e.g. flash:ios_core.p7b; names of letters, digits and ._- not starting with . or -)", quote(s))
	}
	return nil
}

// CheckBundleURL returns an error unless s is an http, https, ftp or tftp
// URL safe to type at any platform's CLI (see bundleURLRE).
func CheckBundleURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || len(s) > maxCLIValue || u.Host == "" || !bundleURLRE.MatchString(s) {
		return fmt.Errorf("invalid URL %s (want http, https, ftp or tftp with no spaces, quotes or ?#|!$;&`<>, e.g. %s)", quote(s), DefaultBundleURL)
	}
	if hasDotSegment(u.EscapedPath()) {
		return fmt.Errorf("invalid URL %s (a path segment . or .. would climb or hide the bundle's place; give the path as the server names it)", quote(s))
	}
	return nil
}

// hasDotSegment reports a "." or ".." path segment, which servers resolve
// differently and a reviewer of the change cannot read at a glance.
func hasDotSegment(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// CheckHost returns an error unless s can be a host name or IP address.
func CheckHost(s string) error {
	if s == "" || strings.HasPrefix(s, "-") || strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == '/' || r == '@' || invisible(r) }) >= 0 {
		return fmt.Errorf("invalid host %s (want a name or an IP address)", quote(s))
	}
	return nil
}

// invisible reports a character that must not reach a log line, a file
// name or a terminal: controls (C0, DEL, C1), white space beyond ' ' and
// format characters (bidi overrides).
func invisible(r rune) bool {
	return unicode.IsControl(r) || (unicode.IsSpace(r) && r != ' ') || unicode.Is(unicode.Cf, r)
}

// hasInvisible reports whether s holds an invisible character.
func hasInvisible(s string) bool { return strings.IndexFunc(s, invisible) >= 0 }
