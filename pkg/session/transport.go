package session

import (
	"io"
	"sync"

	"github.com/scrapli/scrapligo/transport"
	"golang.org/x/crypto/ssh"
)

// shell is our scrapligo transport: an interactive SSH shell that dial()
// already opened, so scrapligo never dials (its transports have no context,
// no accept-new host keys and no jump hosts). Close is idempotent and safe
// from another goroutine (the watchdog).
type shell struct {
	sess     *ssh.Session
	stdin    io.WriteCloser
	stdout   io.Reader
	closeAll func()

	once   sync.Once
	mu     sync.Mutex
	closed bool
}

// termWidth is wide enough that no command we send wraps (a wrapped echo
// breaks scrapligo's echo matching).
const termWidth = 511

func openShell(client *ssh.Client, closeAll func()) (*shell, error) {
	sess, err := client.NewSession()
	if err != nil {
		return nil, err
	}
	modes := ssh.TerminalModes{ssh.ECHO: 1, ssh.TTY_OP_ISPEED: 115200, ssh.TTY_OP_OSPEED: 115200}
	if err := sess.RequestPty("vt100", 0, termWidth, modes); err != nil {
		sess.Close()
		return nil, err
	}
	in, err := sess.StdinPipe()
	if err != nil {
		sess.Close()
		return nil, err
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		sess.Close()
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		sess.Close()
		return nil, err
	}
	return &shell{sess: sess, stdin: in, stdout: out, closeAll: closeAll}, nil
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

// IsAlive reports whether Close has not been called.
func (s *shell) IsAlive() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.closed
}

// Read reads what the device sent; it blocks until data or EOF.
func (s *shell) Read(n int) ([]byte, error) {
	b := make([]byte, n)
	k, err := s.stdout.Read(b)
	if k > 0 {
		return b[:k], nil
	}
	return nil, err
}

// Write sends keystrokes.
func (s *shell) Write(b []byte) error {
	_, err := s.stdin.Write(b)
	return err
}
