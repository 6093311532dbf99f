package devsim

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Hostile is a device that is broken or attacks its client: the behaviour
// trustfix must survive with its deadlines, output caps, redaction and
// escaping. A command is matched by a prefix of the typed line ("show
// crypto" matches every platform's trust-store listing), case-insensitive.
type Hostile struct {
	// StallShell accepts the login and the PTY but never answers the
	// shell request.
	StallShell bool `yaml:"stall_shell"`
	// FloodAt is a command whose output never ends and never shows a
	// prompt; "login" floods from the login on, before any prompt.
	FloodAt string `yaml:"flood_at"`
	// HangAt is a command after which the device never prints again (it
	// keeps reading, so the connection stays up).
	HangAt string `yaml:"hang_at"`
	// LeakAt is a command that fails with an error line quoting the login
	// password, as a broken AAA message might.
	LeakAt string `yaml:"leak_at"`
	// EscapesAt is a command that fails with an error line full of terminal
	// control sequences (see Escapes).
	EscapesAt string `yaml:"escapes_at"`
	// LineEnds ends every prompt and every question with a line break,
	// the cursor left on the next line: a client reading line by line
	// must still see that the device waits.
	LineEnds bool `yaml:"line_ends"`
}

// Escapes is what a hostile device hides in a line: a window title, a clear
// screen and cursor home, an OSC 52 clipboard write built so that a
// one-pass regexp strip of "ESC[Z" assembles it, a C1 CSI, a raw 8-bit CSI
// and a bidi override.
const Escapes = "\x1b]0;pwned\x07\x1b[2J\x1b[H\x1b\x1b[Z]52;c;ZXZpbA==\x07\u009b2J\x9b6n\u202e"

// floodLine is one line of a flood: no prompt, no pager marker, no error.
const floodLine = "flood 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789\r\n"

// floodBlock is written again and again: a flood costs the lab no memory.
var floodBlock = bytes.Repeat([]byte(floodLine), 32<<10/len(floodLine))

// hostileAt reports whether the typed line is the command at names.
func hostileAt(at, line string) bool {
	at = strings.ToLower(strings.TrimSpace(at))
	return at != "" && at != "login" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(line)), at)
}

// hostile plays the device's hostile part for a typed line; handled says
// the line was consumed (err ends the session).
func (b *base) hostile(line string, st errorStyle) (handled bool, err error) {
	h := b.dev.spec.Faults.Hostile
	invalid := strings.TrimRight(st.invalid, "\n")
	switch {
	case hostileAt(h.FloodAt, line):
		return true, b.dev.flood(b.ch)
	case hostileAt(h.HangAt, line):
		_, err := io.Copy(io.Discard, b.in)
		return true, err
	case hostileAt(h.LeakAt, line):
		b.write(invalid + " (AAA: user " + b.dev.creds.Username + " password " + b.dev.creds.Password + " not authorised)\n")
		return true, nil
	case hostileAt(h.EscapesAt, line):
		b.write(invalid + " " + Escapes + "(end)\n")
		return true, nil
	}
	return false, nil
}

// flood writes floodBlock until the client goes away or the lab stops.
// The channel's flow control paces it: a client that stops reading stops
// the flood, not the other way round.
func (d *Device) flood(ch ssh.Channel) error {
	for {
		select {
		case <-d.done:
			return io.EOF
		default:
		}
		if _, err := ch.Write(floodBlock); err != nil {
			return io.EOF
		}
	}
}
