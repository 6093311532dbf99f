package sanitize

import (
	"unicode"
	"unicode/utf8"
)

// state is where the parser stands, after the model of a VT500 terminal's
// parser: what it drops is exactly what a terminal would have acted on.
type state uint8

const (
	ground   state = iota
	escape         // after ESC
	escInter       // ESC followed by intermediate bytes
	csi            // control sequence: parameters, intermediates, final byte
	str            // OSC, DCS, SOS, PM or APC body, until its terminator
	strEsc         // ESC inside a string: "\" ends it (ST)
)

// Bounds on a sequence: a device that opens one and never ends it loses
// at most this much text, and a string never reaches past its line.
const (
	maxCSI = 64
	maxStr = 4096
)

const (
	esc = 0x1b
	can = 0x18
	sub = 0x1a
	bel = 0x07
)

// filter is the streaming parser. The zero value is ready; feed may be
// called with any split of the input.
type filter struct {
	st  state
	n   int     // bytes in the current sequence
	utf [4]byte // a UTF-8 sequence not yet complete
	un  int
	c2  bool // in a string, the last byte was 0xC2 (C1 ST is C2 9C)
}

// feed appends the safe part of p to dst. Runs of plain text (printable
// ASCII, newline, tab) in the ground state are copied whole: that is
// nearly all of what a device sends.
func (f *filter) feed(dst, p []byte) []byte {
	for i := 0; i < len(p); {
		if f.st == ground && f.un == 0 {
			j := i
			for j < len(p) && plain(p[j]) {
				j++
			}
			dst = append(dst, p[i:j]...)
			if i = j; i == len(p) {
				break
			}
		}
		dst = f.byte(dst, p[i])
		i++
	}
	return dst
}

// plain reports a byte that passes unchanged in the ground state.
func plain(b byte) bool { return (b >= 0x20 && b < 0x7f) || b == '\n' || b == '\t' }

// end flushes an incomplete UTF-8 sequence as U+FFFD; an unfinished control
// sequence is dropped.
func (f *filter) end(dst []byte) []byte {
	if f.un > 0 && f.st == ground {
		dst = utf8.AppendRune(dst, utf8.RuneError)
	}
	*f = filter{}
	return dst
}

func (f *filter) byte(dst []byte, b byte) []byte {
	switch f.st {
	case escape:
		return f.afterEsc(dst, b)
	case escInter:
		switch {
		case b >= 0x20 && b <= 0x2f:
			return dst
		case b >= 0x30 && b <= 0x7e:
			f.st = ground
			return dst
		}
		f.st = ground
		return f.byte(dst, b)
	case csi:
		f.n++
		switch {
		case b >= 0x20 && b <= 0x3f && f.n < maxCSI:
			return dst
		case b >= 0x40 && b <= 0x7e:
			f.st = ground
			return dst
		case b == can || b == sub:
			f.st = ground
			return dst
		}
		f.st = ground
		return f.byte(dst, b)
	case str:
		return f.inString(dst, b)
	case strEsc:
		if b == '\\' {
			f.st = ground
			return dst
		}
		f.st = escape
		return f.afterEsc(dst, b)
	}
	return f.ground(dst, b)
}

func (f *filter) afterEsc(dst []byte, b byte) []byte {
	switch {
	case b == '[':
		f.begin(csi)
	case b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_':
		f.begin(str)
	case b == esc:
		// The first ESC is dropped; this one starts afresh.
	case b >= 0x20 && b <= 0x2f:
		f.st = escInter
	case b >= 0x30 && b <= 0x7e:
		f.st = ground
	case b == can || b == sub:
		f.st = ground
	default:
		f.st = ground
		return f.byte(dst, b)
	}
	return dst
}

func (f *filter) begin(s state) {
	f.st, f.n, f.c2 = s, 0, false
}

// inString consumes a string's body up to BEL, ST (ESC \ or C1 ST), CAN,
// SUB, the end of the line or maxStr bytes.
func (f *filter) inString(dst []byte, b byte) []byte {
	f.n++
	wasC2 := f.c2
	f.c2 = b == 0xc2
	switch {
	case b == bel || b == can || b == sub || (wasC2 && b == 0x9c):
		f.st = ground
	case b == esc:
		f.st = strEsc
	case b == '\n' || f.n > maxStr:
		f.st = ground
		if b == '\n' {
			dst = append(dst, '\n')
		}
	}
	return dst
}

// ground handles printable text, C0 controls and UTF-8.
func (f *filter) ground(dst []byte, b byte) []byte {
	if f.un > 0 {
		if b&0xc0 == 0x80 {
			f.utf[f.un] = b
			f.un++
			if f.un < expected(f.utf[0]) {
				return dst
			}
			r, size := utf8.DecodeRune(f.utf[:f.un])
			f.un = 0
			if r == utf8.RuneError && size <= 1 {
				return utf8.AppendRune(dst, utf8.RuneError)
			}
			return f.rune(dst, r)
		}
		// A sequence cut short: its bytes stand for one U+FFFD.
		f.un = 0
		dst = utf8.AppendRune(dst, utf8.RuneError)
	}
	switch {
	case b == '\n' || b == '\t':
		return append(dst, b)
	case b == esc:
		f.st = escape
		return dst
	case b < 0x20 || b == 0x7f:
		return dst // BEL, backspace, carriage return, DEL, ...
	case b < 0x80:
		return append(dst, b)
	case expected(b) == 0:
		return utf8.AppendRune(dst, utf8.RuneError)
	}
	f.utf[0], f.un = b, 1
	return dst
}

// rune handles one decoded non-ASCII rune.
func (f *filter) rune(dst []byte, r rune) []byte {
	switch {
	case r == 0x9b: // CSI
		f.begin(csi)
	case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // DCS SOS OSC PM APC
		f.begin(str)
	case r >= 0x80 && r <= 0x9f: // other C1 controls, ST included
	case r == '\u2028' || r == '\u2029':
		return append(dst, '\n')
	case unicode.Is(unicode.Cf, r): // bidi overrides and other invisible formatting
		return utf8.AppendRune(dst, utf8.RuneError)
	default:
		return utf8.AppendRune(dst, r)
	}
	return dst
}

// expected is the length of the UTF-8 sequence b starts, 0 if b cannot
// start one.
func expected(b byte) int {
	switch {
	case b >= 0xc2 && b <= 0xdf:
		return 2
	case b >= 0xe0 && b <= 0xef:
		return 3
	case b >= 0xf0 && b <= 0xf4:
		return 4
	}
	return 0
}
