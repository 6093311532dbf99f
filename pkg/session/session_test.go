package session

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/secret"
	"github.com/trustfix/trustfix/platforms"
)

// The lab's credentials: the defaults of the embedded scenario.
var (
	labPass   = devsim.DefaultScenario().Defaults.Password
	labEnable = devsim.DefaultScenario().Defaults.EnablePassword
)

// profile is a platform's session profile as its Spec (pkg/platform) gives
// it; a test of this package cannot import the registry, which imports
// session.
func profile(t *testing.T, id string) *Profile {
	t.Helper()
	p := map[string]Profile{
		"iosxe": {Enable: true, Paging: "terminal length 0", Extra: []string{"terminal width 511"},
			ReadOnly: []string{CmdShow, CmdDir, `enable`, `terminal (?:length|width) \d{1,3}`, `terminal no monitor`}},
		"iosxr": {Paging: "terminal length 0", Extra: []string{"terminal width 512", "terminal exec prompt no-timestamp"},
			ReadOnly: []string{CmdShow, CmdDir, `terminal (?:length|width) \d{1,3}`, `terminal exec prompt no-timestamp`}},
		"asa": {Enable: true, Paging: "terminal pager 0", Extra: []string{"terminal width 511"},
			ReadOnly: []string{CmdShow, CmdDir, `enable`, `terminal pager \d{1,3}`, `terminal width \d{1,3}`}},
		"fxos": {Paging: "terminal length 0", Extra: []string{"terminal width 511"},
			ReadOnly: []string{CmdShow, `scope security`, `top`, `up`, `terminal (?:length|width) \d{1,3}`}},
	}[id]
	def, err := platforms.Definition("cisco_" + id + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	p.Platform, p.Definition = id, def
	return &p
}

func lab(t *testing.T, names ...string) *devsim.Lab {
	t.Helper()
	return labWith(t, func(*devsim.Spec) {}, names...)
}

// labWith is lab with every device's spec edited first.
func labWith(t *testing.T, edit func(*devsim.Spec), names ...string) *devsim.Lab {
	t.Helper()
	sc := devsim.DefaultScenario()
	var keep []devsim.Spec
	for _, sp := range sc.Devices {
		for _, n := range names {
			if sp.Name == n {
				edit(&sp)
				keep = append(keep, sp)
			}
		}
	}
	sc.Devices = keep
	l, err := devsim.Start(sc, devsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

func target(t *testing.T, d *devsim.Device) Target {
	return Target{
		Name: d.Name(), Host: "127.0.0.1", Port: d.Port(), Username: "netops",
		Password: secret.New(labPass), EnablePassword: secret.New(labEnable),
		HostKeyPolicy: AcceptNew, KnownHosts: filepath.Join(t.TempDir(), "known_hosts"),
		Legacy: d.Spec().LegacySSH,
	}
}

func TestOpenEachPlatform(t *testing.T) {
	l := lab(t, "ie3400-dock-01", "xr-core-01", "asa-edge-1", "fp4120-a")
	want := map[string]string{
		"ie3400-dock-01": "Cisco IOS XE Software, Version 17.03.04a",
		"xr-core-01":     "Cisco IOS XR Software, Version 7.3.2",
		"asa-edge-1":     "Cisco Adaptive Security Appliance Software Version 9.16(3)19",
		"fp4120-a":       "Version: 2.10(1.159)",
	}
	for _, d := range l.Devices() {
		t.Run(d.Name(), func(t *testing.T) {
			s, err := Open(context.Background(), target(t, d), Options{Profile: profile(t, d.Spec().Platform)})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			out, err := s.Send("show version")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, want[d.Name()]) {
				t.Fatalf("show version: %q", out)
			}
			if _, err := s.Send("show crypto pki trustpol"); err == nil {
				t.Fatal("an invalid command must be a CommandError")
			} else if ce := (*CommandError)(nil); !errors.As(err, &ce) {
				t.Fatalf("want CommandError, got %v", err)
			}
		})
	}
}

func TestAuthFailureNotRetried(t *testing.T) {
	l := lab(t, "c9200-auth-05")
	d := l.Devices()[0]
	_, err := Open(context.Background(), target(t, d), Options{Profile: profile(t, "iosxe")})
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("want ErrAuth, got %v", err)
	}
	if st := d.State(); st.Connections != 1 {
		t.Fatalf("connections = %d", st.Connections)
	}
}

func TestSilentHostFailsWithinHandshake(t *testing.T) {
	l := lab(t, "c9200-dark-06")
	d := l.Devices()[0]
	_, err := Open(context.Background(), target(t, d), Options{Profile: profile(t, "iosxe"), Handshake: 300 * time.Millisecond})
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("want ErrUnreachable, got %v", err)
	}
}
