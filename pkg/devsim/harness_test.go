package devsim

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// The tests drive the lab with a plain x/crypto/ssh client, never with
// trustfix's own session code, so the simulator is checked on its own.

const (
	labUser   = "netops"
	labPass   = "lab-Pa55-w0rd"
	labEnable = "lab-En4ble-k3y"
)

// guard bounds every wait so a broken simulator fails instead of hanging;
// it is never an assertion about speed.
const guard = 10 * time.Second

func startLab(t *testing.T, sc *Scenario) *Lab {
	t.Helper()
	l, err := Start(sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// one starts a lab of a single device from the default scenario.
func one(t *testing.T, name string, edit ...func(*Spec)) *Device {
	t.Helper()
	_, d := oneLab(t, name, edit...)
	return d
}

// oneLab is one, also returning the lab (to close it early).
func oneLab(t *testing.T, name string, edit ...func(*Spec)) (*Lab, *Device) {
	t.Helper()
	sc := DefaultScenario()
	for _, sp := range sc.Devices {
		if sp.Name == name {
			for _, e := range edit {
				e(&sp)
			}
			sc.Devices = []Spec{sp}
			l := startLab(t, sc)
			return l, l.Device(name)
		}
	}
	t.Fatalf("no device %q in the default scenario", name)
	return nil, nil
}

type term struct {
	t      *testing.T
	client *ssh.Client
	sess   *ssh.Session
	stdin  interface{ Write([]byte) (int, error) }
	mu     sync.Mutex
	out    bytes.Buffer // what the device sent, CRs removed
	raw    bytes.Buffer // byte for byte
	// read is how much of out the test has consumed.
	read   int
	notify chan struct{}
	closed chan struct{}
}

func clientConfig(user, pw string) *ssh.ClientConfig {
	return &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.Password(pw)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         guard,
	}
}

func dial(t *testing.T, d *Device) *term {
	t.Helper()
	c, err := dialWith(t, d, clientConfig(labUser, labPass))
	if err != nil {
		t.Fatalf("dial %s: %v", d.Name(), err)
	}
	return c
}

func dialWith(t *testing.T, d *Device, cfg *ssh.ClientConfig) (*term, error) {
	t.Helper()
	client, err := ssh.Dial("tcp", d.Addr(), cfg)
	if err != nil {
		return nil, err
	}
	sess, err := client.NewSession()
	if err != nil {
		return nil, err
	}
	if err := sess.RequestPty("xterm", 0, 511, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		return nil, err
	}
	in, _ := sess.StdinPipe()
	outPipe, _ := sess.StdoutPipe()
	c := &term{t: t, client: client, sess: sess, stdin: in, notify: make(chan struct{}, 1), closed: make(chan struct{})}
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	go func() {
		defer close(c.closed)
		buf := make([]byte, 4096)
		for {
			n, err := outPipe.Read(buf)
			if n > 0 {
				c.mu.Lock()
				c.raw.Write(buf[:n])
				c.out.Write(bytes.ReplaceAll(buf[:n], []byte("\r"), nil))
				c.mu.Unlock()
				select {
				case c.notify <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { _ = client.Close() })
	return c, nil
}

// until waits for re to match the unread output and returns the unread
// output up to the end of the match (CRs removed: the device ends lines
// with CRLF; rawOut keeps them).
func (c *term) until(re *regexp.Regexp) string {
	c.t.Helper()
	deadline := time.After(guard)
	for {
		c.mu.Lock()
		rest := c.out.Bytes()[c.read:]
		if loc := re.FindIndex(rest); loc != nil {
			got := string(rest[:loc[1]])
			c.read += loc[1]
			c.mu.Unlock()
			return got
		}
		c.mu.Unlock()
		select {
		case <-c.notify:
		case <-c.closed:
			c.mu.Lock()
			rest := string(c.out.Bytes()[c.read:])
			c.mu.Unlock()
			if loc := re.FindStringIndex(rest); loc == nil {
				c.t.Fatalf("session closed waiting for %q; unread: %q", re, rest)
			}
		case <-deadline:
			c.mu.Lock()
			rest := string(c.out.Bytes()[c.read:])
			c.mu.Unlock()
			c.t.Fatalf("waiting for %q; unread: %q", re, rest)
		}
	}
}

// expect waits for the literal s.
func (c *term) expect(s string) string {
	c.t.Helper()
	return c.until(regexp.MustCompile(regexp.QuoteMeta(s)))
}

// rawOut is everything received so far, byte for byte.
func (c *term) rawOut() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.raw.String()
}

func (c *term) send(line string) {
	c.t.Helper()
	if _, err := c.stdin.Write([]byte(line + "\n")); err != nil {
		c.t.Fatalf("send %q: %v", line, err)
	}
}

func (c *term) sendRaw(s string) {
	c.t.Helper()
	if _, err := c.stdin.Write([]byte(s)); err != nil {
		c.t.Fatalf("send %q: %v", s, err)
	}
}

// cmd sends line and returns what the device printed up to and including
// the next prompt, with the echo of line first — the exact screen text.
func (c *term) cmd(line, prompt string) string {
	c.t.Helper()
	c.send(line)
	return c.expect(prompt)
}

// waitEnded waits for the device to record the end of its latest session.
func waitEnded(t *testing.T, d *Device) SessionLog {
	t.Helper()
	deadline := time.Now().Add(guard)
	for time.Now().Before(deadline) {
		st := d.State()
		if n := len(st.Sessions); n > 0 && st.Sessions[n-1].Ended {
			return st.Sessions[n-1]
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s: session did not end", d.Name())
	return SessionLog{}
}

func pemOf(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile("certs/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func body(pem []string) []string { return pem[1 : len(pem)-1] }

// corruptMiddle returns a copy of a paste with one base64 letter changed
// in its middle line: still valid base64, no longer the certificate.
func corruptMiddle(paste []string) []string {
	out := slices.Clone(paste)
	mid := []byte(out[len(out)/2])
	if mid[32] == 'A' {
		mid[32] = 'B'
	} else {
		mid[32] = 'A'
	}
	out[len(out)/2] = string(mid)
	return out
}

const (
	identrustSHA1 = "DF717EAA4AD94EC9558499602D48DE5FBCF03A25"
	quovadisSHA1  = "CA3AFBCF1240364B44B216208880483919937CF7"
)

// unread is what the device sent that the test has not consumed yet.
func (c *term) unread() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.out.Bytes()[c.read:])
}

// sendQuiet writes without failing: the device may already have cut the
// connection (drop tests).
func (c *term) sendQuiet(s string) { _, _ = c.stdin.Write([]byte(s)) }

// hangup drops the connection without logging out, as a crashed client would.
func (c *term) hangup() { _ = c.client.Close() }

// pageAll presses space at every pager marker until the prompt, and
// returns the screen with the markers and their erasure removed.
func (c *term) pageAll(prompt, marker string) string {
	c.t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(marker) + "|" + regexp.QuoteMeta(prompt) + "$")
	erase := strings.Repeat("\b", len(marker)) + strings.Repeat(" ", len(marker)) + strings.Repeat("\b", len(marker))
	var b strings.Builder
	for {
		got := c.until(re)
		if strings.HasSuffix(got, marker) {
			b.WriteString(strings.TrimSuffix(got, marker))
			c.sendRaw(" ")
			c.expect(erase)
			continue
		}
		b.WriteString(got)
		return b.String()
	}
}

// waitState polls the device until ok holds: the lab's bookkeeping can
// trail what the client sees. The guard only stops a hang.
func waitState(t *testing.T, d *Device, ok func(State) bool) State {
	t.Helper()
	deadline := time.Now().Add(guard)
	for {
		st := d.State()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: state never reached: %+v", d.Name(), st)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// xeLogin logs in to an IOS XE (or classic IOS) device and enters
// privileged mode; it returns at the "#" prompt.
func xeLogin(t *testing.T, d *Device) *term {
	t.Helper()
	c := dial(t, d)
	host := d.Spec().Hostname
	if d.Spec().Privilege == 15 {
		c.expect("\n" + host + "#")
		return c
	}
	c.expect("\n" + host + ">")
	c.cmd("enable", "Password: ")
	c.cmd(labEnable, host+"#")
	return c
}

// lines splits screen text into lines (for counting and slicing).
func lines(s string) []string { return strings.SplitAfter(s, "\n") }
