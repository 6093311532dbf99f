package sshconf

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestHostFirstValueWins(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	const cfg = `Host core-*
    HostName %h.example.net
    Port 2022
    IdentityFile ~/.ssh/core
Host *
    Port 22
    User netops
    IdentityFile ~/.ssh/id_ed25519
    IdentitiesOnly yes
    PasswordAuthentication no
`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Host("core-1")
	if err != nil {
		t.Fatal(err)
	}
	if s.HostName != "%h.example.net" || s.Port != 2022 || s.User != "netops" ||
		!slices.Equal(s.IdentityFiles, []string{"~/.ssh/core", "~/.ssh/id_ed25519"}) ||
		s.IdentitiesOnly == nil || !*s.IdentitiesOnly || s.PasswordAuthentication == nil || *s.PasswordAuthentication {
		t.Errorf("%+v", s)
	}
	if none, _ := Load(filepath.Join(t.TempDir(), "absent")); none != nil {
		t.Error("a missing file is no config")
	}
	if err := os.WriteFile(path, []byte("Host a\n  User x\nMatch exec true\n  Port 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); !errors.Is(err, ErrSyntax) || !strings.HasSuffix(err.Error(), "config:3: Match Exec is not supported") {
		t.Errorf("got %v", err)
	}
}

func TestExpand(t *testing.T) {
	tok := Tokens{Home: "/home/op", LocalUser: "op", LocalHost: "laptop.corp", Host: "10.0.0.1", Original: "sw1", RemoteUser: "netops", Port: 2022}
	for in, want := range map[string]string{
		"~/.ssh/id_%h":        "/home/op/.ssh/id_10.0.0.1",
		"%d/keys/%r@%n:%p":    "/home/op/keys/netops@sw1:2022",
		"%u-%l-%L-100%%":      "op-laptop.corp-laptop-100%",
		"/abs/path/no/tokens": "/abs/path/no/tokens",
	} {
		if got, err := Expand(in, tok); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	if _, err := Expand("%z", tok); err == nil {
		t.Error("unknown token: no error")
	}
}

func TestList(t *testing.T) {
	def := ssh.SupportedAlgorithms().KeyExchanges
	got, unknown, err := List(KexAlgorithms, "+diffie-hellman-group14-sha1,not-an-alg")
	if err != nil || got[len(got)-1] != "diffie-hellman-group14-sha1" || len(got) != len(def)+1 || !slices.Equal(unknown, []string{"not-an-alg"}) {
		t.Errorf("+: %v %v %v", got, unknown, err)
	}
	got, _, _ = List(Ciphers, "-*-gcm@openssh.com")
	if slices.ContainsFunc(got, func(c string) bool { return strings.HasSuffix(c, "-gcm@openssh.com") }) || len(got) == 0 {
		t.Errorf("-: %v", got)
	}
	got, _, _ = List(HostKeyAlgorithms, "^ssh-rsa")
	if got[0] != "ssh-rsa" || len(got) < 2 {
		t.Errorf("^: %v", got)
	}
	got, _, _ = List(MACs, "hmac-sha1")
	if !slices.Equal(got, []string{"hmac-sha1"}) {
		t.Errorf("replace: %v", got)
	}
	if _, _, err := List(Ciphers, "chacha30-poly1305"); err == nil {
		t.Error("nothing left: no error")
	}
}

func TestJumps(t *testing.T) {
	for in, want := range map[string]string{
		"ssh -W %h:%p -q bastion01":                                    "bastion01",
		"ssh -W %h:22 jumphost":                                        "jumphost",
		"/usr/bin/ssh -q -p 2222 -l ops -W %h:%p gw":                   "ops@gw:2222",
		"ssh -W %h:%p -o StrictHostKeyChecking=no user@gw.example.net": "user@gw.example.net",
		"ssh -W %h:%p -p 22 2001:db8::5":                               "[2001:db8::5]:22",
	} {
		got, found, err := ProxyCommand(in)
		if err != nil || !found || got != want {
			t.Errorf("ProxyCommand %q: %q %v %v, want %q", in, got, found, err, want)
		}
	}
	for _, bad := range []string{"nc -x proxy %h %p", "ssh gw nc %h %p", "ssh -J a -W %h:%p b", "connect-proxy %h %p"} {
		if _, _, err := ProxyCommand(bad); err == nil {
			t.Errorf("ProxyCommand %q: no error", bad)
		}
	}
	if j, found, err := ProxyJump("ssh://ops@bastion:2200"); j != "ops@bastion:2200" || !found || err != nil {
		t.Errorf("ProxyJump URI: %q %v %v", j, found, err)
	}
	if j, found, _ := ProxyJump("none"); j != "" || !found {
		t.Error("ProxyJump none")
	}
}
