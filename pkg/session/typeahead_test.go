package session

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A command goes to the device with its Enter in one write: one round trip
// per command. Waiting for the echo before sending Enter, as scrapligo's
// SendCommand does, costs a second one; the device would see each line
// arrive in two reads. The PTY request, sent without waiting for its
// answer, still gives the device the terminal asked for.
func TestCommandAndEnterInOneWrite(t *testing.T) {
	l := lab(t, "ie3400-dock-01", "xr-core-01", "asa-edge-1", "fp4120-a")
	for _, d := range l.Devices() {
		t.Run(d.Name(), func(t *testing.T) {
			s, err := open(t, context.Background(), target(t, d), Options{Profile: profile(t, d.Spec().Platform)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Show("show version"); err != nil {
				t.Fatal(err)
			}
			s.Close()
			st := d.State()
			if len(st.Sessions) != 1 {
				t.Fatalf("%d sessions, want 1", len(st.Sessions))
			}
			if got := st.Sessions[0].Terminal; got != "vt100 511x0" {
				t.Errorf("the device's terminal is %q, want vt100 511x0", got)
			}
			var typed []string
			for _, l := range st.Sessions[0].Lines {
				typed = append(typed, l.Text)
				if l.Split {
					t.Errorf("%q reached the device in more than one read", l.Text)
				}
			}
			if !strings.Contains(strings.Join(typed, "\n"), "show version") {
				t.Fatalf("the device saw no show version: %q", typed)
			}
		})
	}
}

// Output that comes before the command's echo is the last command's: a
// prompt in it does not end the read. Here a bare Enter leaves a second
// prompt queued in front of the command, as a stray keystroke would.
func TestPromptBeforeTheEchoIsNotTheAnswer(t *testing.T) {
	for _, id := range []string{"ie3400-dock-01", "xr-core-01"} {
		d := lab(t, id).Devices()[0]
		t.Run(id, func(t *testing.T) {
			s, err := open(t, context.Background(), target(t, d), Options{Profile: profile(t, d.Spec().Platform)})
			if err != nil {
				t.Fatal(err)
			}
			woken := s.feed.woken.Load()
			if err := s.Write("\n"); err != nil {
				t.Fatal(err)
			}
			// The second prompt is queued before the command is sent.
			for deadline := time.Now().Add(hangGuard); s.feed.woken.Load() == woken; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("no second prompt")
				}
			}
			out, err := s.Show("show version")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "Cisco IOS X") || strings.Contains(out, "show version") {
				t.Fatalf("show version answered with:\n%s", out)
			}
			// The next answer is its own, not what this one left.
			out, err = s.Show("show version")
			if err != nil || !strings.Contains(out, "Cisco IOS X") || strings.Count(out, "uptime is") != 1 {
				t.Fatalf("the second show version answered with (%v):\n%s", err, out)
			}
		})
	}
}

func TestEchoEnd(t *testing.T) {
	const cmd = "show crypto pki trustpool"
	for _, c := range []struct {
		name, out string
		want      int
	}{
		{"echo and output", cmd + "\nCA Certificate\n", len(cmd) + 1},
		{"echo without its Enter yet", cmd, -1},
		{"half the echo", "show crypto\n", -1},
		{"a prompt left in front", "\nrtr#" + cmd + "\n", len(cmd) + 6},
		{"redrawn as it was typed", "show crypto pki tr\b\b  \b\btrustpool\n", len(cmd) + 9},
		{"no echo at all", "CA Certificate\nrtr#", -1},
	} {
		got, _ := echoEnd([]byte(c.out), 0, []byte(cmd), 2*len(cmd))
		if got != c.want {
			t.Errorf("%s: echoEnd(%q) = %d, want %d", c.name, c.out, got, c.want)
		}
	}
}
