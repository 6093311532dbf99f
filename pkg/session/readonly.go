package session

import (
	"regexp"
	"strings"
)

// readOnlyLines is, per platform, every command line a read-only session
// (plan) may send: the reads detection needs and the session profile's
// terminal settings. A line must match one pattern whole, whatever its
// first word; arguments are restricted to characters that cannot start a
// pipe (`| redirect flash:x` writes a file), a second command or a comment.
// It is data that belongs with the platform's session profile.
var readOnlyLines = map[string][]string{
	"auto":  {cmdShow},
	"iosxe": {cmdShow, cmdDir, `enable`, `terminal (?:length|width) \d{1,3}`, `terminal no monitor`},
	"iosxr": {cmdShow, cmdDir, `terminal (?:length|width) \d{1,3}`, `terminal exec prompt no-timestamp`},
	"asa":   {cmdShow, cmdDir, `enable`, `terminal pager \d{1,3}`, `terminal width \d{1,3}`},
	"fxos":  {cmdShow, `scope security`, `top`, `up`, `terminal (?:length|width) \d{1,3}`},
}

const (
	// cmdShow: show and plain words (running-config, crypto, ca, names).
	cmdShow = `show(?: [a-z0-9][a-z0-9_.:/-]*)+`
	// cmdDir: dir of a file system, optionally a path in it.
	cmdDir = `dir [a-z][a-z0-9_-]*:(?:/?[a-z0-9_][a-z0-9_./-]*)?`
)

// readOnly holds the compiled patterns, one alternation per platform.
var readOnly = func() map[string]*regexp.Regexp {
	m := make(map[string]*regexp.Regexp, len(readOnlyLines))
	for id, pats := range readOnlyLines {
		m[id] = regexp.MustCompile(`(?i)^(?:` + strings.Join(pats, `|`) + `)$`)
	}
	return m
}()

// readOnlyAllowed reports whether a read-only session on platform may send
// cmd. An empty line (a bare return) is allowed; a line with a control
// character (a newline would be a second command) never is.
func ReadOnlyAllowed(platform, cmd string) bool {
	if cmd == "" {
		return true
	}
	if !printable(cmd) {
		return false
	}
	re, ok := readOnly[platform]
	if !ok {
		re = readOnly["auto"]
	}
	return re.MatchString(cmd)
}

// printable reports a command with no control character: one line.
func printable(cmd string) bool {
	for _, r := range cmd {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return false
		}
	}
	return true
}
