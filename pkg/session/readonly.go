package session

import (
	"regexp"
	"strings"
	"sync"
)

// A profile's ReadOnly lists every command line a read-only session (plan)
// may send on that platform: the reads detection needs and the profile's
// terminal settings. A line must match one pattern whole, whatever its
// first word; arguments are restricted to characters that cannot start a
// pipe (`| redirect flash:x` writes a file), a second command or a comment.
// Before the platform is known a session may send only CmdShow.
const (
	// CmdShow: show and plain words (running-config, crypto, ca, names).
	CmdShow = `show(?: [a-z0-9][a-z0-9_.:/-]*)+`
	// CmdDir: dir of a file system, optionally a path in it.
	CmdDir = `dir [a-z][a-z0-9_-]*:(?:/?[a-z0-9_][a-z0-9_./-]*)?`
)

// readOnlyRE compiles a read-only list into one pattern; an empty list
// allows show only. A fleet has a handful of lists (one per platform), so
// each is compiled once per process, not once per session.
func readOnlyRE(lines []string) *regexp.Regexp {
	if len(lines) == 0 {
		lines = []string{CmdShow}
	}
	expr := `(?i)^(?:` + strings.Join(lines, `|`) + `)$`
	if re, ok := readOnlyCache.Load(expr); ok {
		return re.(*regexp.Regexp)
	}
	re, _ := readOnlyCache.LoadOrStore(expr, regexp.MustCompile(expr))
	return re.(*regexp.Regexp)
}

// readOnlyCache holds the compiled read-only lists, by expression.
var readOnlyCache sync.Map

// ReadOnlyAllowed reports whether a read-only session with this profile
// may send cmd. An empty line (a bare return) is allowed; a line with a
// control character (a newline would be a second command) never is.
func (p Profile) ReadOnlyAllowed(cmd string) bool { return readOnlyAllows(readOnlyRE(p.ReadOnly), cmd) }

func readOnlyAllows(re *regexp.Regexp, cmd string) bool {
	if cmd == "" {
		return true
	}
	return printable(cmd) && re.MatchString(cmd)
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
