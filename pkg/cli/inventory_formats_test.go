package cli_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// ansibleHostVar returns an edit of the lab's Ansible inventory that adds
// variables to one host (written "        NAME:" under its group's hosts).
func ansibleHostVar(name string, lines ...string) func(string) string {
	return func(inv string) string {
		head := "        " + name + ":\n"
		if !strings.Contains(inv, head) {
			panic("Ansible inventory has no host " + name)
		}
		var add strings.Builder
		for _, l := range lines {
			add.WriteString("          " + l + "\n")
		}
		return strings.Replace(inv, head, head+add.String(), 1)
	}
}

// planRecords is `plan -o json`'s devices by name, without the times.
func planRecords(t *testing.T, stdout string) map[string]map[string]any {
	t.Helper()
	var doc struct {
		Devices []map[string]any `json:"devices"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("plan JSON: %v\n%s", err, stdout)
	}
	out := map[string]map[string]any{}
	for _, d := range doc.Devices {
		delete(d, "started")
		delete(d, "finished")
		out[d["name"].(string)] = d
	}
	return out
}

// TestPlanAnsibleFormOfTheLab plans the default lab three times: from its
// trustfix inventory, from the same devices described as an Ansible
// inventory, and from what `inventory convert` makes of that Ansible
// inventory. Every device's record must be the same.
func TestPlanAnsibleFormOfTheLab(t *testing.T) {
	t.Parallel()
	pl := devsimtest.Start(t, devsimtest.Default(t, nil), devsimtest.Options{Timeout: "30s"})
	pl.SetDevice(t, "c9200-dark-06", "timeout: 2s", "retries: 0")
	ansible := string(pl.AnsibleInventory(devsim.InventoryOptions{KnownHosts: pl.Known, Timeout: "30s"}))
	ansible = ansibleHostVar("c9200-dark-06", "trustfix_timeout: 2s", "trustfix_retries: 0")(ansible)
	ansiblePath := filepath.Join(pl.Dir, "lab-ansible.yml")
	if err := os.WriteFile(ansiblePath, []byte(ansible), 0o600); err != nil {
		t.Fatal(err)
	}

	own := devsimtest.Run(t, cli.Env{}, "plan", "-i", pl.Inv, "-o", "json")
	viaAnsible := devsimtest.Run(t, cli.Env{}, "plan", "-i", ansiblePath, "-o", "json")
	conv := devsimtest.Run(t, cli.Env{}, "inventory", "convert", ansiblePath)
	if conv.Code != 0 {
		t.Fatalf("convert: exit %d: %s", conv.Code, conv.Stderr)
	}
	convertedPath := filepath.Join(pl.Dir, "converted.yaml")
	if err := os.WriteFile(convertedPath, []byte(conv.Stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	viaConverted := devsimtest.Run(t, cli.Env{}, "plan", "-i", convertedPath, "-o", "json")

	want := planRecords(t, own.Stdout)
	if len(want) != len(defaultLab) {
		t.Fatalf("own inventory: %d devices, want %d", len(want), len(defaultLab))
	}
	for label, run := range map[string]devsimtest.Result{"ansible": viaAnsible, "converted": viaConverted} {
		if run.Code != own.Code {
			t.Errorf("%s: exit %d, own inventory %d\n%s", label, run.Code, own.Code, run.Stderr)
		}
		got := planRecords(t, run.Stdout)
		if len(got) != len(want) {
			t.Errorf("%s: %d devices, want %d", label, len(got), len(want))
		}
		for name, w := range want {
			if g := got[name]; !reflect.DeepEqual(g, w) {
				t.Errorf("%s: %s:\n got  %v\n want %v", label, name, g, w)
			}
		}
	}
	if !strings.Contains(conv.Stdout, "# Converted by `trustfix inventory convert` from ") ||
		!strings.Contains(conv.Stdout, "lab-ansible.yml:") || strings.Contains(conv.Stdout, devsimtest.Password) {
		t.Errorf("converted inventory lacks its provenance or holds a password:\n%s", conv.Stdout)
	}
}

// TestInventoryShow prints the devices of published inventories: a table,
// JSON, a --limit by a parent group, and `-i -` with the JSON
// ansible-inventory printed (testdata/inventory/ansible).
func TestInventoryShow(t *testing.T) {
	t.Parallel()
	const fixtures = "../../testdata/inventory/ansible"
	noEnv := func(string) (string, bool) { return "", false }

	r := devsimtest.Run(t, cli.Env{LookupEnv: noEnv}, "inventory", "show", "-i", fixtures+"/precedence", "-l", "southeast")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	for _, want := range []string{
		"host2  ", "192.0.2.2", "jump@bastion.example.net:2200", "usa,southeast,atlanta,raleigh",
		"6 devices from ../../testdata/inventory/ansible/precedence (Ansible inventory directory)",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.Stdout)
		}
	}
	if strings.Contains(r.Stdout, "fw-a") || !strings.Contains(r.Stderr, "warning: ") {
		t.Errorf("limit not applied, or no warnings:\n%s\n%s", r.Stdout, r.Stderr)
	}

	data, err := os.ReadFile(fixtures + "/repos/nots/hosts.yml.list.json")
	if err != nil {
		t.Fatal(err)
	}
	stdin := devsimtest.Run(t, cli.Env{In: strings.NewReader(string(data)), LookupEnv: noEnv}, "inventory", "show", "-i", "-", "-o", "json")
	// nots sets no trustfix_password_env: show says exactly what to add.
	if stdin.Code != cli.ExitInput || !strings.Contains(stdin.Stderr, "<stdin>:") || !strings.Contains(stdin.Stderr, "trustfix_password_env: missing") {
		t.Fatalf("exit %d: %s", stdin.Code, stdin.Stderr)
	}
	withPW := strings.Replace(string(data), `"all": {`, `"all": {"vars": {"trustfix_password_env": "NOTS_PASSWORD"},`, 1)
	stdin = devsimtest.Run(t, cli.Env{In: strings.NewReader(withPW), LookupEnv: noEnv}, "inventory", "show", "-i", "-", "-o", "json")
	if stdin.Code != 0 {
		t.Fatalf("exit %d: %s", stdin.Code, stdin.Stderr)
	}
	var shown struct {
		Kind    string `json:"kind"`
		Devices []struct {
			Name, Platform string
			Password       *string `json:"password"`
		} `json:"devices"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(stdin.Stdout), &shown); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range shown.Devices {
		names = append(names, d.Name+"="+d.Platform)
		if d.Password != nil {
			t.Errorf("%s: password shown: %q", d.Name, *d.Password)
		}
	}
	// csr1, csr2 (ios → auto), xrv1, xrv2; the NX-OS switches are left out
	// and the vaulted ansible_password is reported, not read.
	if strings.Join(names, ",") != "csr1=auto,csr2=auto,xrv1=iosxr,xrv2=iosxr" || shown.Kind != "ansible-json" {
		t.Errorf("devices %v kind %s", names, shown.Kind)
	}
	w := strings.Join(shown.Warnings, "\n")
	if !strings.Contains(w, "csr1.ansible_password: ignored") || !strings.Contains(w, "(likewise on csr2, xrv1, xrv2)") || !strings.Contains(w, "n3k1, n3k2") {
		t.Errorf("warnings:\n%s", w)
	}
	if strings.Contains(stdin.Stdout, "ANSIBLE_VAULT") {
		t.Error("show prints the vaulted value")
	}
}

// TestPlanRejectsBadAnsibleInventory: a bad value in an Ansible inventory
// is exit 1 with one located line, and no device is contacted.
func TestPlanRejectsBadAnsibleInventory(t *testing.T) {
	t.Parallel()
	pl := devsimtest.Start(t, devsimtest.Default(t, []string{"c9300-core-01"}), devsimtest.Options{Timeout: "30s"})
	dev := pl.Devices()[0]
	host, port, _ := strings.Cut(dev.Addr(), ":")
	ini := "[all:vars]\ntrustfix_password_env=" + devsim.PasswordEnv + "\nansible_user=netops\n" +
		"[ios]\nc9300-core-01 ansible_host=" + host + " ansible_port=" + port + " ansible_network_os=cisco.ios.ios trustfix_import_method=paste\n"
	path := filepath.Join(pl.Dir, "hosts.ini")
	if err := os.WriteFile(path, []byte(ini), 0o600); err != nil {
		t.Fatal(err)
	}
	r := devsimtest.Run(t, cli.Env{}, "plan", "-i", path)
	want := "trustfix: " + path + `:5: c9300-core-01.trustfix_import_method: unknown "paste" (want auto|url|file|terminal)` + "\n"
	if r.Code != cli.ExitInput || r.Stderr != want {
		t.Errorf("exit %d, stderr %q\nwant %q", r.Code, r.Stderr, want)
	}
	if st := dev.State(); st.Connections != 0 {
		t.Errorf("the device was contacted %d times", st.Connections)
	}
}

var updateConvert = flag.Bool("update-convert", false, "rewrite testdata/inventory/convert/*.yaml")

// TestConvertGolden: what `inventory convert` writes for published and
// crafted inventories, compared with reviewed golden files (-update-convert
// rewrites them); each output must also load as a trustfix inventory that
// resolves to the same devices as its source.
func TestConvertGolden(t *testing.T) {
	t.Parallel()
	const testdata = "../../testdata/inventory"
	noEnv := func(k string) (string, bool) { return "", false }
	for golden, args := range map[string][]string{
		"network-best-practices.yaml": {"ansible/docs/network-best-practices.ini", "--password-env", "TRUSTFIX_PASSWORD", "--enable-password-env", "TRUSTFIX_ENABLE_PASSWORD"},
		"precedence.yaml":             {"ansible/precedence"},
		"nornir-crafted.yaml":         {"nornir/crafted"},
		"nornir-snmp-validation.yaml": {"nornir/snmp-validation/config.yaml", "--password-env", "TRUSTFIX_PASSWORD"},
	} {
		t.Run(golden, func(t *testing.T) {
			args := append([]string{"inventory", "convert", testdata + "/" + args[0]}, args[1:]...)
			r := devsimtest.Run(t, cli.Env{LookupEnv: noEnv}, args...)
			if r.Code != 0 {
				t.Fatalf("exit %d: %s", r.Code, r.Stderr)
			}
			path := filepath.Join(testdata, "convert", golden)
			if *updateConvert {
				if err := os.WriteFile(path, []byte(r.Stdout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if r.Stdout != string(want) {
				t.Errorf("convert output differs from %s (-update-convert rewrites it):\n%s", path, r.Stdout)
			}
			// The output loads from the source's directory (relative paths
			// are the source's), and resolves to what the source does. With
			// an agent, the source needs no password variable either.
			src := args[2]
			dir := src
			if st, err := os.Stat(src); err == nil && !st.IsDir() {
				dir = filepath.Dir(src)
			}
			copyDir := filepath.Join(t.TempDir(), "src")
			if err := os.CopyFS(copyDir, os.DirFS(dir)); err != nil {
				t.Fatal(err)
			}
			converted := filepath.Join(copyDir, ".converted.yaml") // hidden: an inventory directory skips it
			if err := os.WriteFile(converted, []byte(r.Stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			agentEnv := func(k string) (string, bool) { return "/run/agent.sock", k == "SSH_AUTH_SOCK" }
			a := devsimtest.Run(t, cli.Env{LookupEnv: agentEnv}, "inventory", "show", "-i", converted, "-o", "json")
			b := devsimtest.Run(t, cli.Env{LookupEnv: agentEnv}, "inventory", "show", "-i", filepath.Join(copyDir, strings.TrimPrefix(src, dir)), "-o", "json")
			if a.Code != 0 || b.Code != 0 {
				t.Fatalf("converted: exit %d: %s\nsource: exit %d: %s", a.Code, a.Stderr, b.Code, b.Stderr)
			}
			if got, want := showDevices(t, a.Stdout), showDevices(t, b.Stdout); !reflect.DeepEqual(got, want) {
				t.Errorf("converted resolves to\n%v\nsource to\n%v", got, want)
			}
		})
	}
}

// showDevices is `inventory show -o json`'s devices without their lines
// (a converted file has its own).
func showDevices(t *testing.T, stdout string) []map[string]any {
	t.Helper()
	var doc struct {
		Devices []map[string]any `json:"devices"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	for _, d := range doc.Devices {
		// The line is the file's own; the password variables are the ones
		// convert was told to add.
		delete(d, "line")
		delete(d, "password_env")
		delete(d, "enable_password_env")
	}
	return doc.Devices
}

// TestConvertSaysHowToNameThePassword: a source with no password
// variable (its passwords are in a vault) is refused with both fixes.
func TestConvertSaysHowToNameThePassword(t *testing.T) {
	t.Parallel()
	r := devsimtest.Run(t, cli.Env{LookupEnv: func(string) (string, bool) { return "", false }}, "inventory", "convert", "../../testdata/inventory/ansible/docs/network-best-practices.ini")
	want := "trustfix: ../../testdata/inventory/ansible/docs/network-best-practices.ini:25: ios01.trustfix_password_env: missing (set trustfix_password_env as a variable of the host, one of its groups or all, e.g. in group_vars/all.yml); or convert with --password-env NAME\n"
	if r.Code != cli.ExitInput || r.Stderr != want || r.Stdout != "" {
		t.Errorf("exit %d\nstderr %q\nwant   %q\nstdout %q", r.Code, r.Stderr, want, r.Stdout)
	}
}
