package cli_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// ptyTerm is the user's side of a pseudo-terminal: everything the program
// wrote, and expect/type like a person at the keyboard.
type ptyTerm struct {
	t    *testing.T
	ptmx *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	seen int // bytes of out consumed by expect
	more chan struct{}
	done chan struct{}
}

func newPTYTerm(t *testing.T, ptmx *os.File) *ptyTerm {
	p := &ptyTerm{t: t, ptmx: ptmx, more: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				p.mu.Lock()
				p.out.Write(buf[:n])
				p.mu.Unlock()
				select {
				case p.more <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return // EIO once the program has exited
			}
		}
	}()
	return p
}

// expect waits for re in the output not yet consumed.
func (p *ptyTerm) expect(re string) string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	timeout := time.After(devsimtest.Guard)
	for {
		p.mu.Lock()
		rest := p.out.String()[p.seen:]
		if loc := rx.FindStringIndex(rest); loc != nil {
			p.seen += loc[1]
			p.mu.Unlock()
			return rest[:loc[1]]
		}
		p.mu.Unlock()
		select {
		case <-p.more:
		case <-p.done:
			p.mu.Lock()
			rest := p.out.String()[p.seen:]
			p.mu.Unlock()
			if rx.MatchString(rest) {
				continue
			}
			p.t.Fatalf("the program ended before %q; output:\n%s", re, p.all())
		case <-timeout:
			p.t.Fatalf("no %q within %v; output:\n%s", re, devsimtest.Guard, p.all())
		}
	}
}

// waitNoEcho waits until the program has turned the terminal's echo off
// (pexpect's waitnoecho): the prompt is printed before echo goes off, and
// a fast typist must not race it. It polls the terminal's mode; nothing
// is timed.
func (p *ptyTerm) waitNoEcho() {
	p.t.Helper()
	deadline := time.Now().Add(devsimtest.Guard)
	for {
		tio, err := unix.IoctlGetTermios(int(p.ptmx.Fd()), unix.TCGETS)
		if err != nil {
			p.t.Fatalf("termios: %v", err)
		}
		if tio.Lflag&unix.ECHO == 0 {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("echo never went off; output:\n%s", p.all())
		}
		select {
		case <-p.done:
			p.t.Fatalf("the program ended waiting for a password; output:\n%s", p.all())
		case <-time.After(time.Millisecond):
		}
	}
}

func (p *ptyTerm) typeLine(s string) {
	p.t.Helper()
	if _, err := p.ptmx.Write([]byte(s + "\r")); err != nil {
		p.t.Fatalf("typing: %v", err)
	}
}

func (p *ptyTerm) all() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// userEnv is the process environment without the lab's password
// variables and with a private HOME (known_hosts, cache).
func userEnv(t *testing.T, keep ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == devsim.PasswordEnv || k == devsim.EnablePasswordEnv || k == "HOME" || k == "XDG_CACHE_HOME" {
			continue
		}
		env = append(env, kv)
	}
	home := t.TempDir()
	return append(append(env, "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache")), keep...)
}

// fixCmd is `trustfix fix 127.0.0.1 --port P --username netops ...` for a
// lab device, with its journal and transcripts in the lab's temp dir.
func fixCmd(t *testing.T, l *devsimtest.Lab, name string, extra ...string) (*exec.Cmd, string) {
	j := filepath.Join(l.Dir, "fix.jsonl")
	args := append([]string{"fix", "127.0.0.1", "--port", strconv.Itoa(l.Device(name).Port()), "--username", devsimtest.Username,
		"--known-hosts", l.Known, "--journal", j, "--transcripts", filepath.Join(l.Dir, "transcripts")}, extra...)
	cmd := exec.Command(trustfixBin, args...)
	cmd.Env = userEnv(t)
	return cmd, j
}

// startPTY runs cmd on a new pseudo-terminal (stdin, stdout and stderr).
func startPTY(t *testing.T, cmd *exec.Cmd) *ptyTerm {
	t.Helper()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 250})
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = ptmx.Close()
	})
	return newPTYTerm(t, ptmx)
}

// exitCode waits for cmd (bounded) and returns its exit code.
func exitCode(t *testing.T, cmd *exec.Cmd, term *ptyTerm) int {
	t.Helper()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		<-term.done // all output read
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(devsimtest.Guard):
		t.Fatalf("still running after %v; output:\n%s", devsimtest.Guard, term.all())
	}
	return -1
}

// TestFixOnTerminal runs `trustfix fix` on a pseudo-terminal as an engineer
// does from a laptop, with no password in the environment: it asks for the
// password (and, when the device wants it, the enable password) without
// echo, shows the plan, asks [y/N], and on "y" fixes the device and prints
// the proof. Neither password appears anywhere on the terminal, nor in
// the transcripts, although this device echoes what is typed at its
// password prompt.
func TestFixOnTerminal(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Default(t, []string{"ie3400-dock-01"}, func(s *devsim.Spec) { s.Faults.EchoPasswords = true }), devsimtest.Options{})
	cmd, j := fixCmd(t, l, "ie3400-dock-01")
	term := startPTY(t, cmd)

	term.expect(`Password for netops@127\.0\.0\.1: `)
	term.waitNoEcho()
	term.typeLine(devsimtest.Password)
	term.expect(`Enable password: `)
	term.waitNoEcho()
	term.typeLine(devsimtest.EnablePassword)
	plan := term.expect(`\[y/N\]: `)
	for _, w := range []string{"remediate", "terminal", "IE-3400-8T2S", "Install IdenTrust Commercial Root CA 1 on 127.0.0.1"} {
		if !strings.Contains(plan, w) {
			t.Errorf("the plan shown before the question lacks %q:\n%s", w, plan)
		}
	}
	if devsim.Has(l.Device("ie3400-dock-01").State().TrustStore, identrustSHA1) || len(l.Device("ie3400-dock-01").State().MutatingCommands()) > 0 {
		t.Fatal("the device was changed before the answer")
	}
	term.typeLine("y")
	term.expect(`remediated`)
	proof := term.expect(`persistent:\s+yes`)
	if code := exitCode(t, cmd, term); code != 0 {
		t.Errorf("exit %d, want 0; output:\n%s", code, term.all())
	}
	for _, re := range []string{
		`subject:\s+.*IdenTrust Commercial Root CA 1`,
		`serial:\s+0A0142800000014523C844B500000002`,
		`fingerprint:\s+.*` + identrustSHA1,
	} {
		if !regexp.MustCompile(re).MatchString(proof) {
			t.Errorf("the proof lacks %s:\n%s", re, proof)
		}
	}
	out := term.all()
	t.Logf("terminal:\n%s", out)
	for _, pw := range []string{devsimtest.Password, devsimtest.EnablePassword} {
		if strings.Contains(out, pw) {
			t.Errorf("a password was echoed or printed on the terminal:\n%s", out)
		}
	}

	logs, _ := filepath.Glob(filepath.Join(l.Dir, "transcripts", "*", "*.log"))
	if len(logs) == 0 {
		t.Fatal("no transcript written")
	}
	for _, p := range logs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, pw := range []string{devsimtest.Password, devsimtest.EnablePassword} {
			if strings.Contains(string(b), pw) {
				t.Errorf("%s holds a password the device echoed", p)
			}
		}
		if !strings.Contains(string(b), "********") {
			t.Errorf("%s: the echoed enable password was not redacted (no mask found)", p)
		}
	}

	st := l.Ended("ie3400-dock-01")
	if !devsim.Has(st.TrustStore, identrustSHA1) || !devsim.Has(st.SavedStore, identrustSHA1) || st.Unsaved {
		t.Error("the device does not hold the saved CA")
	}
	devsimtest.CheckClean(t, st)
	if r := last(t, readJournal(t, j), "127.0.0.1"); r.Outcome != record.Remediated {
		t.Errorf("journal outcome %q, want remediated", r.Outcome)
	}
}

// TestFixAnswerNo: answering n (or just Enter) changes nothing and exits 0.
func TestFixAnswerNo(t *testing.T) {
	t.Parallel()
	for _, answer := range []string{"n", ""} {
		t.Run(fmt.Sprintf("answer %q", answer), func(t *testing.T) {
			t.Parallel()
			l := devsimtest.Start(t, devsimtest.Default(t, []string{"asa-edge-1"}), devsimtest.Options{})
			cmd, _ := fixCmd(t, l, "asa-edge-1")
			cmd.Env = append(cmd.Env, devsim.EnablePasswordEnv+"="+devsimtest.EnablePassword)
			term := startPTY(t, cmd)
			term.expect(`Password for netops@127\.0\.0\.1: `)
			term.waitNoEcho()
			term.typeLine(devsimtest.Password)
			term.expect(`\[y/N\]: `)
			term.typeLine(answer)
			term.expect(`nothing changed`)
			if code := exitCode(t, cmd, term); code != 0 {
				t.Errorf("exit %d, want 0; output:\n%s", code, term.all())
			}
			st := l.Ended("asa-edge-1")
			if m := st.MutatingCommands(); len(m) > 0 || devsim.Has(st.TrustStore, identrustSHA1) || st.Unsaved {
				t.Errorf("the device was changed: %q", m)
			}
			devsimtest.CheckClean(t, st)
		})
	}
}

// TestFixNotATerminal: with stdin a pipe and no --yes, fix still checks
// the device (read-only) and prints the check on stdout, then refuses the
// change with exit 1, even when the pipe says "y". Without a password in
// the environment either, it refuses before connecting.
func TestFixNotATerminal(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Default(t, []string{"ie3400-dock-01"}), devsimtest.Options{})
	run := func(env []string) (int, string, string) {
		cmd, _ := fixCmd(t, l, "ie3400-dock-01")
		cmd.Env = append(cmd.Env, env...)
		cmd.Stdin = strings.NewReader("y\n")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
	}
	code, stdout, stderr := run([]string{devsim.PasswordEnv + "=" + devsimtest.Password, devsim.EnablePasswordEnv + "=" + devsimtest.EnablePassword})
	if code != 1 || !strings.Contains(stderr, "not a terminal") || !strings.Contains(stderr, "--yes") {
		t.Errorf("exit %d, want 1 and why on stderr\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, w := range []string{"NAME", "remediate", "terminal"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("the check on stdout lacks %q:\n%s", w, stdout)
		}
	}
	if st := l.Device("ie3400-dock-01").State(); st.Connections == 0 || len(st.MutatingCommands()) > 0 {
		t.Errorf("want a read-only check: %d connections, mutating %q", st.Connections, st.MutatingCommands())
	}
	before := l.Device("ie3400-dock-01").State().Connections
	code, stdout, stderr = run(nil) // no password and nobody to ask
	if code != 1 || !strings.Contains(stderr, "not a terminal") || stdout != "" {
		t.Errorf("no password: exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	st := l.Ended("ie3400-dock-01")
	if st.Connections != before || len(st.MutatingCommands()) > 0 {
		t.Errorf("the device was touched: %d connections (was %d), mutating %q", st.Connections, before, st.MutatingCommands())
	}
}
