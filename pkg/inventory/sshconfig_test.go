package inventory

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sshFixture is a HOME with ~/.ssh/config and some keys, and an inventory
// beside it.
type sshFixture struct {
	home, dir string
}

func newSSHFixture(t *testing.T, config string) sshFixture {
	t.Helper()
	f := sshFixture{home: t.TempDir(), dir: t.TempDir()}
	if err := os.MkdirAll(filepath.Join(f.home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id_ed25519", "id_rsa", "net_key", "jump_key"} {
		if err := os.WriteFile(filepath.Join(f.home, ".ssh", k), []byte("placeholder\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if config != "" {
		if err := os.WriteFile(filepath.Join(f.home, ".ssh", "config"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f sshFixture) env(extra ...string) func(string) (string, bool) {
	m := map[string]string{"HOME": f.home, "USER": "operator", "TRUSTFIX_PASSWORD": "pw"}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func (f sshFixture) parse(t *testing.T, inv string, env func(string) (string, bool)) (*Inventory, error) {
	t.Helper()
	path := filepath.Join(f.dir, "inventory.yaml")
	if err := os.WriteFile(path, []byte(inv), 0o600); err != nil {
		t.Fatal(err)
	}
	return Load(path, testPlatforms, env)
}

const sshConfigFile = `# a network team's ~/.ssh/config
Host bastion
    HostName 203.0.113.5
    User jumper
    Port 2200
    IdentityFile ~/.ssh/jump_key

Host sw-*
    HostName %h.net.example.com
    User netadmin
    Port 2022
    ProxyJump bastion
    IdentityFile ~/.ssh/net_key
    IdentityFile ~/.ssh/missing_key
    IdentitiesOnly yes
    KexAlgorithms +diffie-hellman-group14-sha1,sntrup761x25519-sha512@openssh.com
    HostKeyAlgorithms ^ssh-rsa
    Ciphers -*-cbc

Host old-*
    ProxyCommand ssh -W %h:%p -q -l ops -p 2222 gw.example.net
    PubkeyAuthentication no

Match host agentless
    IdentityAgent none

Host *
    User fallback
`

func TestSSHConfigApplies(t *testing.T) {
	f := newSSHFixture(t, sshConfigFile)
	inv, err := f.parse(t, `
defaults: {password_env: TRUSTFIX_PASSWORD}
devices:
  - {name: a, host: sw-a1}
  - {name: b, host: sw-b1, port: 22, username: explicit, jump_host: ops@other:2022}
  - {name: c, host: old-c1}
  - {name: d, host: agentless}
  - {name: e, host: plain, identity_file: ~/.ssh/id_rsa}
`, f.env("SSH_AUTH_SOCK", "/run/agent.sock"))
	if err != nil {
		t.Fatal(err)
	}
	d := byName(t, inv)
	ssh := filepath.Join(f.home, ".ssh")

	a := d["a"]
	if a.Host != "sw-a1.net.example.com" || a.Port != 2022 || a.Username != "netadmin" || a.SSH.Alias != "sw-a1" {
		t.Errorf("a: host %s port %d user %s alias %s", a.Host, a.Port, a.Username, a.SSH.Alias)
	}
	// ProxyJump bastion is resolved through the same file.
	if a.JumpHost != "jumper@203.0.113.5:2200" || !slices.Equal(a.SSH.JumpIdentityFiles, []string{filepath.Join(ssh, "jump_key")}) {
		t.Errorf("a: jump %q keys %v", a.JumpHost, a.SSH.JumpIdentityFiles)
	}
	// A missing IdentityFile is skipped, as OpenSSH does.
	if !slices.Equal(a.SSH.IdentityFiles, []string{filepath.Join(ssh, "net_key")}) || !a.SSH.IdentitiesOnly || a.SSH.Agent != "/run/agent.sock" {
		t.Errorf("a: keys %v only %v agent %q", a.SSH.IdentityFiles, a.SSH.IdentitiesOnly, a.SSH.Agent)
	}
	if !slices.Contains(a.SSH.KexAlgorithms, "diffie-hellman-group14-sha1") || a.SSH.HostKeyAlgorithms[0] != "ssh-rsa" ||
		slices.ContainsFunc(a.SSH.Ciphers, func(c string) bool { return strings.HasSuffix(c, "-cbc") }) {
		t.Errorf("a: kex %v hostkeys %v ciphers %v", a.SSH.KexAlgorithms, a.SSH.HostKeyAlgorithms, a.SSH.Ciphers)
	}
	if !strings.Contains(strings.Join(inv.Warnings, "\n"), "KexAlgorithms: not implemented by trustfix's SSH, left out: sntrup761x25519-sha512@openssh.com") {
		t.Errorf("warnings %q", inv.Warnings)
	}

	// What the inventory sets wins: port, username, jump_host. HostName still applies.
	b := d["b"]
	if b.Host != "sw-b1.net.example.com" || b.Port != 22 || b.Username != "explicit" || b.JumpHost != "ops@other:2022" {
		t.Errorf("b: %s:%d user %s jump %s", b.Host, b.Port, b.Username, b.JumpHost)
	}
	c := d["c"]
	if c.JumpHost != "ops@gw.example.net:2222" || !c.SSH.NoPubkey || c.SSH.CanUseKeys() || c.Username != "fallback" {
		t.Errorf("c: jump %q nopubkey %v user %s", c.JumpHost, c.SSH.NoPubkey, c.Username)
	}
	// No IdentityFile anywhere: OpenSSH's default keys that exist.
	if dd := d["d"]; dd.SSH.Agent != "" || !slices.Equal(dd.SSH.IdentityFiles, []string{filepath.Join(ssh, "id_ed25519"), filepath.Join(ssh, "id_rsa")}) {
		t.Errorf("d: agent %q keys %v", dd.SSH.Agent, dd.SSH.IdentityFiles)
	}
	if e := d["e"]; !slices.Equal(e.SSH.IdentityFiles, []string{filepath.Join(ssh, "id_rsa")}) || e.Username != "fallback" {
		t.Errorf("e: keys %v user %s", e.SSH.IdentityFiles, e.Username)
	}
}

func TestKeysMakeThePasswordOptional(t *testing.T) {
	f := newSSHFixture(t, "Host *\n  User netops\n")
	const inv = "devices:\n  - {name: a, host: 192.0.2.1}\n"
	// No password variable, but the agent or a key can log in.
	for _, env := range []func(string) (string, bool){
		f.env("SSH_AUTH_SOCK", "/run/agent.sock"),
		f.env(), // the default key ~/.ssh/id_ed25519
	} {
		got, err := f.parse(t, inv, env)
		if err != nil {
			t.Fatal(err)
		}
		if dev := got.Devices[0]; !dev.Password.IsZero() || dev.Username != "netops" {
			t.Errorf("password %v user %s", !dev.Password.IsZero(), dev.Username)
		}
	}
	// Nothing to log in with: the error says every way.
	_, err := f.parse(t, "devices:\n  - {name: a, host: 192.0.2.1, username: u, ssh_config: none, identity_file: ~/.ssh/none}\n", f.env())
	if err == nil || !strings.Contains(err.Error(), ":2: devices[0].identity_file: "+f.home+"/.ssh/none: no such file or directory") {
		t.Errorf("got %v", err)
	}
	_, err = f.parse(t, "defaults: {ssh_config: none}\ndevices:\n  - {name: a, host: 192.0.2.1, username: u}\n", func(k string) (string, bool) { return "", false })
	if err == nil || !strings.Contains(err.Error(), "devices[0].password_env: missing (set password_env, or password, in the device, a group or defaults; or log in with a key") {
		t.Errorf("got %v", err)
	}
}

func TestBadSSHConfig(t *testing.T) {
	for name, tt := range map[string]struct{ config, want string }{
		"match exec":   {"Host *\n  User x\nMatch exec \"true\"\n  Port 2\n", "config:3: Match Exec is not supported"},
		"bad port":     {"Host a\n  Port ssh\n", `Host a: Port "ssh": want 1-65535`},
		"chained jump": {"Host a\n  ProxyJump j1,j2\n", `Host a: ProxyJump "j1,j2" chains jump hosts; trustfix goes through one`},
		"nc proxy":     {"Host a\n  ProxyCommand nc -x proxy %h %p\n", `Host a: ProxyCommand "nc -x proxy %h %p" is not supported`},
		"no kex":       {"Host a\n  KexAlgorithms curve448-sha512\n", `Host a: KexAlgorithms "curve448-sha512" leaves no algorithm trustfix's SSH implements`},
		"bad token":    {"Host a\n  HostName %z.example\n", `Host a: HostName: "%z.example": unknown token %z`},
	} {
		t.Run(name, func(t *testing.T) {
			f := newSSHFixture(t, "")
			cfg := filepath.Join(f.dir, "config")
			if err := os.WriteFile(cfg, []byte(tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := f.parse(t, "defaults:\n  username: u\n  password_env: TRUSTFIX_PASSWORD\n  ssh_config: config\ndevices:\n  - {name: a, host: a}\n", f.env())
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "inventory.yaml:4: defaults.ssh_config: ") {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
	f := newSSHFixture(t, "")
	_, err := f.parse(t, "defaults: {username: u, password_env: TRUSTFIX_PASSWORD, ssh_config: nope}\ndevices:\n  - {name: a, host: a}\n", f.env())
	if err == nil || !strings.HasSuffix(err.Error(), "nope: no such file") {
		t.Errorf("missing ssh_config: %v", err)
	}
}
