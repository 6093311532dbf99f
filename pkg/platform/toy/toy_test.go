// Package toy_test adds a platform without touching anything outside this
// directory: a Spec (its own scrapligo definition, session profile,
// detection, one method) and a driver, registered next to the supported
// platforms, then planned and applied with the real command line against a
// lab device. The lab serves an IOS XE CLI for it, so the toy platform
// reads IOS XE's show version (Detect.Family) but is only chosen when the
// inventory names it (NamedOnly): platform auto still says iosxe.
package toy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/iosxe"
	"github.com/trustfix/trustfix/pkg/record"
)

// toy is the driver: the trustpool listing for Detect, the PEM body pasted
// into `crypto pki trustpool import terminal`, and write memory.
type toy struct{}

func (toy) Detect(r platform.Reader, ca *cert.CA, _ platform.Prefs) (platform.State, error) {
	out, err := r.Show("show crypto pki trustpool")
	if err != nil {
		return platform.State{}, err
	}
	certs, err := iosxe.ParseTrustpool(out)
	if err != nil {
		return platform.State{}, err
	}
	return platform.State{Trust: detect.Evaluate(certs, ca), Notes: []string{"toy platform"}}, nil
}

var pasteReady = platform.Question(`% End with a blank line or "quit" on a line by itself.`)

func (toy) Apply(sh platform.Shell, m record.Method, ca *cert.CA, _ platform.Prefs) (platform.Result, error) {
	if m != record.MethodTerminal {
		return platform.Result{}, fmt.Errorf("%w: toy method %q", platform.ErrNotSupported, m)
	}
	if _, err := sh.Send("configure terminal"); err != nil {
		return platform.Result{}, err
	}
	if _, err := sh.SendExpect("crypto pki trustpool import terminal", pasteReady); err != nil {
		_, _ = sh.Send("end")
		return platform.Result{}, err
	}
	out, err := platform.Paste(sh, ca.Base64Lines(), "\n")
	if err == nil && !strings.Contains(out, "% PEM files import succeeded.") {
		err = platform.Rejected(out, "no success line")
	}
	if _, endErr := sh.Send("end"); err == nil {
		err = endErr
	}
	return platform.Result{Method: m}, err
}

func (toy) Save(sh platform.Shell) error {
	out, err := sh.Send("write memory")
	if err == nil && !regexp.MustCompile(`\[OK\]`).MatchString(out) {
		err = platform.Rejected(out, "no [OK]")
	}
	return err
}

// register adds the toy platform to r.
func register(t *testing.T, r *platform.Registry) {
	t.Helper()
	def, err := os.ReadFile("testdata/toy_xe.yaml")
	if err != nil {
		t.Fatal(err)
	}
	err = r.Register(platform.Spec{
		ID:       "toyxe",
		Aliases:  []string{"toy"},
		Session:  platform.Session{Definition: def, Enable: true, Paging: "terminal length 0", ReadOnly: []string{platform.ReadShow, `enable`, `terminal length 0`}},
		Detect:   platform.Detection{Family: detect.IOSXE, NamedOnly: true},
		Methods:  []platform.Method{{Name: record.MethodTerminal, Persistent: true, Note: "the toy's own sequence"}},
		Auto:     []record.Method{record.MethodTerminal},
		Advisory: "iosxe",
		// What an Ansible inventory calls it: read as toyxe.
		Names:  platform.ToolNames{Ansible: []platform.ToolName{{Name: "acme.toy.toy"}}},
		Driver: toy{},
	})
	if err != nil {
		t.Fatal(err)
	}
}

type device struct {
	Name       string `json:"name"`
	Platform   string `json:"platform"`
	Verdict    string `json:"verdict"`
	Method     string `json:"method"`
	Persistent *bool  `json:"persistent"`
	Reason     string `json:"reason"`
	Advisory   *struct {
		Notice string `json:"notice"`
	} `json:"advisory"`
}

func TestToyPlatform(t *testing.T) {
	reg := devsimtest.Registry(t)
	register(t, reg)
	lab := devsimtest.Start(t, devsimtest.Scenario(t, `devices:
  - {name: toy-1, platform: iosxe, version: 17.03.03, model: C9300-48P, quovadis: true}
  - {name: xe-1, platform: iosxe, version: 17.03.03, model: C9300-48P, quovadis: true}
`), devsimtest.Options{})
	lab.SetDevice(t, "toy-1", "platform: toy") // by its alias
	lab.SetDevice(t, "xe-1", "platform: auto")
	env := cli.Env{Registry: reg}

	// Without the toy, the inventory is refused before anything connects.
	r := devsimtest.Run(t, cli.Env{}, "plan", "-i", lab.Inv)
	if r.Code != cli.ExitInput || !strings.Contains(r.Stderr, `platform: unknown "toy" (want auto|iosxe|iosxr|asa|fxos|cer|esa|wsa)`) {
		t.Fatalf("plan without the toy: exit %d\n%s", r.Code, r.Stderr)
	}

	r = devsimtest.Run(t, env, "plan", "-i", lab.Inv, "-o", "json")
	if r.Code != cli.ExitOK {
		t.Fatalf("plan: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	var doc struct{ Devices []device }
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]device{
		"toy-1": {Platform: "toyxe", Verdict: "remediate", Method: "terminal", Reason: "paste the certificate at the terminal (import_method auto); the toy's own sequence; toy platform"},
		"xe-1":  {Platform: "iosxe", Verdict: "remediate", Method: "terminal", Reason: "paste the certificate at the terminal (import_method auto)"},
	}
	for _, d := range doc.Devices {
		w := want[d.Name]
		if d.Platform != w.Platform || d.Verdict != w.Verdict || d.Method != w.Method || d.Reason != w.Reason ||
			d.Persistent == nil || !*d.Persistent || d.Advisory == nil || d.Advisory.Notice != "FN72323" {
			t.Errorf("%s: %+v (advisory %+v), want %+v", d.Name, d, d.Advisory, w)
		}
	}
	if st := lab.Device("toy-1").State(); len(st.MutatingCommands()) > 0 {
		t.Errorf("plan changed the device: %q", st.MutatingCommands())
	}

	j := lab.Path("toy.jsonl")
	r = devsimtest.Run(t, env, "apply", "-i", lab.Inv, "--journal", j, "--yes", "-l", "toy-1")
	if r.Code != cli.ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	recs, _, err := journal.Read(j)
	if err != nil {
		t.Fatal(err)
	}
	last := journal.Latest(recs)
	if len(last) != 1 || last[0].Platform != "toyxe" || last[0].Outcome != record.Remediated || last[0].Proof == nil {
		t.Fatalf("journal: %+v", last)
	}
	st := lab.Ended("toy-1")
	ca := cert.Default()
	if !devsim.Has(st.TrustStore, ca.SHA1()) || !devsim.Has(st.SavedStore, ca.SHA1()) || st.Unsaved {
		t.Errorf("the CA is not installed and saved: running %v saved %v unsaved %v",
			devsim.Has(st.TrustStore, ca.SHA1()), devsim.Has(st.SavedStore, ca.SHA1()), st.Unsaved)
	}
	devsimtest.CheckClean(t, st)
}

// TestToyAnsibleName: an Ansible inventory whose ansible_network_os is the
// name the toy's Spec declares plans the device as the toy; without the
// toy registered, the host is left out as no platform trustfix fixes.
func TestToyAnsibleName(t *testing.T) {
	reg := devsimtest.Registry(t)
	register(t, reg)
	lab := devsimtest.Start(t, devsimtest.Scenario(t, `devices:
  - {name: toy-1, platform: iosxe, version: 17.03.03, model: C9300-48P, quovadis: true}
`), devsimtest.Options{})
	inv := lab.Path("hosts.yml")
	hosts := fmt.Sprintf(`all:
  vars: {ansible_user: %s, trustfix_password_env: %s, trustfix_enable_password_env: %s, trustfix_known_hosts: %q}
  hosts:
    toy-1: {ansible_host: 127.0.0.1, ansible_port: %d, ansible_network_os: acme.toy.toy}
`, devsimtest.Username, devsim.PasswordEnv, devsim.EnablePasswordEnv, lab.Known, lab.Device("toy-1").Port())
	if err := os.WriteFile(inv, []byte(hosts), 0o600); err != nil {
		t.Fatal(err)
	}
	r := devsimtest.Run(t, cli.Env{}, "inventory", "show", "-i", inv)
	if !strings.Contains(r.Stderr, "ansible_network_os acme.toy.toy, not a platform trustfix fixes") {
		t.Errorf("without the toy: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	r = devsimtest.Run(t, cli.Env{Registry: reg}, "plan", "-i", inv, "-o", "json")
	if r.Code != cli.ExitOK {
		t.Fatalf("plan: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	var doc struct{ Devices []device }
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Devices) != 1 || doc.Devices[0].Platform != "toyxe" || doc.Devices[0].Verdict != "remediate" {
		t.Errorf("plan: %+v, want toy-1 as toyxe, remediate", doc.Devices)
	}
}
