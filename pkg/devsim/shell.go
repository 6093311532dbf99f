package devsim

import (
	"crypto/x509"
	"errors"
	"io"
	"strconv"
	"strings"
)

// cli is one platform's command-line personality.
type cli interface {
	// run serves the session until logout, EOF or a drop.
	run() error
	// status reports where the session stands (for the end-of-session record).
	status() (mode string, inConfig, pending, halfPaste bool)
}

func newCLI(platform string, s *session) cli {
	switch platform {
	case IOSXR:
		return newIOSXR(s)
	case ASA:
		return newASA(s)
	case FXOS:
		return newFXOS(s)
	case IOS:
		return newClassicIOS(s)
	case FTD:
		return newFTD(s)
	}
	return newIOSXE(s)
}

// errLogout ends a session normally.
var errLogout = errors.New("logout")

// base is what every personality shares: the current mode, the pipe filter
// of the running command and the paste state.
type base struct {
	*session
	host   string
	mode   string
	filter *outputFilter
	// pasting is set while a certificate paste is being read.
	pasting bool
}

// errorStyle renders parse failures the way a platform does.
type errorStyle struct {
	invalid    string // the line after the caret
	ambiguous  string // fmt with %s = the ambiguous input
	incomplete string
}

// dispatch parses and runs one line in table t. prompt is what preceded the
// line on the screen (for the caret).
func (b *base) dispatch(t *table, line, prompt string, st errorStyle) error {
	if handled, err := b.hostile(line, st); handled {
		return err
	}
	cmdText, filter, pipe := splitPipe(line)
	r := t.parse(cmdText)
	if w := t.parse(line); w.cmd != nil && w.cmd.words[len(w.cmd.words)-1] == argRest {
		// `do ...` and `run ...` take the whole line, pipes included.
		r, pipe = w, -1
	}
	switch r.kind {
	case parseInvalid:
		b.caret(len(prompt), r.col)
		b.write(st.invalid + "\n")
		return nil
	case parseAmbiguous:
		if strings.Contains(st.ambiguous, "'^'") {
			// FXOS points at the ambiguous word instead of quoting it.
			b.caret(len(prompt), r.col)
		}
		b.write(strings.Replace(st.ambiguous, "%s", r.token, 1) + "\n")
		return nil
	case parseIncomplete:
		b.write(st.incomplete + "\n")
		return nil
	}
	if r.cmd == nil {
		return nil // empty line
	}
	var f *outputFilter
	if pipe >= 0 {
		if !r.cmd.show {
			b.caret(len(prompt), pipe)
			b.write(st.invalid + "\n")
			return nil
		}
		var col int
		var incomplete bool
		if f, col, incomplete = parseFilter(filter); incomplete {
			b.write(st.incomplete + "\n")
			return nil
		} else if f == nil {
			b.caret(len(prompt), pipe+1+col)
			b.write(st.invalid + "\n")
			return nil
		}
	}
	if r.cmd.mutates {
		b.dev.recordMutating(b.log, strings.TrimSpace(line))
	}
	b.filter = f
	defer func() { b.filter = nil }()
	return r.cmd.run(r.args)
}

// show writes command output through the pipe filter and the pager.
func (b *base) show(out, marker string) error {
	if b.filter != nil {
		out = b.filter.apply(out)
	}
	return b.page(out, marker)
}

// readPaste reads pasted lines until one of the terminators (compared after
// trimming spaces; "" is a blank line). ^C aborts with ok=false.
func (b *base) readPaste(mode string, terminators ...string) (lines []string, term string, ok bool, err error) {
	b.pasting = true
	for {
		l, end, err := b.readLine(mode, true)
		if err != nil {
			return nil, "", false, err
		}
		if end == endCtrlC {
			b.pasting = false
			return nil, "", false, nil
		}
		t := strings.TrimSpace(l)
		for _, want := range terminators {
			if strings.EqualFold(t, want) {
				b.pasting = false
				return lines, want, true, nil
			}
		}
		lines = append(lines, l)
	}
}

// readPEMs decodes one or more pasted certificates. Each BEGIN/END block is
// one certificate; without markers the whole paste is one.
func readPEMs(lines []string) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	var cur []string
	flush := func() error {
		if len(cur) == 0 {
			return nil
		}
		c, err := parsePaste(cur)
		if err != nil {
			return err
		}
		certs = append(certs, c)
		cur = nil
		return nil
	}
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "-----BEGIN"):
			if err := flush(); err != nil {
				return nil, err
			}
		case strings.HasPrefix(t, "-----END"):
			if err := flush(); err != nil {
				return nil, err
			}
		case t != "":
			cur = append(cur, t)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, errors.New("empty paste")
	}
	return certs, nil
}

// isEOF reports a session that ended because the client went away.
func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, errDropped) || errors.Is(err, errLogout)
}

// waitOn writes a prompt or a question, the line the device then waits on.
func (b *base) waitOn(text string) {
	if b.dev.spec.Faults.Hostile.LineEnds {
		text += "\n"
	}
	b.raw(text)
}

// loop is the read-eval-print loop every personality uses.
func (b *base) loop(prompt func() string, eval func(line string, end lineEnd) error) error {
	for {
		b.waitOn(prompt())
		line, end, err := b.readLine(b.mode, true)
		if err != nil {
			return ignoreEOF(err)
		}
		if err := eval(line, end); err != nil {
			return ignoreEOF(err)
		}
	}
}

func ignoreEOF(err error) error {
	if isEOF(err) {
		return nil
	}
	return err
}

// urlIsRemote reports an http/https/ftp/scp/tftp source.
func urlIsRemote(u string) bool {
	for _, p := range []string{"http://", "https://", "ftp://", "tftp://", "scp://"} {
		if strings.HasPrefix(strings.ToLower(u), p) {
			return true
		}
	}
	return false
}

// basename is the file part of a URL or path.
func basename(u string) string {
	if i := strings.LastIndexAny(u, "/:"); i >= 0 {
		return u[i+1:]
	}
	return u
}

// setPageLength is `terminal length N`: 0 turns paging off; the
// refuse-paging fault answers with the platform's AAA refusal instead.
func (b *base) setPageLength(arg, prompt string, st errorStyle, refusal string) error {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 || n > 512 {
		b.caret(len(prompt), len("terminal length "))
		b.write(st.invalid + "\n")
		return nil
	}
	if b.dev.spec.Faults.RefusePaging {
		b.write(refusal + "\n")
		return nil
	}
	b.pageLen = n
	return nil
}
