package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/trustfix/trustfix/pkg/devsim"
)

// multiKeyLab serves one IOS XE device that has an RSA, an ECDSA and an
// Ed25519 host key, as most real devices do.
func multiKeyLab(t *testing.T, kinds ...string) *devsim.Device {
	t.Helper()
	return oneDevice(t, "ie3400-dock-01", func(sp *devsim.Spec) { sp.HostKeys = kinds })
}

func keyOfType(t *testing.T, d *devsim.Device, typ string) ssh.PublicKey {
	t.Helper()
	for _, k := range d.HostKeys() {
		if k.Type() == typ {
			return k
		}
	}
	t.Fatalf("%s serves no %s key", d.Name(), typ)
	return nil
}

func writeKnownHosts(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestKnownHostsOneKeyOfThree: a known_hosts that holds only one of the
// device's three keys (as OpenSSH leaves it: it records the type it
// negotiated) is enough under strict, whichever the type, plain or hashed.
// Before, the client offered its own fixed order, the device answered with
// another key type, and the host was refused as "changed".
func TestKnownHostsOneKeyOfThree(t *testing.T) {
	d := multiKeyLab(t, devsim.KeyRSA, devsim.KeyECDSA, devsim.KeyEd25519)
	if n := len(d.HostKeys()); n != 3 {
		t.Fatalf("the device serves %d host keys, want 3", n)
	}
	host := knownhosts.Normalize(d.Addr())
	for _, typ := range []string{ssh.KeyAlgoRSA, ssh.KeyAlgoECDSA256, ssh.KeyAlgoED25519} {
		for _, hashed := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s hashed=%v", typ, hashed), func(t *testing.T) {
				name := host
				if hashed {
					name = knownhosts.HashHostname(host)
				}
				tg := target(t, d)
				tg.HostKeyPolicy = Strict
				tg.KnownHosts = writeKnownHosts(t, knownhosts.Line([]string{name}, keyOfType(t, d, typ)))
				before := d.State().Logins
				s, err := Open(context.Background(), tg, Options{Profile: profile(t, "iosxe")})
				if err != nil {
					t.Fatalf("strict with the %s key known: %v", typ, err)
				}
				s.Close()
				if got := d.State().Logins; got != before+1 {
					t.Errorf("logins %d, want %d", got, before+1)
				}
			})
		}
	}
}

// TestKnownHostsRevoked: a key marked @revoked is refused, naming the line.
func TestKnownHostsRevoked(t *testing.T) {
	d := multiKeyLab(t, devsim.KeyEd25519)
	tg := target(t, d)
	tg.KnownHosts = writeKnownHosts(t, "# revoked after the incident", "@revoked * "+strings.TrimSpace(string(ssh.MarshalAuthorizedKey(d.HostKey()))))
	_, err := Open(context.Background(), tg, Options{Profile: profile(t, "iosxe")})
	if !errors.Is(err, ErrHostKey) || !strings.Contains(err.Error(), "@revoked") || !strings.Contains(err.Error(), tg.KnownHosts+":2") {
		t.Fatalf("want a refusal naming the @revoked line %s:2, got %v", tg.KnownHosts, err)
	}
	if st := d.State(); st.Logins != 0 || st.AuthFailed != 0 {
		t.Errorf("a revoked host was sent credentials: %d logins, %d refused", st.Logins, st.AuthFailed)
	}
}

// TestKnownHostsChangedKeyNamesTheFix: a changed key names the file and
// line of the old entry and the ssh-keygen -R command that removes it.
func TestKnownHostsChangedKeyNamesTheFix(t *testing.T) {
	d := multiKeyLab(t, devsim.KeyEd25519)
	tg := target(t, d)
	tg.KnownHosts = writeKnownHosts(t, "# fleet keys", knownhosts.Line([]string{knownhosts.Normalize(d.Addr())}, d.HostKey()))
	d.RotateHostKey()
	_, err := Open(context.Background(), tg, Options{Profile: profile(t, "iosxe")})
	want := []string{"changed", tg.KnownHosts + ":2", "ssh-keygen -R '" + knownhosts.Normalize(d.Addr()) + "' -f " + tg.KnownHosts}
	for _, w := range want {
		if !errors.Is(err, ErrHostKey) || err == nil || !strings.Contains(err.Error(), w) {
			t.Fatalf("want ErrHostKey naming %q, got %v", w, err)
		}
	}
}

// TestKnownHostsNoKnownTypeOffered: known_hosts holds only an ECDSA key,
// the device now serves only Ed25519: a host-key refusal that says so,
// not a "set legacy_algorithms" hint.
func TestKnownHostsNoKnownTypeOffered(t *testing.T) {
	old := multiKeyLab(t, devsim.KeyECDSA)
	ecdsaKey := keyOfType(t, old, ssh.KeyAlgoECDSA256)
	d := multiKeyLab(t, devsim.KeyEd25519)
	tg := target(t, d)
	tg.KnownHosts = writeKnownHosts(t, knownhosts.Line([]string{knownhosts.Normalize(d.Addr())}, ecdsaKey))
	_, err := Open(context.Background(), tg, Options{Profile: profile(t, "iosxe")})
	if !errors.Is(err, ErrHostKey) || errors.Is(err, ErrAlgorithms) || !strings.Contains(err.Error(), ssh.KeyAlgoECDSA256) {
		t.Fatalf("want a host-key refusal naming the known type, got %v", err)
	}
}

// TestKnownHostsDefaultFile: with no known_hosts configured, the user's
// ~/.ssh/known_hosts is the one read (and the one appended to).
func TestKnownHostsDefaultFile(t *testing.T) {
	d := multiKeyLab(t, devsim.KeyRSA, devsim.KeyEd25519)
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	user := filepath.Join(home, ".ssh", "known_hosts")
	if err := os.WriteFile(user, []byte(knownhosts.Line([]string{knownhosts.Normalize(d.Addr())}, keyOfType(t, d, ssh.KeyAlgoRSA))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tg := target(t, d)
	tg.KnownHosts = ""
	tg.HostKeyPolicy = Strict
	s, err := Open(context.Background(), tg, Options{Profile: profile(t, "iosxe")})
	if err != nil {
		t.Fatalf("strict with the key in ~/.ssh/known_hosts: %v", err)
	}
	s.Close()
}

// TestKnownHostsRunAppends: the keys a run appends under accept-new are
// known to its later connections without parsing the file again (a first
// night of thousands of devices would otherwise parse it once per device):
// the same key is accepted, strict included; a changed one is refused
// naming the line the run wrote; and a line someone else adds meanwhile is
// read (the file is parsed again then).
func TestKnownHostsRunAppends(t *testing.T) {
	a := multiKeyLab(t, devsim.KeyEd25519)
	b := oneDevice(t, "xr-core-01", func(*devsim.Spec) {})
	c := oneDevice(t, "asa-edge-1", func(*devsim.Spec) {})
	file := writeKnownHosts(t, "# fleet keys") // line 1
	kh := &KnownHosts{}
	open := func(d *devsim.Device, policy string) error { return loginOnce(t, d, file, policy, kh) }
	if err := open(a, AcceptNew); err != nil { // appends line 2
		t.Fatal(err)
	}
	parse := kh.parsed[file]
	if err := open(b, AcceptNew); err != nil { // appends line 3
		t.Fatal(err)
	}
	for _, d := range []*devsim.Device{a, b} {
		if err := open(d, Strict); err != nil {
			t.Fatalf("%s, recorded by this run, under strict: %v", d.Name(), err)
		}
	}
	if kh.parsed[file] != parse {
		t.Error("known_hosts was parsed again after the run's own appends")
	}
	if n := len(parse.added); n != 2 {
		t.Errorf("%d hosts added to the parse, want 2", n)
	}

	b.RotateHostKey()
	err := open(b, AcceptNew)
	if !errors.Is(err, ErrHostKey) || !strings.Contains(err.Error(), "changed") || !strings.Contains(err.Error(), file+":3") {
		t.Fatalf("a changed key of a host this run recorded: want a refusal naming %s:3, got %v", file, err)
	}

	// Someone else records c: the file is read again, and c is known.
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(knownhosts.Line([]string{knownhosts.Normalize(c.Addr())}, c.HostKey()) + "\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := open(c, Strict); err != nil {
		t.Fatalf("a host another writer recorded meanwhile, under strict: %v", err)
	}
	if kh.parsed[file] == parse {
		t.Error("known_hosts changed by another writer was not parsed again")
	}
	if err := open(a, Strict); err != nil {
		t.Fatalf("after the new parse, %s under strict: %v", a.Name(), err)
	}
	raw, _ := os.ReadFile(file)
	if n := strings.Count(string(raw), "\n"); n != 4 {
		t.Errorf("known_hosts has %d lines, want 4 (a comment, three hosts):\n%s", n, raw)
	}
}

// TestKnownHostsFleetParsesOnce: a fleet's first contact, many devices at
// once under accept-new, parses known_hosts once, and records every host.
func TestKnownHostsFleetParsesOnce(t *testing.T) {
	sc := devsim.DefaultScenario()
	for _, sp := range sc.Devices {
		if sp.Name == "ie3400-dock-01" {
			sc.Devices = []devsim.Spec{sp}
			break
		}
	}
	l, err := devsim.Start(sc, devsim.Options{Devices: 12})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	file := writeKnownHosts(t, "# fleet keys")
	kh := &KnownHosts{}
	open := func(d *devsim.Device, policy string) error { return loginOnce(t, d, file, policy, kh) }
	errs := make(chan error, len(l.Devices()))
	for _, d := range l.Devices() {
		go func() { errs <- open(d, AcceptNew) }()
	}
	for range l.Devices() {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range l.Devices() {
		if err := open(d, Strict); err != nil {
			t.Fatalf("%s under strict after the first contact: %v", d.Name(), err)
		}
	}
	if kh.parses != 1 {
		t.Errorf("known_hosts parsed %d times for %d devices, want once", kh.parses, len(l.Devices()))
	}
}

// loginOnce opens a session to d with known_hosts file under policy,
// sharing kh, and closes it.
func loginOnce(t *testing.T, d *devsim.Device, file, policy string, kh *KnownHosts) error {
	tg := target(t, d)
	tg.KnownHosts, tg.HostKeyPolicy = file, policy
	s, err := Open(context.Background(), tg, Options{KnownHosts: kh})
	if err == nil {
		s.Close()
	}
	return err
}
