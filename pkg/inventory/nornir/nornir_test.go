package nornir

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform/registry"
)

const fixtures = "../../../testdata/inventory/nornir"

func lookupOf(t *testing.T, in *inv, host string) lookup {
	t.Helper()
	for _, h := range in.hosts {
		if h.name == host {
			return append(append(lookup{h}, in.ancestors(h)...), in.defaults)
		}
	}
	t.Fatalf("no host %s", host)
	return nil
}

func str(v value, ok bool) string {
	if !ok {
		return "<unset>"
	}
	return v.node.Value
}

// TestNornirsOwnExpectations runs trustfix's lookup over Nornir's test
// inventory and checks the values nornir's tests/core/test_inventory.py
// asserts for it.
func TestNornirsOwnExpectations(t *testing.T) {
	in, _, err := load(filepath.Join(fixtures, "nornir-tests"))
	if err != nil {
		t.Fatal(err)
	}
	// test_parent_groups_extended
	for host, want := range map[string][]string{
		"dev1.group_1": {"group_1", "parent_group"}, "dev3.group_2": {"group_2"},
		"dev5.no_group": nil, "dev6.group_3": {"group_3", "dummy_group", "parent_group"},
	} {
		var got []string
		for _, e := range lookupOf(t, in, host)[1:] {
			if e != in.defaults {
				got = append(got, e.name)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s extended groups %v, want %v", host, got, want)
		}
	}
	// test_var_resolution
	for host, want := range map[string]string{
		"dev1.group_1": "comes_from_dev1.group_1", "dev2.group_1": "comes_from_group_1",
		"dev3.group_2": "comes_from_defaults", "dev4.group_2": "comes_from_dev4.group_2",
		"dev5.no_group": "comes_from_defaults", "dev6.group_3": "comes_from_parent_group",
	} {
		if got := str(lookupOf(t, in, host).data("my_var")); got != want {
			t.Errorf("%s my_var %q, want %q", host, got, want)
		}
	}
	// test_attributes_resolution
	for host, want := range map[string]string{
		"dev1.group_1": "a_password", "dev2.group_1": "from_group1", "dev3.group_2": "docker",
		"dev4.group_2": "from_parent_group", "dev5.no_group": "docker", "dev6.group_3": "from_parent_group",
	} {
		if got := str(lookupOf(t, in, host).attr("password")); got != want {
			t.Errorf("%s password %q, want %q", host, got, want)
		}
	}
	// test_get_connection_parameters
	for _, c := range []struct {
		host, conn                                 string
		port, hostname, username, pw, platform, ex string
	}{
		{"dev1.group_1", "dummy", "65020", "dummy_from_host", "root", "a_password", "eos", "from_host"},
		{"dev1.group_1", "asd", "65020", "localhost", "root", "a_password", "eos", "<unset>"},
		{"dev2.group_1", "dummy", "65021", "dummy_from_parent_group", "root", "from_group1", "junos", "from_group"},
		{"dev3.group_2", "dummy", "65022", "dummy_from_defaults", "root", "docker", "linux", "from_defaults"},
	} {
		l := lookupOf(t, in, c.host)
		got := []string{str(l.effective(c.conn, "port")), str(l.effective(c.conn, "hostname")), str(l.effective(c.conn, "username")),
			str(l.effective(c.conn, "password")), str(l.effective(c.conn, "platform")), str(l.conn(c.conn, "extras.blah"))}
		want := []string{c.port, c.hostname, c.username, c.pw, c.platform, c.ex}
		if !slices.Equal(got, want) {
			t.Errorf("%s %s: %v, want %v", c.host, c.conn, got, want)
		}
	}
}

func env(k string) (string, bool) {
	if k == "TRUSTFIX_PASSWORD" {
		return "s3cret", true
	}
	return "", false
}

func TestCraftedInventory(t *testing.T) {
	doc, err := Load(filepath.Join(fixtures, "crafted"), registry.MustDefault())
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.FromDoc(doc, registry.MustDefault(), env)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		host, platform, user, method, key string
		port, retries                     int
		timeout                           time.Duration
		groups                            string
	}
	got := map[string]want{}
	for _, d := range inv.Devices {
		got[d.Name] = want{d.Host, d.Platform, d.Username, d.ImportMethod, filepath.Base(d.IdentityFile), d.Port, d.Retries, d.Timeout, strings.Join(d.Groups, ",")}
	}
	expect := map[string]want{
		// ios_routers is listed first, so its username wins; the port comes
		// from region's netmiko options; retries from site_a before region.
		"rtr-1": {"192.0.2.11", "auto", "router_user", "terminal", ".", 2222, 1, 90 * time.Second, "region,site_a,ios_routers"},
		// site_a first: its username; the host's own netmiko port beats its port.
		"rtr-2": {"192.0.2.12", "auto", "site_a_user", "auto", ".", 8022, 1, 90 * time.Second, "ios_routers,region,site_a"},
		"xr-1":  {"192.0.2.21", "iosxr", "default_user", "auto", ".", 2222, 5, 90 * time.Second, "region,site_b"},
		// scrapli options (preferred over netmiko's): platform and key.
		"asa-1": {"fw.example.net", "asa", "default_user", "auto", "asa_key", 22, 5, 90 * time.Second, "region,site_b"},
	}
	if len(got) != len(expect) {
		t.Errorf("devices %v", got)
	}
	for name, w := range expect {
		if got[name] != w {
			t.Errorf("%s:\n got  %+v\n want %+v", name, got[name], w)
		}
	}
	warnings := strings.Join(inv.Warnings, "\n")
	for _, w := range []string{
		"hosts.yaml:20: xr-1.password: ignored: trustfix never reads passwords from an inventory; set data.trustfix_password_env",
		"hosts.yaml:29: asa-1.connection_options.scrapli.extras.auth_secondary: ignored: trustfix never reads passwords from an inventory; set data.trustfix_enable_password_env",
		"left out 1 host(s) with platform nxos, not a platform trustfix fixes: nxos-1",
	} {
		if !strings.Contains(warnings, w) {
			t.Errorf("warnings lack %q:\n%s", w, warnings)
		}
	}
	if strings.Contains(warnings, "not-a-real") {
		t.Error("a warning shows a password")
	}
}

func TestPublishedInventories(t *testing.T) {
	// Nornir config.yaml naming the inventory files.
	doc, err := Load(filepath.Join(fixtures, "snmp-validation/config.yaml"), registry.MustDefault())
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.FromDoc(doc, registry.MustDefault(), passwordsOnly)
	if err == nil || !strings.Contains(err.Error(), "inventory/hosts.yaml:2: NY-SW-01.data.trustfix_password_env: missing (set data.trustfix_password_env in the data of the host, a group or defaults)") {
		// platform ios in defaults; the password there is ignored: no password_env yet.
		t.Fatalf("got %v, %v", inv, err)
	}
	var names []string
	for _, d := range doc.Devices {
		names = append(names, d.Name)
	}
	if !slices.Equal(names, []string{"NY-SW-01", "NE-RTR-01", "OR-SW-01"}) {
		t.Errorf("devices %v", names)
	}
	// The tutorial's hosts are linux, eos and junos: none is trustfix's.
	doc, err = Load(filepath.Join(fixtures, "tutorial/config.yaml"), registry.MustDefault())
	if err != nil {
		t.Fatal(err)
	}
	_, err = inventory.FromDoc(doc, registry.MustDefault(), env)
	if err == nil || !strings.Contains(err.Error(), "no devices") || !strings.Contains(err.Error(), "with platform eos") || !errors.Is(err, inventory.ErrInvalid) {
		t.Errorf("got %v", err)
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
