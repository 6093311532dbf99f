package session

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/secret"
)

// keyLab serves c9300-core-01 (privilege 15: a key login lands at '#')
// accepting only the given keys when keysOnly, else keys and the password.
func keyLab(t *testing.T, keysOnly bool, keys ...*devsim.UserKey) *devsim.Device {
	t.Helper()
	return oneDevice(t, "c9300-core-01", func(sp *devsim.Spec) {
		for _, k := range keys {
			sp.AuthorizedKeys = append(sp.AuthorizedKeys, k.AuthorizedKey())
		}
		sp.KeysOnly = keysOnly
	})
}

// oneDevice serves one device of the default scenario, edited.
func oneDevice(t *testing.T, name string, edit func(*devsim.Spec)) *devsim.Device {
	t.Helper()
	sc := devsim.DefaultScenario()
	for _, sp := range sc.Devices {
		if sp.Name == name {
			edit(&sp)
			sc.Devices = []devsim.Spec{sp}
			break
		}
	}
	l, err := devsim.Start(sc, devsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l.Devices()[0]
}

func newKey(t *testing.T) *devsim.UserKey {
	t.Helper()
	k, err := devsim.NewUserKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func startAgent(t *testing.T, keys ...*devsim.UserKey) *devsim.Agent {
	t.Helper()
	a, err := devsim.StartAgent(t.TempDir(), keys...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// warnings collects OnWarning messages.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) add(m string) { w.mu.Lock(); w.msgs = append(w.msgs, m); w.mu.Unlock() }
func (w *warnings) all() string  { w.mu.Lock(); defer w.mu.Unlock(); return strings.Join(w.msgs, "\n") }

// login opens a session and runs show version, proving the login landed.
func login(t *testing.T, d *devsim.Device, tg Target, w *warnings) error {
	t.Helper()
	opt := Options{Profile: profile(t, "iosxe")}
	if w != nil {
		opt.OnWarning = w.add
	}
	s, err := Open(context.Background(), tg, opt)
	if err != nil {
		return err
	}
	defer s.Close()
	out, err := s.Send("show version")
	if err != nil || !strings.Contains(out, "Cisco IOS XE Software") {
		t.Fatalf("show version: %q %v", out, err)
	}
	return nil
}

func keyTarget(t *testing.T, d *devsim.Device, k KeyAuth) Target {
	tg := target(t, d)
	tg.Password, tg.EnablePassword, tg.Keys = secret.Secret{}, secret.Secret{}, k
	return tg
}

func TestKeysOnlyDeviceThroughTheAgent(t *testing.T) {
	key := newKey(t)
	d := keyLab(t, true, key)
	a := startAgent(t, newKey(t), key) // an unrelated key first, as agents often hold
	if err := login(t, d, keyTarget(t, d, KeyAuth{Agent: a.Socket}), nil); err != nil {
		t.Fatal(err)
	}
	st := d.State()
	if st.KeyLogins != 1 || st.KeysRefused != 1 || a.Signatures() != 1 {
		t.Errorf("key logins %d, refused %d, agent signatures %d", st.KeyLogins, st.KeysRefused, a.Signatures())
	}
}

func TestKeysOnlyDeviceThroughAnIdentityFile(t *testing.T) {
	key := newKey(t)
	d := keyLab(t, true, key)
	path := filepath.Join(t.TempDir(), "id_ed25519")
	if err := key.WriteFile(path, ""); err != nil {
		t.Fatal(err)
	}
	if err := login(t, d, keyTarget(t, d, KeyAuth{IdentityFiles: []string{path}}), nil); err != nil {
		t.Fatal(err)
	}
	if st := d.State(); st.KeyLogins != 1 || st.KeysRefused != 0 {
		t.Errorf("key logins %d refused %d", st.KeyLogins, st.KeysRefused)
	}
}

// An encrypted key is used through the agent that holds it; with
// IdentitiesOnly the agent's other keys are not offered at all.
func TestEncryptedKeyThroughTheAgentWithIdentitiesOnly(t *testing.T) {
	key := newKey(t)
	d := keyLab(t, true, key)
	path := filepath.Join(t.TempDir(), "id_ed25519")
	if err := key.WriteFile(path, "correct horse"); err != nil {
		t.Fatal(err)
	}
	a := startAgent(t, newKey(t), newKey(t), key)
	var w warnings
	err := login(t, d, keyTarget(t, d, KeyAuth{IdentityFiles: []string{path}, IdentitiesOnly: true, Agent: a.Socket}), &w)
	if err != nil {
		t.Fatal(err)
	}
	if st := d.State(); st.KeyLogins != 1 || st.KeysRefused != 0 || w.all() != "" {
		t.Errorf("key logins %d refused %d warnings %q", st.KeyLogins, st.KeysRefused, w.all())
	}
}

// An encrypted key the agent does not hold is skipped with a warning
// (never a passphrase prompt); the password logs in.
func TestEncryptedKeyWithoutTheAgentFallsBackToThePassword(t *testing.T) {
	key := newKey(t)
	d := keyLab(t, false, key)
	path := filepath.Join(t.TempDir(), "id_ed25519")
	if err := key.WriteFile(path, "correct horse"); err != nil {
		t.Fatal(err)
	}
	tg := target(t, d)
	tg.Keys = KeyAuth{IdentityFiles: []string{path}}
	var w warnings
	if err := login(t, d, tg, &w); err != nil {
		t.Fatal(err)
	}
	if st := d.State(); st.KeyLogins != 0 || st.Logins != 1 {
		t.Errorf("key logins %d logins %d", st.KeyLogins, st.Logins)
	}
	if !strings.Contains(w.all(), "is encrypted and the ssh-agent does not hold it: not offered (trustfix never asks for a passphrase; ssh-add it)") {
		t.Errorf("warnings %q", w.all())
	}
}

// Keys come before the password, as OpenSSH tries them.
func TestKeysBeforeThePassword(t *testing.T) {
	key := newKey(t)
	d := keyLab(t, false, key)
	a := startAgent(t, key)
	tg := target(t, d)
	tg.Keys = KeyAuth{Agent: a.Socket}
	if err := login(t, d, tg, nil); err != nil {
		t.Fatal(err)
	}
	if st := d.State(); st.KeyLogins != 1 {
		t.Errorf("logged in without the key: %+v", st.KeyLogins)
	}
}

func TestRefusedKeysAreAnAuthFailure(t *testing.T) {
	d := keyLab(t, true, newKey(t))
	a := startAgent(t, newKey(t))
	err := login(t, d, keyTarget(t, d, KeyAuth{Agent: a.Socket}), nil)
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "the device refused the ssh-agent's keys") {
		t.Fatalf("got %v", err)
	}
	// Counted while the device answered, before the client saw the refusal.
	if st := d.State(); st.Connections != 1 || st.KeysRefused != 1 || st.Logins != 0 {
		t.Errorf("connections %d, keys refused %d, logins %d: an auth failure is not retried", st.Connections, st.KeysRefused, st.Logins)
	}
	// An agent that is not there is a warning, not a hang.
	var w warnings
	err = login(t, d, keyTarget(t, d, KeyAuth{Agent: filepath.Join(t.TempDir(), "gone.sock")}), &w)
	if !errors.Is(err, ErrAuth) || !strings.Contains(w.all(), "gone.sock: connect: no such file or directory: its keys are not offered") {
		t.Errorf("got %v, warnings %q", err, w.all())
	}
}

// A keys-only device behind a keys-only bastion: ProxyJump with the agent
// for both hops.
func TestJumpHostWithKeys(t *testing.T) {
	key := newKey(t)
	sc := devsim.DefaultScenario()
	for _, sp := range sc.Devices {
		if sp.Name == "c9300-core-01" {
			sp.AuthorizedKeys, sp.KeysOnly, sp.BehindJump = []string{key.AuthorizedKey()}, true, true
			sc.Devices = []devsim.Spec{sp}
		}
	}
	sc.JumpHost = &devsim.JumpSpec{Username: "bastion-user", AuthorizedKeys: []string{key.AuthorizedKey()}, KeysOnly: true}
	l, err := devsim.Start(sc, devsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	d, j := l.Devices()[0], l.JumpHost()
	a := startAgent(t, key)
	tg := keyTarget(t, d, KeyAuth{Agent: a.Socket})
	tg.JumpHost = "bastion-user@" + j.Addr()
	if err := login(t, d, tg, nil); err != nil {
		t.Fatal(err)
	}
	all, withKey := j.Logins()
	if j.Forwards(d.Addr()) != 1 || all != 1 || withKey != 1 || d.State().KeyLogins != 1 {
		t.Errorf("forwards %d, jump logins %d (key %d), device key logins %d", j.Forwards(d.Addr()), all, withKey, d.State().KeyLogins)
	}
}

// AskPassword is called only when the device refuses the keys, once.
func TestAskPasswordOnlyAfterTheKeys(t *testing.T) {
	key := newKey(t)
	d := keyLab(t, false, key)
	calls := 0
	ask := func() (secret.Secret, error) { calls++; return secret.New(labPass), nil }

	a := startAgent(t, key)
	tg := keyTarget(t, d, KeyAuth{Agent: a.Socket, AskPassword: ask})
	tg.EnablePassword = secret.New(labEnable)
	if err := login(t, d, tg, nil); err != nil || calls != 0 {
		t.Fatalf("accepted key: %v, asked %d times", err, calls)
	}
	other := startAgent(t, newKey(t))
	tg.Keys.Agent = other.Socket
	if err := login(t, d, tg, nil); err != nil || calls != 1 {
		t.Fatalf("refused key: %v, asked %d times", err, calls)
	}
	if st := d.State(); st.Logins != 2 || st.KeyLogins != 1 {
		t.Errorf("logins %d with a key %d", st.Logins, st.KeyLogins)
	}
}
