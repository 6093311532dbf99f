package formats

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform/registry"
)

// TestAllowNonPersistentEveryFormat: allow_non_persistent is a field of
// the table every front-end reads, so it is set at any level of a trustfix
// file (defaults, group, device), as trustfix_allow_non_persistent in an
// Ansible inventory (INI and YAML, host and group variables) and as
// data.trustfix_allow_non_persistent in a Nornir SimpleInventory.
func TestAllowNonPersistentEveryFormat(t *testing.T) {
	env := func(string) (string, bool) { return "pw", true }
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sources := map[string]string{
		"trustfix": write("trustfix.yaml", `defaults: {username: netops, password_env: PW, platform: iosxr}
groups:
  lab: {allow_non_persistent: true}
devices:
  - {name: by-group, host: 192.0.2.1, groups: [lab]}
  - {name: by-device, host: 192.0.2.2, allow_non_persistent: yes}
  - {name: refused, host: 192.0.2.3, groups: [lab], allow_non_persistent: false}
  - {name: unset, host: 192.0.2.4}
`),
		"ansible-ini": write("hosts.ini", `[lab]
by-group ansible_host=192.0.2.1
[lab:vars]
trustfix_allow_non_persistent=true
[core]
by-device ansible_host=192.0.2.2 trustfix_allow_non_persistent=true
unset ansible_host=192.0.2.4
[all:vars]
ansible_network_os=cisco.iosxr.iosxr
ansible_user=netops
trustfix_password_env=PW
`),
		"ansible-yaml": write("hosts.yml", `all:
  vars: {ansible_network_os: cisco.iosxr.iosxr, ansible_user: netops, trustfix_password_env: PW}
  children:
    lab:
      vars: {trustfix_allow_non_persistent: true}
      hosts:
        by-group: {ansible_host: 192.0.2.1}
    core:
      hosts:
        by-device: {ansible_host: 192.0.2.2, trustfix_allow_non_persistent: true}
        unset: {ansible_host: 192.0.2.4}
`),
		"nornir": write("nornir/hosts.yaml", `by-group: {hostname: 192.0.2.1, platform: iosxr, username: netops, groups: [lab], data: {trustfix_password_env: PW}}
by-device: {hostname: 192.0.2.2, platform: iosxr, username: netops, data: {trustfix_password_env: PW, trustfix_allow_non_persistent: true}}
unset: {hostname: 192.0.2.4, platform: iosxr, username: netops, data: {trustfix_password_env: PW}}
`),
	}
	write("nornir/groups.yaml", "lab: {data: {trustfix_allow_non_persistent: true}}\n")
	for kind, path := range sources {
		inv, _, err := Load(path, nil, registry.MustDefault(), env)
		if err != nil {
			t.Errorf("%s: %v", kind, err)
			continue
		}
		got := map[string]bool{}
		for _, d := range inv.Devices {
			got[d.Name] = d.AllowNonPersistent
		}
		want := map[string]bool{"by-group": true, "by-device": true, "unset": false}
		if kind == "trustfix" {
			want["refused"] = false
		}
		for n, w := range want {
			if v, ok := got[n]; !ok || v != w {
				t.Errorf("%s: %s allow_non_persistent %v (listed %v), want %v", kind, n, v, ok, w)
			}
		}
	}
}

// TestCredentialNamesItsSources: the credential circuit breaker groups
// devices by Credential and tells the operator what to check.
func TestCredentialNamesItsSources(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inv.yaml")
	if err := os.WriteFile(path, []byte(`defaults: {username: netops, password_env: TRUSTFIX_PASSWORD, enable_password_env: TRUSTFIX_ENABLE_PASSWORD, ssh_config: none}
devices:
  - {name: a, host: 192.0.2.1}
  - {name: b, host: 192.0.2.2}
  - name: c
    host: 192.0.2.3
    password: plain-secret
`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(k string) (string, bool) { // the passwords, and no ssh-agent
		if strings.HasPrefix(k, "TRUSTFIX_") {
			return "pw", true
		}
		return "", false
	}
	inv, _, err := Load(path, nil, registry.MustDefault(), env)
	if err != nil {
		t.Fatal(err)
	}
	d := map[string]inventory.Device{}
	for _, x := range inv.Devices {
		d[x.Name] = x
	}
	if d["a"].Credential() != d["b"].Credential() || d["a"].Credential() == d["c"].Credential() {
		t.Errorf("a %q, b %q, c %q: want a and b one credential, c another", d["a"].Credential(), d["b"].Credential(), d["c"].Credential())
	}
	if want := "netops (password from $TRUSTFIX_PASSWORD; enable password from $TRUSTFIX_ENABLE_PASSWORD)"; d["a"].Credential() != want {
		t.Errorf("credential %q, want %q", d["a"].Credential(), want)
	}
	if c := d["c"].CredentialCheck(); !strings.Contains(c, "the password at "+path+":7") || strings.Contains(d["c"].Credential(), "plain-secret") {
		t.Errorf("check %q, credential %q: want the file and line, never the password", c, d["c"].Credential())
	}
}
