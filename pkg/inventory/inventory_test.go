package inventory

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.yaml.in/yaml/v3"

	"github.com/trustfix/trustfix/pkg/platform/registry"
)

// testEnv is an environment with the given variables and nothing else.
// testPlatforms is the real registry: the inventory accepts what trustfix
// supports.
var testPlatforms = func() Platforms {
	r, err := registry.Default()
	if err != nil {
		panic(err)
	}
	return r
}()

func testEnv(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// fullEnv answers every variable with a value derived from its name.
func fullEnv(k string) (string, bool) {
	if k == "HOME" {
		return "/home/op", true
	}
	return "pw-" + k, true
}

func byName(t *testing.T, inv *Inventory) map[string]Device {
	t.Helper()
	m := map[string]Device{}
	for _, d := range inv.Devices {
		m[d.Name] = d
	}
	return m
}

func TestMinimalDefaults(t *testing.T) {
	inv, err := Load("../../testdata/inventory/good/minimal.yaml", testPlatforms, testEnv("TRUSTFIX_PASSWORD", "pw"))
	if err != nil {
		t.Fatal(err)
	}
	want := Device{
		Name: "r1", Host: "192.0.2.1", Port: 22, Platform: "auto", Username: "admin", PasswordEnv: "TRUSTFIX_PASSWORD",
		Timeout: 2 * time.Minute, ImportMethod: "auto", BundleURL: DefaultBundleURL,
		HostKeyPolicy: "accept-new", Retries: 2, Line: 2,
	}
	got := inv.Devices[0]
	if got.Password.Reveal() != "pw" || !got.EnablePassword.IsZero() {
		t.Errorf("passwords: %q, enable zero %v", got.Password.Reveal(), got.EnablePassword.IsZero())
	}
	got.Password = want.Password
	if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if len(inv.Warnings) != 0 || len(inv.GroupLimits) != 0 || inv.CAFile != "" {
		t.Errorf("warnings %v, limits %v, ca %q", inv.Warnings, inv.GroupLimits, inv.CAFile)
	}
	data, _ := os.ReadFile("../../testdata/inventory/good/minimal.yaml")
	sum := sha256.Sum256(data)
	if inv.SHA256 != hex.EncodeToString(sum[:]) || inv.Path != "../../testdata/inventory/good/minimal.yaml" {
		t.Errorf("sha %s path %s", inv.SHA256, inv.Path)
	}
}

func TestPrecedence(t *testing.T) {
	t.Chdir("../../testdata/inventory")
	inv, err := Load("good/precedence.yaml", testPlatforms, fullEnv)
	if err != nil {
		t.Fatal(err)
	}
	d := byName(t, inv)
	if got := len(inv.Devices); got != 6 {
		t.Fatalf("%d devices", got)
	}
	type view struct {
		Port                          int
		Platform, Method, Bundle, HKP string
		Timeout                       time.Duration
		Retries                       int
		Legacy                        bool
		User, Password, Enable        string
	}
	v := func(x Device) view {
		return view{x.Port, x.Platform, x.ImportMethod, x.BundleFile, x.HostKeyPolicy, x.Timeout, x.Retries,
			x.LegacyAlgorithms, x.Username, x.Password.Reveal(), x.EnablePassword.Reveal()}
	}
	pw, en := "pw-TRUSTFIX_PASSWORD", "pw-TRUSTFIX_ENABLE_PASSWORD"
	tests := []struct {
		name string
		want view
	}{
		// defaults only
		{"sw1", view{2222, "auto", "auto", "", "accept-new", 90 * time.Second, 1, false, "netops", pw, en}},
		// group over defaults
		{"sw2", view{2222, "iosxe", "terminal", "", "accept-new", 3 * time.Minute, 1, false, "netops", pw, en}},
		// later group (core) over earlier (campus)
		{"xr1", view{2222, "iosxr", "file", "harddisk:/ios.p7b", "accept-new", 3 * time.Minute, 1, false, "netops", pw, en}},
		// campus listed last wins platform/method; device wins port and timeout
		{"xr2", view{22, "iosxe", "terminal", "harddisk:/ios.p7b", "accept-new", 5 * time.Minute, 1, false, "netops", pw, en}},
		// a group's plain password replaces the default password_env
		{"lab1", view{2222, "iosxe", "terminal", "", "insecure", 3 * time.Minute, 1, true, "netops", "lab-plain-pw", en}},
		// device fields over defaults, including both password kinds
		{"asa1", view{2222, "asa", "auto", "", "accept-new", 90 * time.Second, 1, false, "admin", "pw-ASA_PASSWORD", "asa-plain-enable"}},
	}
	for _, tt := range tests {
		if got := v(d[tt.name]); got != tt.want {
			t.Errorf("%s:\n got  %+v\n want %+v", tt.name, got, tt.want)
		}
	}
	if d["asa1"].BundleURL != "https://pki.example.net/ios_core.p7b" || d["sw1"].BundleURL != DefaultBundleURL {
		t.Errorf("bundle_url: %q %q", d["asa1"].BundleURL, d["sw1"].BundleURL)
	}
	if d["lab1"].JumpHost != "jump@bastion:2022" || d["lab1"].Version != "16.9.4" {
		t.Errorf("lab1: %+v", d["lab1"])
	}
	if !slices.Equal(d["xr2"].Groups, []string{"core", "campus"}) || d["sw1"].Groups != nil {
		t.Errorf("groups: %v %v", d["xr2"].Groups, d["sw1"].Groups)
	}
	if want := filepath.Join("good", "known_hosts"); d["sw1"].KnownHosts != want {
		t.Errorf("known_hosts = %q, want %q (relative to the inventory)", d["sw1"].KnownHosts, want)
	}
	if fmt.Sprint(inv.GroupLimits) != "map[campus:4 core:1]" {
		t.Errorf("group limits: %v", inv.GroupLimits)
	}
	if d["sw1"].Line != 27 || d["asa1"].Line != 36 {
		t.Errorf("lines: %d %d", d["sw1"].Line, d["asa1"].Line)
	}
}

func TestWarnings(t *testing.T) {
	t.Chdir("../../testdata/inventory")
	inv, err := Load("good/precedence.yaml", testPlatforms, fullEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"good/precedence.yaml:22: groups.lab.host_key_policy: insecure: host keys are not checked",
		"good/precedence.yaml:24: groups.lab.password: plain-text password in the inventory; prefer password_env",
		"good/precedence.yaml:41: devices[5].enable_password: plain-text password in the inventory; prefer enable_password_env",
	}
	if !slices.Equal(inv.Warnings, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(inv.Warnings, "\n"), strings.Join(want, "\n"))
	}
	for _, w := range inv.Warnings {
		if strings.Contains(w, "lab-plain-pw") || strings.Contains(w, "asa-plain-enable") {
			t.Errorf("warning shows a password: %s", w)
		}
	}
}

// TestDeviceNeverLeaksPassword proves STYLE convention 13: a Device
// marshals, prints and logs without its passwords.
func TestDuplicateAddressWarns(t *testing.T) {
	in := "defaults: {username: u, password_env: P}\ndevices:\n" +
		"  - {name: a, host: 10.0.0.1}\n" +
		"  - {name: b, host: 10.0.0.1, port: 22}\n" +
		"  - {name: c, host: 10.0.0.1, port: 2222}\n" +
		"  - {name: d, host: 10.0.0.1, jump_host: bastion}\n"
	inv, err := Parse("inv.yaml", []byte(in), testPlatforms, testEnv("P", "x"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`inv.yaml:4: devices[1].host: same host and port as "a" (line 3)`}
	if !slices.Equal(inv.Warnings, want) {
		t.Errorf("warnings %q, want %q", inv.Warnings, want)
	}
}

func TestDeviceNeverLeaksPassword(t *testing.T) {
	const pw, en = "Sup3r-S3cret-login", "Sup3r-S3cret-enable"
	inv, err := Load("../../testdata/inventory/good/precedence.yaml", testPlatforms,
		testEnv("TRUSTFIX_PASSWORD", pw, "TRUSTFIX_ENABLE_PASSWORD", en, "ASA_PASSWORD", pw))
	if err != nil {
		t.Fatal(err)
	}
	d := inv.Devices[0]
	if d.Password.Reveal() != pw || d.EnablePassword.Reveal() != en {
		t.Fatal("fixture did not load the passwords")
	}

	j, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	ji, _ := json.Marshal(inv)
	y, err := yaml.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(&logBuf), zap.DebugLevel)
	zap.New(core).Info("device", zap.Any("device", d), zap.Any("inventory", inv), zap.Stringer("pw", d.Password))

	outs := map[string]string{
		"json": string(j), "json(inventory)": string(ji), "yaml": string(y), "zap": logBuf.String(),
		"%v": fmt.Sprintf("%v", d), "%+v": fmt.Sprintf("%+v", d), "%#v": fmt.Sprintf("%#v", d),
		"%v(ptr)": fmt.Sprintf("%+v", &d), "%+v(inventory)": fmt.Sprintf("%+v", *inv),
	}
	for name, out := range outs {
		if strings.Contains(out, "Sup3r") {
			t.Errorf("%s leaks a password: %s", name, out)
		}
	}
	if !strings.Contains(string(j), `"password":"[redacted]"`) || !strings.Contains(outs["%+v"], "Password:[redacted]") {
		t.Errorf("want [redacted] markers: %s / %s", j, outs["%+v"])
	}
	var back map[string]any
	if err := json.Unmarshal(j, &back); err != nil || back["name"] != "sw1" || back["host_key_policy"] != "accept-new" {
		t.Errorf("json round trip: %v %v", back, err)
	}
}

// TestExampleShowsEveryField loads inventory.example.yaml and checks that
// it mentions every field of the field table (ca_file may be commented out).
func TestExampleShowsEveryField(t *testing.T) {
	const path = "../../inventory.example.yaml"
	inv, err := Load(path, testPlatforms, fullEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Devices) < 5 {
		t.Errorf("example has %d devices", len(inv.Devices))
	}
	data, _ := os.ReadFile(path)
	shown := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#\s*([a-z_]+):`).FindAllSubmatch(data, -1) {
		shown[string(m[1])] = true // commented out, e.g. ca_file
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 {
				shown[c.Value] = true
			}
			walk(c)
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	walk(&doc)
	for _, f := range fields {
		if !shown[f.key] {
			t.Errorf("inventory.example.yaml does not show field %q", f.key)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("does-not-exist.yaml", testPlatforms, nil)
	if err == nil || err.Error() != "does-not-exist.yaml: open: no such file or directory" {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrInvalid) {
		t.Errorf("err does not match fs.ErrNotExist and ErrInvalid")
	}
}

func TestCAFile(t *testing.T) {
	base := "devices: [{name: r1, host: h, username: u, password: p}]\n"
	for _, tt := range []struct{ path, ca, want string }{
		{"inv/site.yaml", "certs/root.pem", filepath.Join("inv", "certs", "root.pem")},
		{"site.yaml", "/etc/trustfix/root.pem", "/etc/trustfix/root.pem"},
		{"site.yaml", "~/root.pem", "/home/op/root.pem"},
	} {
		inv, err := Parse(tt.path, []byte("ca_file: "+tt.ca+"\n"+base), testPlatforms, fullEnv)
		if err != nil {
			t.Fatal(err)
		}
		if inv.CAFile != tt.want {
			t.Errorf("ca_file %q in %s = %q, want %q", tt.ca, tt.path, inv.CAFile, tt.want)
		}
	}
}

func TestParseJumpHost(t *testing.T) {
	for in, want := range map[string]JumpHost{
		"bastion":           {"", "bastion", 22},
		"ops@bastion":       {"ops", "bastion", 22},
		"ops@bastion:2022":  {"ops", "bastion", 2022},
		"ops@[2001:db8::1]": {"ops", "2001:db8::1", 22},
		"[2001:db8::1]:23":  {"", "2001:db8::1", 23},
		"2001:db8::1":       {"", "2001:db8::1", 22},
	} {
		got, err := ParseJumpHost(in)
		if err != nil || got != want {
			t.Errorf("ParseJumpHost(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "@host", "ops@", "host:", "host:0", "host:x", "a b", "ops@host:70000"} {
		if _, err := ParseJumpHost(in); err == nil {
			t.Errorf("ParseJumpHost(%q): no error", in)
		}
	}
}
