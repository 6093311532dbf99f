package advisory

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidVersion is wrapped by every error about a version string that
// cannot be parsed.
var ErrInvalidVersion = errors.New("invalid version")

// maxVersionLen bounds the input; no Cisco release string comes close.
const maxVersionLen = 100

// Version is a parsed Cisco release string. The zero Version has no parts and
// sorts before every parsed one.
//
// Every supported syntax is reduced to one shape: a list of parts, each part a
// number optionally followed by alternating runs of letters and digits:
//
//	IOS XE   17.3.4a, 17.03.04a    → 17 . 3 . 4a        (leading zeros dropped)
//	         16.12.1z2             → 16 . 12 . 1z2
//	IOS XR   5.2.3.12I, 7.9.2 LNT  → 5 . 2 . 3 . 12i ;  7 . 9 . 2   (tag ignored)
//	ASA      9.8(4)10              → 9 . 8 . 4 . 10     (train, maintenance, interim)
//	FXOS     2.10(1.159)           → 2 . 10 . 1 . 159   (major.minor(patch.build))
//	CER      12.5(1)SU3, 12.0(1) SU1, 12.5(1a), 14SU1
//	                               → 12 . 5 . 1su3 ; 12 . 0 . 1su1 ; 12 . 5 . 1a ; 14su1
//	AsyncOS  13.5.3-010            → 13 . 5 . 3 . 10    (build number as a last part)
//
// Letters are case-insensitive. A trailing tag that is not a service update,
// such as " LNT", "[Default]" or " <context>", is accepted and ignored; a
// trailing " SU1" is a CER service update and counts.
type Version struct {
	parts []part
}

// part is one dot-separated component: tokens alternate digits, letters,
// digits…, always starting with digits. Digit tokens carry no leading zeros
// ("0" for zero); letter tokens are lower case.
type part []string

// Parse parses a release string as a device or a field notice prints it.
// It never panics; a string it cannot read gives an error wrapping
// ErrInvalidVersion.
func Parse(s string) (Version, error) {
	in := strings.TrimSpace(s)
	bad := func(format string, args ...any) (Version, error) {
		return Version{}, fmt.Errorf("%w %q: %s", ErrInvalidVersion, s, fmt.Sprintf(format, args...))
	}
	switch {
	case in == "":
		return bad("empty")
	case len(in) > maxVersionLen:
		return bad("longer than %d characters", maxVersionLen)
	}
	p := &scanner{s: in}
	var v Version
	for {
		pt, err := p.part()
		if err != nil {
			return bad("%v", err)
		}
		v.parts = append(v.parts, pt)
		if !p.accept('.') {
			break
		}
	}
	switch {
	case p.accept('('): // ASA 9.8(4)10, FXOS 2.10(1.159), CER 12.5(1)SU3
		for {
			pt, err := p.part()
			if err != nil {
				return bad("%v", err)
			}
			v.parts = append(v.parts, pt)
			if !p.accept('.') {
				break
			}
		}
		if !p.accept(')') {
			return bad("want ')' at position %d", p.i)
		}
		switch c := p.peek(); {
		case isDigit(c): // ASA interim build
			v.parts = append(v.parts, part{trimZeros(p.run(isDigit))})
		case isLetter(c): // CER service update, classic IOS 15.2(4)E10
			if err := v.extend(p.suffix()); err != nil {
				return bad("%v", err)
			}
		}
	case p.accept('-'): // AsyncOS build number
		if !isDigit(p.peek()) {
			return bad("want a build number at position %d", p.i)
		}
		v.parts = append(v.parts, part{trimZeros(p.run(isDigit))})
	}
	if err := v.trailer(p.s[p.i:]); err != nil {
		return bad("%v", err)
	}
	return v, nil
}

// trailer handles what follows the release proper: nothing, a CER service
// update written apart ("12.0(1) SU1"), or one ignored tag.
func (v *Version) trailer(rest string) error {
	if rest == "" {
		return nil
	}
	word := strings.TrimLeft(rest, " \t")
	spaced := len(word) < len(rest)
	switch {
	case word == "":
		return nil
	case len(word) >= 2 && (word[0] == '[' && strings.IndexByte(word, ']') == len(word)-1 ||
		word[0] == '<' && strings.IndexByte(word, '>') == len(word)-1):
		return nil // [Default], <context>
	case !spaced:
		return fmt.Errorf("unexpected %q", rest)
	case isServiceUpdate(word):
		return v.extend(part{"su", trimZeros(word[2:])})
	case isTag(word):
		return nil // LNT and the like
	}
	return fmt.Errorf("unexpected %q", rest)
}

// extend appends letter-first tokens to the last part.
func (v *Version) extend(tokens part) error {
	last := v.parts[len(v.parts)-1]
	if len(last)%2 == 0 { // ends with letters: the two letter runs would merge
		return fmt.Errorf("suffix %q after %q", strings.Join(tokens, ""), strings.Join(last, ""))
	}
	v.parts[len(v.parts)-1] = append(last, tokens...)
	return nil
}

// Compare returns -1, 0 or +1 as v sorts before, equal to or after w.
//
// Ordering rules: parts are compared left to right; within a part, tokens
// are compared left to right, digits numerically and letters alphabetically
// (a < b < … < z < za). When one side runs out first it is the smaller, so
// a release sorts before its suffixed and extended forms:
//
//	17.3.4 < 17.3.4a < 17.3.4b ;  16.12.1y < 16.12.1z < 16.12.1z1 < 16.12.1z2
//	9.12(4) < 9.12(4)1 < 9.12(4)10 < 9.12(5) ;  14 < 14SU1 < 14SU2
//	12.5(1) < 12.5(1a) < 12.5(1)SU1 ;  13.5.3 < 13.5.3-010 < 13.5.3-020
//
// Padding never matters (17.03.04a == 17.3.4a, 13.5.3-010 == 13.5.3-10), and
// the syntax does not either: 9.8(4)10 == 9.8.4.10.
func (v Version) Compare(w Version) int {
	for i := 0; i < len(v.parts) && i < len(w.parts); i++ {
		if c := v.parts[i].compare(w.parts[i]); c != 0 {
			return c
		}
	}
	return cmpInt(len(v.parts), len(w.parts))
}

func (p part) compare(q part) int {
	for i := 0; i < len(p) && i < len(q); i++ {
		var c int
		if i%2 == 0 { // digits, without leading zeros: longer is larger
			c = cmpInt(len(p[i]), len(q[i]))
		}
		if c == 0 {
			c = strings.Compare(p[i], q[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmpInt(len(p), len(q))
}

// Canonical returns the normalised dotted form used for comparison: no
// padding, lower-case letters, parentheses and build separators turned into
// dots, tags dropped ("17.03.04a" → "17.3.4a", "9.8(4)10" → "9.8.4.10",
// "12.0(1) SU1" → "12.0.1su1"). Parsing it again gives an equal Version.
func (v Version) Canonical() string {
	var b strings.Builder
	for i, p := range v.parts {
		if i > 0 {
			b.WriteByte('.')
		}
		for _, t := range p {
			b.WriteString(t)
		}
	}
	return b.String()
}

// String returns the canonical form.
func (v Version) String() string { return v.Canonical() }

// Compare parses a and b and compares them as Version.Compare does.
func Compare(a, b string) (int, error) {
	va, err := Parse(a)
	if err != nil {
		return 0, err
	}
	vb, err := Parse(b)
	if err != nil {
		return 0, err
	}
	return va.Compare(vb), nil
}

// hasPrefix reports whether v starts with every part of p, exactly.
func (v Version) hasPrefix(p Version) bool {
	if len(p.parts) > len(v.parts) {
		return false
	}
	for i := range p.parts {
		if v.parts[i].compare(p.parts[i]) != 0 {
			return false
		}
	}
	return true
}

// numbers returns the leading number of the first n parts (fewer if v is
// shorter): the train of 17.3.4a is [17 3], of 14SU1 with n=2 it is [14].
func (v Version) numbers(n int) []string {
	out := make([]string, 0, n)
	for i := 0; i < n && i < len(v.parts); i++ {
		out = append(out, v.parts[i][0])
	}
	return out
}

// scanner reads a release string left to right.
type scanner struct {
	s string
	i int
}

func (p *scanner) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *scanner) accept(c byte) bool {
	if p.peek() == c && c != 0 {
		p.i++
		return true
	}
	return false
}

func (p *scanner) run(f func(byte) bool) string {
	start := p.i
	for p.i < len(p.s) && f(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// part reads digits followed by alternating letter and digit runs.
func (p *scanner) part() (part, error) {
	if !isDigit(p.peek()) {
		if p.i >= len(p.s) {
			return nil, errors.New("ends where a number is wanted")
		}
		return nil, fmt.Errorf("want a number at position %d, got %q", p.i, p.s[p.i])
	}
	return append(part{trimZeros(p.run(isDigit))}, p.suffix()...), nil
}

// suffix reads alternating letter and digit runs, letters first.
func (p *scanner) suffix() part {
	var out part
	for isLetter(p.peek()) {
		out = append(out, strings.ToLower(p.run(isLetter)))
		if !isDigit(p.peek()) {
			break
		}
		out = append(out, trimZeros(p.run(isDigit)))
	}
	return out
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// isServiceUpdate matches "SU" followed by digits, any case.
func isServiceUpdate(w string) bool {
	if len(w) < 3 || !strings.EqualFold(w[:2], "su") {
		return false
	}
	for i := 2; i < len(w); i++ {
		if !isDigit(w[i]) {
			return false
		}
	}
	return true
}

// isTag matches one word such as LNT: a letter, then letters, digits or '_'.
// A bare "SU" is not a tag but a service update without its number.
func isTag(w string) bool {
	if !isLetter(w[0]) || strings.EqualFold(w, "su") {
		return false
	}
	for i := 1; i < len(w); i++ {
		if c := w[i]; !isLetter(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

func trimZeros(d string) string {
	d = strings.TrimLeft(d, "0")
	if d == "" {
		return "0"
	}
	return d
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
