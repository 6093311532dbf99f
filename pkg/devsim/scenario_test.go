package devsim

import (
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestExpandNamesCopies(t *testing.T) {
	sc := DefaultScenario()
	n := len(sc.Devices)
	if got := sc.Expand(0); len(got) != n || got[0].Name != sc.Devices[0].Name {
		t.Fatalf("Expand(0) must keep the scenario: %d devices", len(got))
	}
	got := sc.Expand(n + 2)
	if len(got) != n+2 || got[n].Name != "ie3400-dock-01-2" || got[n].Hostname != "ie3400-dock-01-2" || got[n+1].Name != "c9300-core-01-2" {
		t.Fatalf("copies: %q %q", got[n].Name, got[n+1].Name)
	}
	if got := sc.Expand(2*n + 1); got[2*n].Name != "ie3400-dock-01-3" {
		t.Fatalf("third round: %q", got[2*n].Name)
	}
	// A copy is a working device under its own name and prompt.
	l, err := Start(sc, Options{Devices: n + 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	d := l.Device("ie3400-dock-01-2")
	if d == nil {
		t.Fatal("the copy is not served")
	}
	dial(t, d).expect("\nie3400-dock-01-2>")
}

func TestParseScenarioRejects(t *testing.T) {
	dev := func(extra string) string {
		return "defaults: {username: u, password: p}\ndevices:\n  - {name: a, platform: iosxe, version: 17.3.4" + extra + "}\n"
	}
	cases := []struct{ name, yaml, want string }{
		{"unknown key", dev(", colour: red"), "field colour not found"},
		{"unknown fault", dev(", faults: {flaky: true}"), "field flaky not found"},
		{"duplicate name", dev("") + "  - {name: a, platform: asa, version: 9.8(4)}\n", `devices[1]: duplicate name "a"`},
		{"unknown platform", strings.Replace(dev(""), "iosxe", "nxos", 1), `devices[0].platform: unknown "nxos"`},
		{"missing version", strings.Replace(dev(""), ", version: 17.3.4", "", 1), "devices[0].version: missing"},
		{"missing name", strings.Replace(dev(""), "name: a, ", "", 1), "devices[0]: missing name"},
		{"no devices", "defaults: {username: u}\n", "no devices"},
		{"bad latency", dev(", faults: {latency: soon}"), "line 3"},
		{"controller mode off IOS XE", strings.Replace(dev(", faults: {controller_mode: true}"), "iosxe", "iosxr", 1), "devices[0].faults.controller_mode: only an IOS XE router"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScenario("lab.yaml", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "lab.yaml: ") {
				t.Fatalf("want an error naming the file and %q, got %v", tc.want, err)
			}
		})
	}
	if _, err := ParseScenario("ok.yaml", []byte(dev(", faults: {latency: 5ms}"))); err != nil {
		t.Fatal(err)
	}
}

// The generated inventory lists every served device at its port and the
// inventory-only appliances with their version.
func TestInventoryListsTheLab(t *testing.T) {
	l := startLab(t, DefaultScenario())
	raw := l.Inventory(InventoryOptions{KnownHosts: "lab-known_hosts"})
	var inv struct {
		Defaults map[string]string `yaml:"defaults"`
		Devices  []struct {
			Name, Host, Platform, Version string
			Port                          int
			Legacy                        bool `yaml:"legacy_algorithms"`
		} `yaml:"devices"`
	}
	if err := yaml.Unmarshal(raw, &inv); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	if inv.Defaults["password_env"] != PasswordEnv || inv.Defaults["known_hosts"] != "lab-known_hosts" || strings.Contains(string(raw), labPass) {
		t.Fatalf("defaults: %v", inv.Defaults)
	}
	if len(inv.Devices) != len(l.Devices())+len(l.Offline()) || len(l.Offline()) != 3 {
		t.Fatalf("%d entries for %d served + %d offline", len(inv.Devices), len(l.Devices()), len(l.Offline()))
	}
	for i, d := range l.Devices() {
		e := inv.Devices[i]
		if e.Name != d.Name() || e.Host != "127.0.0.1" || e.Port != d.Port() || e.Legacy != d.Spec().LegacySSH {
			t.Errorf("entry %d: %+v for %s", i, e, d)
		}
	}
	for i, sp := range l.Offline() {
		e := inv.Devices[len(l.Devices())+i]
		if e.Name != sp.Name || e.Platform != sp.Platform || e.Version != sp.Version || e.Port != 0 || e.Host != fmt.Sprintf("192.0.2.%d", 10+i) {
			t.Errorf("offline entry: %+v", e)
		}
	}
	if !strings.Contains(string(raw), "  - name: c8kv-wan-01\n    host: 127.0.0.1\n") || !strings.Contains(string(raw), "    platform: auto\n") {
		t.Fatalf("inventory:\n%s", raw)
	}
}
