// Package sanitize makes text from a device safe to show: terminal control
// sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC sequences, in
// their 7-bit and C1 forms) are removed whole, other C0/C1 controls and
// invalid UTF-8 are dropped or replaced, and Unicode format characters
// (bidi overrides) become U+FFFD. It parses the way a terminal does, byte
// by byte, so removing one sequence can never assemble another: ESC ESC[Z
// ]52;… leaves "]52;…", never an OSC 52 clipboard write.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text returns s with control sequences and controls removed; newlines and
// tabs are kept, carriage returns and backspaces (which overwrite what a
// terminal shows) are dropped.
func Text(s string) string {
	if isPlain(s) {
		return s
	}
	var f filter
	out := f.feed(make([]byte, 0, len(s)), []byte(s))
	return string(f.end(out))
}

// Line is Text on one line: every run of white space (newlines and tabs
// included) becomes one space, and the ends are trimmed.
func Line(s string) string {
	t := Text(s)
	if isOneLine(t) {
		return t
	}
	return strings.Join(strings.Fields(t), " ")
}

// Cap returns s cut to at most n bytes, ending in "…" when it was cut (at a
// rune boundary, so the result stays valid UTF-8).
func Cap(s string, n int) string {
	const more = "…"
	if len(s) <= n {
		return s
	}
	cut := max(n-len(more), 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + more
}

// CSVCell neutralises a cell a spreadsheet would run as a formula (OWASP's
// CSV-injection rule): one that begins with =, +, -, @, a tab or a carriage
// return gets a leading single quote.
func CSVCell(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// isPlain reports printable ASCII, tabs and newlines only: nothing to do.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// isOneLine reports text with no white space but single inner spaces.
func isOneLine(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool { return r != ' ' && unicode.IsSpace(r) }) < 0
}
