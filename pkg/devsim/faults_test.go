package devsim

import (
	"bytes"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Wrong credentials: the client sees an authentication error; the lab
// counts one connection, one failure and no login.
func TestFaultAuthFailure(t *testing.T) {
	d := one(t, "c9200-auth-05")
	_, err := dialWith(t, d, clientConfig(labUser, labPass))
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("want an authentication error, got %v", err)
	}
	st := waitState(t, d, func(st State) bool { return st.AuthFailed > 0 })
	if st.Connections != 1 || st.AuthFailed != 1 || st.Logins != 0 || len(st.Sessions) != 0 {
		t.Fatalf("state: %+v", st)
	}
}

// A device that accepts TCP and never speaks SSH: a client with a
// handshake deadline gives up, and closing the lab does not hang on it.
func TestFaultSilentDevice(t *testing.T) {
	l, d := oneLab(t, "c9200-dark-06")
	conn, err := net.Dial("tcp", d.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(300 * time.Millisecond))
	_, _, _, err = ssh.NewClientConn(conn, d.Addr(), clientConfig(labUser, labPass))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want a handshake timeout, got %v", err)
	}
	idle, err := net.Dial("tcp", d.Addr()) // another one, left open
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	waitState(t, d, func(st State) bool { return st.Connections == 2 })
	closed := make(chan struct{})
	go func() { l.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(guard):
		t.Fatal("Lab.Close hangs on a silent device")
	}
	if st := d.State(); st.Logins != 0 || st.AuthFailed != 0 {
		t.Fatalf("state: %+v", st)
	}
}

// The drop fault cuts the first session mid-paste; the next login works.
func TestFaultDropMidPaste(t *testing.T) {
	d := one(t, "c9500-dist-04")
	c := xeLogin(t, d)
	c.cmd("conf t", "(config)#")
	c.cmd("crypto pki trustpool import terminal", "itself.\n")
	c.sendQuiet(strings.Join(body(pemOf(t, "identrust-commercial-root-ca-1.pem")), "\n") + "\n\n")
	s := waitEnded(t, d)
	if !s.Dropped || !s.HalfPaste || !s.EndedInConfig {
		t.Fatalf("first session: %+v", s)
	}
	if Has(d.State().TrustStore, identrustSHA1) {
		t.Fatal("a cut paste must not import anything")
	}

	c = xeLogin(t, d)
	c.cmd("conf t", "(config)#")
	c.cmd("crypto pki trustpool import terminal", "itself.\n")
	for _, l := range body(pemOf(t, "identrust-commercial-root-ca-1.pem")) {
		c.send(l)
	}
	c.send("")
	if got := c.expect("(config)#"); !strings.HasSuffix(got, "% PEM files import succeeded.\nc9500-dist-04(config)#") {
		t.Fatalf("second session: %q", got[len(got)-80:])
	}
	c.cmd("end", "#")
	c.send("exit")
	if s := waitEnded(t, d); s.Dropped || s.ID != 2 {
		t.Fatalf("second session: %+v", s)
	}
}

// An old image offers only SHA-1 key exchange, CBC ciphers and ssh-rsa
// host keys: a modern client cannot negotiate, one that adds all three can.
func TestFaultLegacySSH(t *testing.T) {
	d := one(t, "isr-branch-07")
	modern := ssh.SupportedAlgorithms()
	cases := []struct {
		name                 string
		kex, cipher, hostKey bool
	}{
		{"modern only", false, false, false},
		{"no ssh-rsa", true, true, false},
		{"no cbc", true, false, true},
		{"no sha1 kex", false, true, true},
		{"legacy added", true, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := clientConfig(labUser, labPass)
			cfg.KeyExchanges = modern.KeyExchanges
			cfg.Ciphers = modern.Ciphers
			cfg.HostKeyAlgorithms = modern.HostKeys
			if tc.kex {
				cfg.KeyExchanges = append(cfg.KeyExchanges, ssh.InsecureKeyExchangeDH14SHA1)
			}
			if tc.cipher {
				cfg.Ciphers = append(cfg.Ciphers, ssh.InsecureCipherAES128CBC)
			}
			if tc.hostKey {
				cfg.HostKeyAlgorithms = append(cfg.HostKeyAlgorithms, ssh.KeyAlgoRSA)
			}
			c, err := dialWith(t, d, cfg)
			ok := tc.kex && tc.cipher && tc.hostKey
			if !ok {
				if err == nil || !strings.Contains(err.Error(), "no common algorithm") {
					t.Fatalf("want a negotiation failure, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.expect("\nisr-branch-07>")
		})
	}
	// The ssh-rsa key derives from the name, like every other host key,
	// so a restarted lab keeps its known_hosts entries valid.
	again := one(t, "isr-branch-07")
	if d.HostKey().Type() != ssh.KeyAlgoRSA || !bytes.Equal(again.HostKey().Marshal(), d.HostKey().Marshal()) {
		t.Fatal("the legacy host key must be ssh-rsa and stable across labs")
	}
	// A re-imaged old device still only speaks ssh-rsa.
	d.RotateHostKey()
	cfg := clientConfig(labUser, labPass)
	cfg.KeyExchanges = []string{ssh.InsecureKeyExchangeDH14SHA1}
	cfg.Ciphers = []string{ssh.InsecureCipherAES128CBC}
	cfg.HostKeyAlgorithms = []string{ssh.KeyAlgoRSA}
	if _, err := dialWith(t, d, cfg); err != nil || d.HostKey().Type() != ssh.KeyAlgoRSA {
		t.Fatalf("after rotation: %v", err)
	}
}

// Latency slows every line; the command still completes (no timing checks).
func TestFaultLatency(t *testing.T) {
	d := one(t, "xr-edge-02")
	if d.Spec().Faults.Latency == 0 {
		t.Fatal("xr-edge-02 is the slow device")
	}
	c := dial(t, d)
	c.expect("RP/0/RSP0/CPU0:xr-edge-02#")
	got := stamped(c.cmd("show version | include ^Cisco IOS XR", "RP/0/RSP0/CPU0:xr-edge-02#"))
	if got != "show version | include ^Cisco IOS XR\nTS\nCisco IOS XR Software, Version 6.5.3\nRP/0/RSP0/CPU0:xr-edge-02#" {
		t.Fatalf("slow device: %q", got)
	}
}

// RotateHostKey changes the key the device presents; a client pinned to
// the old key is refused.
func TestRotateHostKey(t *testing.T) {
	d := one(t, "c9300-core-01")
	seen := func() (ssh.PublicKey, error) {
		var k ssh.PublicKey
		cfg := clientConfig(labUser, labPass)
		cfg.HostKeyCallback = func(_ string, _ net.Addr, key ssh.PublicKey) error { k = key; return nil }
		_, err := dialWith(t, d, cfg)
		return k, err
	}
	old, err := seen()
	if err != nil || !bytes.Equal(old.Marshal(), d.HostKey().Marshal()) {
		t.Fatalf("presented key: %v", err)
	}
	if again := one(t, "c9300-core-01"); !bytes.Equal(again.HostKey().Marshal(), old.Marshal()) {
		t.Fatal("a restarted lab must present the same key")
	}
	d.RotateHostKey()
	now, err := seen()
	if err != nil || bytes.Equal(now.Marshal(), old.Marshal()) || !bytes.Equal(now.Marshal(), d.HostKey().Marshal()) {
		t.Fatalf("after rotation the device must present its new key (%v)", err)
	}
	pinned := clientConfig(labUser, labPass)
	pinned.HostKeyCallback = ssh.FixedHostKey(old)
	if _, err := dialWith(t, d, pinned); err == nil {
		t.Fatal("a client pinned to the old key must be refused")
	}
}

// A current image offers the key exchanges of a Cisco device: curve25519
// and the NIST and MODP groups, not the post-quantum mlkem768x25519 that a
// Go server offers first.
func TestDeviceKeyExchanges(t *testing.T) {
	d := one(t, "c8kv-wan-01")
	for _, tc := range []struct {
		kex string
		ok  bool
	}{
		{ssh.KeyExchangeMLKEM768X25519, false},
		{ssh.KeyExchangeCurve25519, true},
		{ssh.KeyExchangeECDHP256, true},
		{ssh.KeyExchangeDH14SHA256, true},
	} {
		cfg := clientConfig(labUser, labPass)
		cfg.KeyExchanges = []string{tc.kex}
		c, err := dialWith(t, d, cfg)
		if c != nil {
			c.hangup()
		}
		if tc.ok != (err == nil) {
			t.Errorf("%s: err = %v, want ok %v", tc.kex, err, tc.ok)
		}
	}
}
