package ansible_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/inventory/ansible"
	"github.com/trustfix/trustfix/pkg/platform/registry"
)

const fixtures = "../../../testdata/inventory/ansible"

func env(k string) (string, bool) {
	if k == "TRUSTFIX_PASSWORD" {
		return "s3cret", true
	}
	return "", false
}

// resolved is every device of a Doc as the trustfix merge sees it:
// defaults, then its groups in order, then its own fields.
func resolved(doc *inventory.Doc) map[string]map[string]string {
	groups := map[string]inventory.Level{}
	for _, g := range doc.Groups {
		groups[g.Name] = g
	}
	out := map[string]map[string]string{}
	for _, d := range doc.Devices {
		m := map[string]string{}
		chain := []inventory.Level{doc.Defaults}
		for _, g := range d.Groups {
			chain = append(chain, groups[g])
		}
		for _, l := range append(chain, d.Level) {
			for _, f := range l.Fields {
				m[f.Key] = f.Value.Node.Value
			}
		}
		// A group's limit does not survive --list, which copies group
		// variables onto hosts (--list --export keeps it; see formats tests).
		delete(m, "max_sessions")
		m["groups"] = strings.Join(slices.Sorted(slices.Values(d.Groups)), ",")
		out[d.Name] = m
	}
	return out
}

// TestSourceAndListJSONAgree: an inventory and the JSON ansible-inventory
// prints for it resolve to the same trustfix fields for every device.
// The JSON has every variable flattened onto its host; the source has
// them spread over groups, group_vars/ and host_vars/, so this checks the
// layout of groups and the values pinned on devices against Ansible.
func TestSourceAndListJSONAgree(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtures, "sources.txt"))
	if err != nil {
		t.Fatal(err)
	}
	devices := 0
	for _, src := range strings.Fields(string(data)) {
		t.Run(src, func(t *testing.T) {
			a, err := ansible.Load(filepath.Join(fixtures, src), registry.MustDefault())
			if err != nil {
				t.Fatal(err)
			}
			b, err := ansible.Load(filepath.Join(fixtures, src+".list.json"), registry.MustDefault())
			if err != nil {
				t.Fatal(err)
			}
			ra, rb := resolved(a), resolved(b)
			if len(ra) != len(rb) {
				t.Errorf("%d devices from the source, %d from its --list JSON", len(ra), len(rb))
			}
			for name, fa := range ra {
				fb := rb[name]
				for k := range fb {
					if _, ok := fa[k]; !ok {
						fa[k] = ""
					}
				}
				for k, v := range fa {
					if fb[k] != v {
						t.Errorf("%s.%s: source %q, --list JSON %q", name, k, v, fb[k])
					}
				}
			}
			devices += len(ra)
		})
	}
	if devices < 10 {
		t.Errorf("only %d trustfix devices in all fixtures: the comparison proves little", devices)
	}
}

func TestPrecedenceDirectory(t *testing.T) {
	doc, err := ansible.Load(filepath.Join(fixtures, "precedence"), registry.MustDefault())
	if err != nil {
		t.Fatal(err)
	}
	if doc.Kind != inventory.KindAnsibleDir {
		t.Errorf("kind %s", doc.Kind)
	}
	inv, err := inventory.FromDoc(doc, registry.MustDefault(), env)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]inventory.Device{}
	var names []string
	for _, d := range inv.Devices {
		by[d.Name] = d
		names = append(names, d.Name)
	}
	// Inventory order: the INI file first (host1.. in file order), then the
	// YAML file; n9k-1 (NX-OS) is left out.
	wantNames := []string{"host1", "host2", "sw01.atl.example.net", "sw02.atl.example.net", "sw03.atl.example.net", "host3", "host4", "fw-a", "fw-b", "xr-1"}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("devices %v\nwant    %v", names, wantNames)
	}
	type want struct {
		host, platform, user, jump, method string
		port, retries                      int
		timeout                            time.Duration
	}
	for name, w := range map[string]want{
		// group_vars/all.yml's retries (1) beats [atlanta:vars] (4): Ansible
		// ranks inventory-file group variables below group_vars/all.
		"host1":                {"host1", "auto", "inventory_user", "", "terminal", 2022, 1, 90 * time.Second},
		"host2":                {"192.0.2.2", "auto", "inventory_user", "jump@bastion.example.net:2200", "terminal", 2022, 1, 90 * time.Second},
		"sw02.atl.example.net": {"sw02.atl.example.net", "auto", "inventory_user", "", "terminal", 3022, 1, 90 * time.Second},
		"host3":                {"host3", "iosxr", "inventory_user", "jump@bastion.example.net:2200", "auto", 2222, 1, 2 * time.Minute},
		"fw-a":                 {"fw-a", "asa", "inventory_user", "ops@bastion2.example.net:2222", "auto", 22, 1, 2 * time.Minute},
		"xr-1":                 {"2001:db8::1", "iosxr", "inventory_user", "", "auto", 22, 1, 2 * time.Minute},
	} {
		d := by[name]
		got := want{d.Host, d.Platform, d.Username, d.JumpHost, d.ImportMethod, d.Port, d.Retries, d.Timeout}
		if got != w {
			t.Errorf("%s:\n got  %+v\n want %+v", name, got, w)
		}
		if d.Password.Reveal() != "s3cret" || d.PasswordEnv != "TRUSTFIX_PASSWORD" {
			t.Errorf("%s: password from %q", name, d.PasswordEnv)
		}
	}
	if inv.GroupLimits["asa"] != 2 {
		t.Errorf("group limits %v", inv.GroupLimits)
	}
	if g := by["host2"].Groups; !slices.Equal(g, []string{"usa", "southeast", "atlanta", "raleigh"}) {
		t.Errorf("host2 groups (merge order) %v", g)
	}
	if g := by["host4"].Groups; !slices.Equal(g, []string{"b_group", "a_group"}) {
		t.Errorf("host4 groups %v: ansible_group_priority 10 puts a_group last", g)
	}
	// --limit by a parent group selects its child groups' hosts.
	sel, err := inv.Limit("southeast,!host3")
	if err != nil || len(sel) != 5 {
		t.Errorf("limit southeast: %d devices, %v", len(sel), err)
	}
	all := strings.Join(inv.Warnings, "\n")
	for _, w := range []string{
		"skipped.ini: skipped: in an inventory directory Ansible ignores .ini files",
		"02-more.yml:15: xr-1.ansible_become_password: ignored: trustfix never reads passwords from an inventory; set trustfix_enable_password_env",
		"precedence: left out 1 host(s) with ansible_network_os cisco.nxos.nxos, not a platform trustfix fixes: n9k-1",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
	if strings.Contains(all, "not-a-real-secret") {
		t.Error("a warning shows the ignored password's value")
	}
}

// TestBadAnsibleInventories: every problem is one line naming the file,
// the line and the variable, matching inventory.ErrInvalid.
func TestBadAnsibleInventories(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const head = "[all:vars]\ntrustfix_password_env=TRUSTFIX_PASSWORD\nansible_network_os=ios\nansible_user=netops\n"
	for _, tt := range []struct {
		name, file, body, want string
	}{
		{"jinja host", "jinja.ini", head + "[sw]\nsw1 ansible_host=\"{{ inventory_hostname }}.example.net\"\n",
			`jinja.ini:6: sw1.ansible_host: a Jinja expression "{{ inventory_hostname }}.example.net" (trustfix does not evaluate templates); set trustfix_host to a plain value`},
		{"jinja overridden", "jinja-ok.ini", head + "[sw]\nsw1 ansible_host=\"{{ x }}\" trustfix_host=192.0.2.1 trustfix_import_method=scp\n",
			`jinja-ok.ini:6: sw1.trustfix_import_method: unknown "scp" (want auto|url|file|terminal)`},
		{"jinja network os", "jinja-os.ini", "[sw]\nsw1 trustfix_password_env=P ansible_user=netops ansible_network_os=\"{{ os }}\"\n",
			`jinja-os.ini:2: sw1.ansible_network_os: a Jinja expression "{{ os }}" (trustfix does not evaluate templates); set trustfix_platform to auto, iosxr or asa`},
		{"unknown field", "typo.ini", head + "[sw]\nsw1\n[sw:vars]\ntrustfix_import_methd=terminal\n",
			`typo.ini:8: sw.trustfix_import_methd: unknown field (did you mean "trustfix_import_method"?)`},
		{"bad port", "port.yml", "all:\n  vars:\n    trustfix_password_env: P\n    ansible_user: netops\n    ansible_network_os: cisco.iosxr.iosxr\n  hosts:\n    xr1:\n      ansible_port: http\n",
			`port.yml:8: xr1.ansible_port: invalid "http" (want a number from 1 to 65535)`},
		{"password in trustfix var", "pw.ini", head + "[sw]\nsw1 trustfix_password=hunter2\n",
			`pw.ini:6: sw1.trustfix_password: passwords are never read from an inventory: set trustfix_password_env to the name of an environment variable that holds it`},
		{"proxy command", "proxy.ini", head + "[sw]\nsw1 ansible_ssh_common_args='-o ProxyCommand=\"nc -X 5 -x proxy:1080 %h %p\"'\n",
			`proxy.ini:6: sw1.ansible_ssh_common_args: ProxyCommand "nc -X 5 -x proxy:1080 %h %p" is not supported (trustfix understands`},
		{"chained jump", "chain.ini", head + "[sw]\nsw1 ansible_ssh_common_args='-J a@b,c@d'\n",
			`chain.ini:6: sw1.ansible_ssh_common_args: ProxyJump "a@b,c@d" chains jump hosts; trustfix goes through one; set trustfix_jump_host`},
		{"undefined child", "child.ini", head + "[core:children]\nmissing\n",
			`child.ini:6: section [core:children] names a group defined nowhere: missing`},
		{"unknown section", "section.ini", head + "[sw:hostz]\nsw1\n",
			`section.ini:5: section [sw:hostz] has unknown type: hostz (want hosts, children or vars)`},
		{"vars without =", "vars.ini", head + "[sw]\nsw1\n[sw:vars]\nansible_user admin\n",
			`vars.ini:8: expected key=value, got "ansible_user admin"`},
		{"host var without =", "hostvar.ini", head + "[sw]\nsw1 ansible_user\n",
			`hostvar.ini:6: expected key=value host variable assignment, got "ansible_user"`},
		{"unclosed quote", "quote.ini", head + "[sw]\nsw1 ansible_user='admin\n",
			`quote.ini:6: cannot read host line "sw1 ansible_user='admin": no closing quotation`},
		{"bad range", "range.ini", head + "[sw]\nsw[01:1]\n",
			`range.ini:6: host range in "sw[01:1]" must specify equal-length begin and end formats`},
		{"loop", "loop.yml", "a:\n  children:\n    b:\n      children:\n        a:\n",
			`loop.yml:3: adding group "b" as child to "a" creates a recursive dependency loop`},
		{"plugin", "netbox.yml", "plugin: netbox.netbox.nb_inventory\napi_endpoint: http://netbox\n",
			`netbox.yml:1: an inventory plugin configuration (plugin: netbox.netbox.nb_inventory): trustfix does not run inventory plugins`},
		{"script", "inventory.py", "#!/usr/bin/env python3\nprint('{}')\n",
			`inventory.py:1: an executable inventory script: trustfix does not run it`},
		{"yaml error", "broken.yml", "all:\n  hosts:\n    sw1: {ansible_host: 1\n",
			`broken.yml:3: yaml: did not find expected ',' or '}'`},
		{"no password variable", "nopw.ini", "[sw]\nsw1 ansible_network_os=ios ansible_user=netops\n",
			`nopw.ini:2: sw1.trustfix_password_env: missing (set trustfix_password_env as a variable of the host, one of its groups or all, e.g. in group_vars/all.yml)`},
		{"only other vendors", "junos.ini", head + "[mx]\nmx1 ansible_network_os=junipernetworks.junos.junos\n",
			`junos.ini: no devices (the inventory lists no host trustfix can use); left out 1 host(s) with ansible_network_os junipernetworks.junos.junos, not a platform trustfix fixes: mx1`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := write(tt.file, tt.body)
			doc, err := ansible.Load(path, registry.MustDefault())
			if err == nil {
				_, err = inventory.FromDoc(doc, registry.MustDefault(), passwordsOnly)
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.TrimPrefix(err.Error(), dir+string(filepath.Separator))
			if !strings.HasPrefix(msg, tt.want) || strings.ContainsAny(msg, "\n\r") {
				t.Errorf("got  %s\nwant %s", msg, tt.want)
			}
			if !errors.Is(err, inventory.ErrInvalid) {
				t.Errorf("not ErrInvalid: %v", err)
			}
			if strings.Contains(msg, "hunter2") {
				t.Errorf("the error shows a password: %s", msg)
			}
		})
	}
}

// TestDocExampleWithUndefinedGroups: the INI example of "Inheriting
// variable values" in Ansible's inventory guide names child groups it never
// defines; ansible-core 2.14 refuses it ("Section [usa:children] includes
// undefined group: northeast" at line 21), and so does trustfix.
func TestDocExampleWithUndefinedGroups(t *testing.T) {
	_, err := ansible.Load(filepath.Join(fixtures, "docs/intro-subgroups.ini"), registry.MustDefault())
	if err == nil || !strings.HasSuffix(err.Error(), "intro-subgroups.ini:21: section [usa:children] names a group defined nowhere: northeast") {
		t.Errorf("got %v", err)
	}
}

func TestVaultedFilesAreNotRead(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"hosts":                    "[ios]\nsw1 ansible_host=192.0.2.1\n",
		"group_vars/ios/main.yml":  "ansible_network_os: cisco.ios.ios\ntrustfix_password_env: TRUSTFIX_PASSWORD\nansible_user: netops\n",
		"group_vars/ios/vault.yml": "$ANSIBLE_VAULT;1.1;AES256\n6162636465\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := ansible.Load(filepath.Join(dir, "hosts"), registry.MustDefault())
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.FromDoc(doc, registry.MustDefault(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Devices) != 1 || inv.Devices[0].Username != "netops" {
		t.Fatalf("devices %+v", inv.Devices)
	}
	if w := strings.Join(inv.Warnings, "\n"); !strings.Contains(w, "vault.yml: ios: encrypted with ansible-vault: not read") {
		t.Errorf("warnings: %s", w)
	}
}

// passwordsOnly says every password variable is set, and nothing else
// (no HOME, no SSH_AUTH_SOCK: no ssh_config, no agent).
func passwordsOnly(k string) (string, bool) {
	if k == "HOME" || k == "USER" || k == "SSH_AUTH_SOCK" {
		return "", false
	}
	return "x", true
}
