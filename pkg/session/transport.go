package session

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scrapli/scrapligo/transport"
	"golang.org/x/crypto/ssh"
)

// MaxOutput caps what one operation (a command and its answer, or a wait
// for a prompt) may read. The largest listing a device gives us is its
// trust store, about 1 KB per certificate (the captures in testdata are
// 10-11 KB): even a few hundred certificates stay under 1 MiB. Twice that
// is headroom; more, without a prompt, is a device flooding us. It also
// bounds memory: a fleet of flooding devices stays within tens of MiB
// (TestFloodingFleetMemoryBound).
const MaxOutput = 2 << 20

// shell is our scrapligo transport: an interactive SSH shell that dial()
// already opened, so scrapligo never dials (its transports have no context,
// no accept-new host keys and no jump hosts). Close is idempotent and safe
// from another goroutine (the watchdog). Read counts what an operation
// reads and closes the shell past MaxOutput: scrapligo's read loop and its
// ReadUntil buffers grow without a bound of their own.
type shell struct {
	sess     *ssh.Session
	stdin    io.WriteCloser
	stdout   io.Reader
	closeAll func()

	feed     *feed // woken when the stream ends
	eof      atomic.Bool
	limit    int64
	read     atomic.Int64 // bytes read since the operation began
	buf      []byte       // Read's buffer
	overflow atomic.Bool

	once   sync.Once
	mu     sync.Mutex
	closed bool
}

// termWidth is wide enough that no command we send wraps (a wrapped echo
// breaks scrapligo's echo matching).
const termWidth = 511

// openShell asks for a session, a PTY and a shell, each an SSH request the
// device may never answer: when ctx ends first, the connection is closed
// under the pending request and the stage fails. step names the request
// that was pending. The PTY request goes without waiting for its answer,
// right before the shell's, as OpenSSH's client sends them
// (openssh-portable clientloop.c, client_session2_setup): a round trip
// less per login. x/crypto/ssh waits for each answer it asks for, so the
// PTY's is not asked for; a device that refused it would still start the
// shell, as OpenSSH goes on after "PTY allocation request failed".
func openShell(ctx context.Context, client *ssh.Client, closeAll func()) (sh *shell, step string, err error) {
	var pending atomic.Value
	pending.Store("session")
	stop := context.AfterFunc(ctx, closeAll)
	defer func() {
		if !stop() { // ctx ended: the connection is closed
			step, err = pending.Load().(string), ctx.Err()
			sh = nil
		}
	}()
	sess, err := client.NewSession()
	if err != nil {
		return nil, "session", err
	}
	fail := func(step string, err error) (*shell, string, error) {
		sess.Close()
		return nil, step, err
	}
	pending.Store("pty")
	if _, err := sess.SendRequest("pty-req", false, ptyRequest()); err != nil {
		return fail("pty", err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		return fail("pty", err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		return fail("pty", err)
	}
	stderr, err := sess.StderrPipe()
	if err != nil {
		return fail("pty", err)
	}
	pending.Store("shell")
	if err := sess.Shell(); err != nil {
		return fail("shell", err)
	}
	go drain(stderr)
	return &shell{sess: sess, stdin: in, stdout: out, closeAll: closeAll, limit: MaxOutput}, "", nil
}

// drain reads and drops the session's stderr until the channel closes. On
// a PTY the device writes everything to stdout; stderr must still be read,
// or what arrives there would hold the channel's window. x/crypto/ssh's own
// drain (io.Copy to io.Discard) holds an 8 KiB pooled buffer for the whole
// session: 4 MiB at -c 500, for a stream that stays empty.
func drain(r io.Reader) {
	var buf [256]byte
	for {
		if _, err := r.Read(buf[:]); err != nil {
			return
		}
	}
}

// stageTimeout words a stage that ran out of time.
func stageTimeout(stage string, limit time.Duration) error {
	return fmt.Errorf("%w: no answer to the %s within %v", ErrTimeout, stage, limit.Round(time.Millisecond))
}

// Open is a no-op: the shell is already open.
func (s *shell) Open(*transport.Args) error { return nil }

// Close closes the session and the connection(s) under it.
func (s *shell) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		_ = s.sess.Close()
		s.closeAll()
	})
	return nil
}

// waitEnd waits, at most limit, for the device to end the session (it
// closes the channel after "exit"). A session counts as over only then: a
// slot freed earlier lets the next device start while the device still
// holds this one's vty line, which an AAA or vty limit (max_sessions)
// counts.
func (s *shell) waitEnd(limit time.Duration) {
	done := make(chan struct{})
	go func() {
		_ = s.sess.Wait() // returns when the channel closes, or when Close closes it
		close(done)
	}()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// IsAlive reports whether Close has not been called.
func (s *shell) IsAlive() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.closed
}

// begin starts an operation: its output is counted from zero.
func (s *shell) begin() { s.read.Store(0) }

// overflowed reports whether the shell was closed for exceeding MaxOutput.
func (s *shell) overflowed() bool { return s.overflow.Load() }

// Read reads what the device sent; it blocks until data or EOF. Past the
// operation's limit it closes the shell and ends the stream. It reads into
// one buffer kept for the session and returns a copy of what came: a
// chunk is usually one line, and a fresh n-byte (8 KiB) buffer for each was
// most of the garbage a fleet made. Only scrapligo's read loop calls it.
func (s *shell) Read(n int) ([]byte, error) {
	if len(s.buf) < n {
		s.buf = make([]byte, n)
	}
	k, err := s.stdout.Read(s.buf[:n])
	if k > 0 {
		if s.read.Add(int64(k)) > s.limit {
			s.overflow.Store(true)
			_ = s.Close()
			s.end()
			return nil, io.EOF
		}
		return bytes.Clone(s.buf[:k]), nil
	}
	if err != nil {
		s.end()
	}
	return nil, err
}

// end records that the stream ended and wakes a reader waiting for output.
func (s *shell) end() {
	s.eof.Store(true)
	if s.feed != nil {
		s.feed.wake()
	}
}

// ended reports whether Read has seen the end of the stream (or an error).
func (s *shell) ended() bool { return s.eof.Load() }

// Write sends keystrokes.
func (s *shell) Write(b []byte) error {
	_, err := s.stdin.Write(b)
	return err
}

// ptyRequest is the pty-req payload (RFC 4254 6.2): a vt100 terminal
// termWidth columns wide, echo on, 115200 baud.
func ptyRequest() []byte {
	var modes []byte
	for _, m := range []struct {
		Key byte
		Val uint32
	}{{ssh.ECHO, 1}, {ssh.TTY_OP_ISPEED, 115200}, {ssh.TTY_OP_OSPEED, 115200}} {
		modes = append(modes, ssh.Marshal(&m)...)
	}
	modes = append(modes, 0) // TTY_OP_END
	return ssh.Marshal(&struct {
		Term                         string
		Columns, Rows, Width, Height uint32
		Modes                        string
	}{"vt100", termWidth, 0, termWidth * 8, 0, string(modes)})
}
