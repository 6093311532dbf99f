package devsim

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// errDropped ends a session whose connection the drop fault cut.
var errDropped = errors.New("devsim: connection dropped by fault")

// lineEnd says how the user finished a line.
type lineEnd int

const (
	endEnter lineEnd = iota
	endCtrlC
	endCtrlZ
)

// defaultPageLength is the terminal length a new vty session gets.
const defaultPageLength = 24

// session is one SSH shell on one device: the line discipline (echo,
// CR/LF, ^C, ^Z), paging, output latency and the drop fault.
type session struct {
	dev  *Device
	ch   ssh.Channel
	conn net.Conn
	in   *bufio.Reader
	log  *SessionLog

	pageLen int
	dropAt  int
	got     int
	pasted  int // lines pasted so far (the corrupt-paste fault)
	lastCR  bool
	echoBuf []byte
	// starEcho shows a '*' per hidden character (the ASA's password echo).
	starEcho bool
	latency  time.Duration
	// due is when the last line of output was due, input when the device
	// last read a byte: pace counts a line's latency from the later.
	due, input time.Time
	// trap is written in two parts with a pause in between (the prompt trap).
	trap string
}

func newSession(d *Device, ch ssh.Channel, conn net.Conn, log *SessionLog, dropAt int) *session {
	return &session{
		dev:     d,
		ch:      ch,
		conn:    conn,
		in:      bufio.NewReaderSize(ch, 4096),
		log:     log,
		pageLen: defaultPageLength,
		dropAt:  dropAt,
		latency: time.Duration(d.spec.Faults.Latency),
	}
}

func (s *session) readByte() (byte, error) {
	b, err := s.in.ReadByte()
	if err != nil {
		return 0, err
	}
	s.got++
	if s.latency > 0 {
		s.input = time.Now()
	}
	if s.dropAt > 0 && s.got >= s.dropAt {
		// The budget is spent by a drop that happens, not by a session that
		// merely could have dropped (a read-only plan sends little).
		s.dropAt = 0
		if s.dev.takeFault(&s.dev.dropsLeft) {
			s.dev.markDropped(s.log)
			_ = s.conn.Close()
			return 0, errDropped
		}
	}
	return b, nil
}

// flushEcho sends pending echo once the client's burst has been consumed,
// so a pasted certificate is echoed in a few packets, not one per byte.
func (s *session) flushEcho(force bool) {
	if len(s.echoBuf) == 0 || (!force && s.in.Buffered() > 0) {
		return
	}
	_, _ = s.ch.Write(s.echoBuf)
	s.echoBuf = s.echoBuf[:0]
}

// readLine reads one line. With echo off (passwords) nothing typed is
// shown, or a '*' per character when starEcho is set.
// The line is recorded in the session log; hidden lines are recorded masked.
func (s *session) readLine(mode string, echo bool) (string, lineEnd, error) {
	hidden := !echo
	if hidden && s.dev.spec.Faults.EchoPasswords {
		echo = true // a misconfigured line echoes what should be hidden
	}
	var buf []byte
	split := false // a read had to wait for more of the line
	for {
		s.flushEcho(false)
		if len(buf) > 0 && s.in.Buffered() == 0 {
			split = true
		}
		b, err := s.readByte()
		if err != nil {
			s.flushEcho(true)
			return "", endEnter, err
		}
		if b == '\n' && s.lastCR {
			s.lastCR = false
			continue
		}
		s.lastCR = b == '\r'
		switch b {
		case '\r', '\n':
			s.echoBuf = append(s.echoBuf, '\r', '\n')
			s.flushEcho(true)
			if mode == modePaste || mode == modeCertchain {
				buf = s.garble(buf)
			}
			s.dev.recordLine(s.log, mode, string(buf), hidden, split)
			return string(buf), endEnter, nil
		case 0x7f, 0x08:
			if len(buf) > 0 {
				buf = buf[:len(buf)-1]
				if echo || s.starEcho {
					s.echoBuf = append(s.echoBuf, '\b', ' ', '\b')
				}
			}
		case 0x03:
			s.echoBuf = append(s.echoBuf, "^C\r\n"...)
			s.flushEcho(true)
			s.dev.recordLine(s.log, mode, "^C", false, false)
			return string(buf), endCtrlC, nil
		case 0x1a:
			s.echoBuf = append(s.echoBuf, "^Z\r\n"...)
			s.flushEcho(true)
			s.dev.recordLine(s.log, mode, "^Z", false, false)
			return string(buf), endCtrlZ, nil
		case '\t', 0x1b:
			// Completion and escape sequences are not simulated.
		default:
			if b < 0x20 {
				continue
			}
			buf = append(buf, b)
			if echo {
				s.echoBuf = append(s.echoBuf, b)
			} else if s.starEcho {
				s.echoBuf = append(s.echoBuf, '*')
			}
		}
	}
}

// readKey reads one keystroke without echo (pager, "press any key").
func (s *session) readKey() (byte, error) {
	for {
		b, err := s.readByte()
		if err != nil {
			return 0, err
		}
		if b == '\n' && s.lastCR {
			s.lastCR = false
			continue
		}
		s.lastCR = b == '\r'
		return b, nil
	}
}

// raw writes text that does not end a line (prompts, dialog questions);
// any line break inside it still goes out as CRLF, as on a real vty.
func (s *session) raw(text string) {
	s.pace()
	_, _ = io.WriteString(s.ch, strings.ReplaceAll(text, "\n", "\r\n"))
}

// write writes output lines with CRLF endings, one latency per line.
func (s *session) write(text string) {
	if text == "" {
		return
	}
	lines := strings.SplitAfter(text, "\n")
	for _, l := range lines {
		if l == "" {
			continue
		}
		s.writeLine(l)
	}
}

// pace waits until the next piece of output is due: latency after the
// last one was due, or after the input that prompted it. The device keeps
// its own clock: a host too busy to wake the lab on time delays one line,
// not every line after it (a sleep per line added every such delay to the
// rest of the output, and so to the device's time).
func (s *session) pace() {
	if s.latency <= 0 {
		return
	}
	if s.due.Before(s.input) {
		s.due = s.input
	}
	s.due = s.due.Add(s.latency)
	if d := time.Until(s.due); d > 0 {
		time.Sleep(d)
	}
}

func (s *session) writeLine(l string) {
	s.pace()
	l = strings.ReplaceAll(l, "\n", "\r\n")
	if s.trap != "" {
		if i := strings.Index(l, s.trap); i >= 0 {
			cut := i + len(s.trap)
			_, _ = io.WriteString(s.ch, l[:cut])
			s.dev.trapPause()
			l = l[cut:]
		}
	}
	_, _ = io.WriteString(s.ch, l)
}

// page writes command output through the pager: after pageLen-1 lines the
// marker appears and a key decides: space a page, Enter a line, anything
// else stops the output.
func (s *session) page(text, marker string) error {
	lines := strings.SplitAfter(text, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	if s.pageLen == 0 || len(lines) < s.pageLen {
		s.write(text)
		return nil
	}
	// The marker takes the last row; a one-row screen still advances a line.
	page := max(1, s.pageLen-1)
	step := page
	for i := 0; i < len(lines); {
		end := min(i+step, len(lines))
		for _, l := range lines[i:end] {
			s.writeLine(l)
		}
		i = end
		if i >= len(lines) {
			break
		}
		s.raw(marker)
		k, err := s.readKey()
		if err != nil {
			return err
		}
		erase := strings.Repeat("\b", len(marker))
		s.raw(erase + strings.Repeat(" ", len(marker)) + erase)
		switch k {
		case ' ':
			step = page
		case '\r', '\n':
			step = 1
		default:
			return nil
		}
	}
	return nil
}

// caret writes the caret line under the failing column of "prompt+line".
func (s *session) caret(promptLen, col int) {
	s.write(strings.Repeat(" ", promptLen+col) + "^\n")
}

// Line modes of a certificate paste (IOS/ASA/XR) and of FXOS set certchain.
const (
	modePaste     = "pem-paste"
	modeCertchain = "certchain"
)

// garble is the corrupt-paste fault: line noise flips one base64 character
// in the fifth pasted line, once per budgeted session.
func (s *session) garble(line []byte) []byte {
	s.pasted++
	if s.pasted != 5 || s.dev.spec.Faults.CorruptPaste == 0 || len(line) < 10 || !s.dev.takeFault(&s.dev.corruptLeft) {
		return line
	}
	out := append([]byte(nil), line...)
	i := len(out) / 2
	if out[i] == 'A' {
		out[i] = 'B'
	} else {
		out[i] = 'A'
	}
	return out
}
