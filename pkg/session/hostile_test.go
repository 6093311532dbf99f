package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/secret"
)

// hangGuard turns a hang into a failure; it is never a claim about speed.
const hangGuard = 2 * time.Minute

// hostile serves one device of the default scenario, renamed and with
// hostile behaviour.
func hostile(t *testing.T, base string, h devsim.Hostile) *devsim.Device {
	t.Helper()
	sc := devsim.DefaultScenario()
	var keep []devsim.Spec
	for _, sp := range sc.Devices {
		if sp.Name == base {
			sp.Faults.Hostile = h
			keep = append(keep, sp)
		}
	}
	if len(keep) != 1 {
		t.Fatalf("no device %q", base)
	}
	sc.Devices = keep
	l, err := devsim.Start(sc, devsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l.Devices()[0]
}

// open runs Open under hangGuard.
func open(t *testing.T, ctx context.Context, tg Target, opt Options) (*Session, error) {
	t.Helper()
	type res struct {
		s   *Session
		err error
	}
	done := make(chan res, 1)
	go func() {
		s, err := Open(ctx, tg, opt)
		done <- res{s, err}
	}()
	select {
	case r := <-done:
		if r.s != nil {
			t.Cleanup(r.s.Close)
		}
		return r.s, r.err
	case <-time.After(hangGuard):
		t.Fatalf("Open still blocked after %v", hangGuard)
	}
	return nil, nil
}

// send runs Send under hangGuard.
func send(t *testing.T, s *Session, cmd string) (string, error) {
	t.Helper()
	type res struct {
		out string
		err error
	}
	done := make(chan res, 1)
	go func() {
		out, err := s.Send(cmd)
		done <- res{out, err}
	}()
	select {
	case r := <-done:
		return r.out, r.err
	case <-time.After(hangGuard):
		t.Fatalf("%q still blocked after %v", cmd, hangGuard)
	}
	return "", nil
}

// A device that accepts the login and never answers the shell request
// fails at the device's deadline, not never.
func TestStalledShellRequestEndsAtDeadline(t *testing.T) {
	t.Parallel()
	d := hostile(t, "ie3400-dock-01", devsim.Hostile{StallShell: true})
	_, err := open(t, context.Background(), target(t, d), Options{Profile: profile(t, "iosxe"), Deadline: time.Now().Add(3 * time.Second)})
	if !errors.Is(err, ErrDeadline) || !strings.Contains(err.Error(), "shell") {
		t.Fatalf("want the deadline while opening the shell, got %v", err)
	}
	if st := d.State(); st.Logins != 1 {
		t.Fatalf("logins = %d: the stall must come after the login", st.Logins)
	}
}

// Without a device deadline the shell stage has its own bound.
func TestStalledShellRequestHasItsOwnBound(t *testing.T) {
	t.Parallel()
	d := hostile(t, "xr-core-01", devsim.Hostile{StallShell: true})
	_, err := open(t, context.Background(), target(t, d), Options{Profile: profile(t, "iosxr"), Handshake: 2 * time.Second})
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "shell request") {
		t.Fatalf("want a timeout of the shell request, got %v", err)
	}
}

// A cancelled context ends a stalled shell request at once (the second
// signal must not wait for any deadline).
func TestStalledShellRequestCancelled(t *testing.T) {
	t.Parallel()
	d := hostile(t, "asa-edge-1", devsim.Hostile{StallShell: true})
	ctx, cancel := context.WithCancel(context.Background())
	tg := target(t, d)
	// Cancel once the login is done, while the shell request is pending.
	go func() {
		for d.State().Logins == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	_, err := open(t, ctx, tg, Options{Profile: profile(t, "asa"), Handshake: time.Hour})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want cancelled, got %v", err)
	}
}

// A device that stops answering in the middle of a session fails that
// command at the device's deadline, or at the command's own bound.
func TestSilenceMidSessionEndsAtDeadline(t *testing.T) {
	t.Parallel()
	d := hostile(t, "ie3400-dock-01", devsim.Hostile{HangAt: "show crypto"})
	s, err := open(t, context.Background(), target(t, d), Options{Profile: profile(t, "iosxe"), Deadline: time.Now().Add(5 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := send(t, s, "show crypto pki trustpool"); !errors.Is(err, ErrDeadline) {
		t.Fatalf("want the deadline, got %v", err)
	}

	d = hostile(t, "ie3400-dock-01", devsim.Hostile{HangAt: "show crypto"})
	s, err = open(t, context.Background(), target(t, d), Options{Profile: profile(t, "iosxe"), OpTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := send(t, s, "show crypto pki trustpool"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("want the command's timeout, got %v", err)
	}
}

// A device that floods without a prompt is cut off at MaxOutput, with a
// message that says so, whether it floods a command or the login.
func TestFloodHitsTheCap(t *testing.T) {
	t.Parallel()
	want := fmt.Sprintf("output exceeded %d MiB without a prompt", MaxOutput>>20)
	d := hostile(t, "xr-core-01", devsim.Hostile{FloodAt: "show crypto"})
	s, err := open(t, context.Background(), target(t, d), Options{Profile: profile(t, "iosxr")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = send(t, s, "show crypto ca trustpool")
	if !errors.Is(err, ErrOutputLimit) || !strings.Contains(err.Error(), want) {
		t.Fatalf("want %q, got %v", want, err)
	}
	if s.Alive() {
		t.Fatal("the session must be closed after a flood")
	}

	d = hostile(t, "asa-edge-1", devsim.Hostile{FloodAt: "login"})
	_, err = open(t, context.Background(), target(t, d), Options{Profile: profile(t, "asa")})
	if !errors.Is(err, ErrOutputLimit) {
		t.Fatalf("flood at login: want %q, got %v", want, err)
	}
}

// Output within the cap is untouched: the cap counts per operation, not
// per session.
func TestCapIsPerOperation(t *testing.T) {
	t.Parallel()
	l := lab(t, "c8kv-wan-01")
	s, err := open(t, context.Background(), target(t, l.Devices()[0]), Options{Profile: profile(t, "iosxe")})
	if err != nil {
		t.Fatal(err)
	}
	s.sh.limit = 64 << 10 // several listings in a row, each well under it
	total := 0
	for range 20 {
		out, err := send(t, s, "show crypto pki trustpool")
		if err != nil {
			t.Fatal(err)
		}
		total += len(out)
	}
	if total <= int(s.sh.limit) {
		t.Fatalf("the listings total %d bytes: the test needs more than the limit", total)
	}
}

// behindJump serves one device of the default scenario behind a jump host
// and returns the target that reaches it through the jump host.
func behindJump(t *testing.T, name string) (*devsim.Device, *devsim.JumpHost, Target) {
	t.Helper()
	l := lab(t, name)
	d := l.Devices()[0]
	j, err := devsim.StartJumpHost(l.Scenario.Defaults)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(j.Close)
	tg := target(t, d)
	tg.JumpHost = "netops@" + j.Addr()
	return d, j, tg
}

// A silent device behind a jump host fails at the deadline: the tunnelled
// connection has no SetDeadline, the handshake is interrupted by closing it.
func TestSilentDeviceBehindJumpHost(t *testing.T) {
	t.Parallel()
	d, j, tg := behindJump(t, "c9200-dark-06")
	_, err := open(t, context.Background(), tg, Options{Profile: profile(t, "iosxe"), Deadline: time.Now().Add(3 * time.Second)})
	if !errors.Is(err, ErrDeadline) {
		t.Fatalf("want the deadline, got %v", err)
	}
	if got := j.Tunnels(); len(got) != 1 || got[0] != d.Addr() {
		t.Fatalf("tunnels %v: want one to %s", got, d.Addr())
	}
}

// A device behind a jump host is driven as if it were direct.
func TestDeviceBehindJumpHost(t *testing.T) {
	t.Parallel()
	_, j, tg := behindJump(t, "fp4120-a")
	s, err := open(t, context.Background(), tg, Options{Profile: profile(t, "fxos")})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := send(t, s, "show version"); err != nil || !strings.Contains(out, "Version: 2.10(1.159)") {
		t.Fatalf("show version through the jump host: %v %q", err, out)
	}
	s.Close()
	if got := j.Tunnels(); len(got) != 1 {
		t.Fatalf("tunnels %v", got)
	}
}

// A read-only session refuses every line that is not on its platform's
// list, whatever its first word, and any line with a newline; the device
// receives none of them.
func TestReadOnlyRefusesByLine(t *testing.T) {
	t.Parallel()
	l := lab(t, "ie3400-dock-01")
	d := l.Devices()[0]
	s, err := open(t, context.Background(), target(t, d), Options{Profile: profile(t, "iosxe"), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{
		"dir flash\nwrite\nflash:", // bundle_file "flash\nwrite\nflash:ios_core.p7b"
		"show version\rwrite",
		"write memory",
		"show running-config | redirect flash:x",
		"show version ; write",
		"terminal length 0 write",
		"dir flash:;reload",
		"configure terminal",
		"copy running-config startup-config",
	} {
		_, err := s.Send(cmd)
		if !errors.Is(err, ErrReadOnly) && !errors.Is(err, ErrCommand) {
			t.Errorf("%q: %v, want refused", cmd, err)
		}
	}
	for _, cmd := range []string{"show crypto pki trustpool", "dir flash:", "terminal width 511"} {
		if _, err := s.Send(cmd); err != nil {
			t.Errorf("%q: %v", cmd, err)
		}
	}
	s.Close()
	st := d.State()
	if st.Unsaved || len(st.Sessions) != 1 || len(st.Sessions[0].Mutating) != 0 {
		t.Fatalf("the device was changed: unsaved %v, mutating %v", st.Unsaved, st.Sessions[0].Mutating)
	}
	for _, line := range st.Sessions[0].Lines {
		if strings.Contains(line.Text, "write") || strings.Contains(line.Text, "reload") {
			t.Errorf("the device received %q", line.Text)
		}
	}
}

// Every session refuses a command with a control character: a newline
// would make it two commands.
func TestCommandsAreOneLine(t *testing.T) {
	t.Parallel()
	l := lab(t, "xr-core-01")
	s, err := open(t, context.Background(), target(t, l.Devices()[0]), Options{Profile: profile(t, "iosxr")})
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"run cp /harddisk:/ios.p7b /tmp\nrun rm -rf /", "show version\x1b[A", "show\x00version", "show\u0085version"} {
		if _, err := s.Send(cmd); !errors.Is(err, ErrCommand) {
			t.Errorf("%q: %v, want ErrCommand", cmd, err)
		}
	}
}

// An enable password with a newline is never typed: the rest would be a
// second command at the device's prompt.
func TestEnablePasswordIsOneLine(t *testing.T) {
	t.Parallel()
	l := lab(t, "asa-edge-1")
	d := l.Devices()[0]
	tg := target(t, d)
	tg.EnablePassword = secret.New(labEnable + "\nwrite memory")
	if _, err := open(t, context.Background(), tg, Options{Profile: profile(t, "asa")}); !errors.Is(err, ErrAuth) {
		t.Fatalf("want ErrAuth, got %v", err)
	}
	for _, s := range d.State().Sessions {
		for _, line := range s.Lines {
			if strings.Contains(line.Text, "write") {
				t.Errorf("the device received %q", line.Text)
			}
		}
	}
}

// A listing sent a line per packet wakes the reader once per wait, not
// once per line: only a chunk that leaves the device waiting on an
// unfinished line (a prompt, a pager, a question) can end a wait.
func TestCompleteLinesDoNotWakeTheReader(t *testing.T) {
	l := labWith(t, func(sp *devsim.Spec) { sp.Faults.Latency = devsim.Duration(time.Millisecond) }, "c8kv-wan-01") // a packet a line
	s, err := open(t, context.Background(), target(t, l.Devices()[0]), Options{Profile: profile(t, "iosxe")})
	if err != nil {
		t.Fatal(err)
	}
	before := s.feed.woken.Load()
	out, err := s.Show("show crypto pki trustpool")
	if err != nil {
		t.Fatal(err)
	}
	lines, woken := strings.Count(out, "\n"), s.feed.woken.Load()-before
	if lines < 100 || woken*10 > int64(lines) {
		t.Fatalf("%d lines woke the reader %d times; want a few", lines, woken)
	}
}

// A device that ends its prompt with a line break still ends every wait,
// although complete lines do not wake the reader: it looks again.
func TestPromptFollowedByALineBreak(t *testing.T) {
	d := hostile(t, "xr-core-01", devsim.Hostile{LineEnds: true})
	s, err := open(t, context.Background(), target(t, d), Options{Profile: profile(t, "iosxr"), OpTimeout: hangGuard})
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Show("show crypto ca trustpool")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "Serial Number"); n == 0 || n != len(d.State().TrustStore) {
		t.Fatalf("read stopped early: %d of %d certificates", n, len(d.State().TrustStore))
	}
	if out, err := s.Show("show version"); err != nil || !strings.Contains(out, "Cisco IOS XR Software") {
		t.Fatalf("show version: %v\n%s", err, out)
	}
}
