package session

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/secret"
)

func count(s, sub string) int { return strings.Count(s, sub) }

func TestPagingRefusedFallsBackToPager(t *testing.T) {
	l := lab(t, "ess3300-rail-02")
	d := l.Devices()[0]
	var warned []string
	s, err := Open(context.Background(), target(t, d), Options{Platform: "iosxe", OnWarning: func(w string) { warned = append(warned, w) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(warned) != 1 || !strings.Contains(warned[0], "terminal length 0") {
		t.Fatalf("want one paging warning, got %q", warned)
	}
	out, err := s.Send("show crypto pki trustpool")
	if err != nil {
		t.Fatal(err)
	}
	if n, want := count(out, "CA Certificate\n"), len(d.State().TrustStore); n != want {
		t.Fatalf("paged listing has %d blocks, the device holds %d", n, want)
	}
	if strings.Contains(out, "More") || strings.Contains(out, "\b") {
		t.Fatalf("pager residue in output")
	}
}

func TestPromptTrapDoesNotEndTheRead(t *testing.T) {
	l := lab(t, "c8kv-wan-01")
	d := l.Devices()[0]
	s, err := Open(context.Background(), target(t, d), Options{Platform: "iosxe"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := s.Send("show crypto pki trustpool")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "nvram:c8kv-wan-01#1CA.cer") {
		t.Fatal("the trap line is missing")
	}
	if n, want := count(out, "CA Certificate\n"), len(d.State().TrustStore); n != want {
		t.Fatalf("read stopped early: %d of %d blocks", n, want)
	}
}

func TestLegacyAlgorithmsOnlyWhenAsked(t *testing.T) {
	l := lab(t, "isr-branch-07")
	d := l.Devices()[0]
	tg := target(t, d)
	tg.Legacy = false
	if _, err := Open(context.Background(), tg, Options{Platform: "iosxe"}); !errors.Is(err, ErrAlgorithms) {
		t.Fatalf("modern-only client must not negotiate with a legacy device: %v", err)
	}
	tg.Legacy = true
	s, err := Open(context.Background(), tg, Options{Platform: "iosxe"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestAutoThenUse(t *testing.T) {
	l := lab(t, "xr-peer-03")
	d := l.Devices()[0]
	s, err := Open(context.Background(), target(t, d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := s.Send("show version")
	if err != nil || !strings.Contains(out, "Cisco IOS XR Software") {
		t.Fatalf("show version before Use: %v %q", err, out)
	}
	if err := s.Use("iosxr"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send("show crypto ca trustpool"); err != nil {
		t.Fatal(err)
	}
}

func TestHostKeyAcceptNewThenMismatch(t *testing.T) {
	l := lab(t, "fp4120-a")
	d := l.Devices()[0]
	tg := target(t, d)
	for i := range 2 { // first records the key, second finds it
		s, err := Open(context.Background(), tg, Options{Platform: "fxos"})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		s.Close()
	}
	b, _ := os.ReadFile(tg.KnownHosts)
	if n := strings.Count(string(b), "\n"); n != 1 {
		t.Fatalf("known_hosts has %d lines, want 1", n)
	}
	d.RotateHostKey()
	_, err := Open(context.Background(), tg, Options{Platform: "fxos"})
	if !errors.Is(err, ErrHostKey) || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("want a changed-key refusal, got %v", err)
	}
	tg.HostKeyPolicy = Strict
	tg.KnownHosts = t.TempDir() + "/empty"
	if _, err := Open(context.Background(), tg, Options{Platform: "fxos"}); !errors.Is(err, ErrHostKey) {
		t.Fatalf("strict with an unknown host: %v", err)
	}
}

func TestWrongEnablePasswordIsAuthFailure(t *testing.T) {
	l := lab(t, "asa-edge-1")
	d := l.Devices()[0]
	tg := target(t, d)
	tg.EnablePassword = secret.New("not-it")
	_, err := Open(context.Background(), tg, Options{Platform: "asa"})
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("want ErrAuth, got %v", err)
	}
	if st := d.State(); st.Connections != 1 {
		t.Fatalf("connections = %d", st.Connections)
	}
}

func TestDeadlineClosesSession(t *testing.T) {
	l := lab(t, "xr-edge-02") // 15ms per line
	d := l.Devices()[0]
	s, err := Open(context.Background(), target(t, d), Options{Platform: "iosxr", Deadline: time.Now().Add(2 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var last error
	for range 100 {
		if _, last = s.Send("show crypto ca trustpool"); last != nil {
			break
		}
	}
	if !errors.Is(last, ErrDeadline) {
		t.Fatalf("want ErrDeadline, got %v", last)
	}
}

// TestCloseWaitsForTheDevice: once Close returns, the device has ended the
// session (its vty line is free): a pool that frees a slot on Close never
// has more sessions open on the devices than its bound.
func TestCloseWaitsForTheDevice(t *testing.T) {
	l := lab(t, "ie3400-dock-01", "xr-core-01", "asa-edge-1", "fp4120-a")
	for _, d := range l.Devices() {
		s, err := Open(context.Background(), target(t, d), Options{Platform: d.Spec().Platform})
		if err != nil {
			t.Fatalf("%s: %v", d.Name(), err)
		}
		s.Close()
		st := d.State()
		if len(st.Sessions) != 1 || !st.Sessions[0].Ended {
			t.Errorf("%s: Close returned before the device ended the session: %+v", d.Name(), st.Sessions)
		}
	}
}
