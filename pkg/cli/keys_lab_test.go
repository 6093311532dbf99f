package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// keysLab is a lab whose devices accept only public keys, one of them
// reachable only through the lab's bastion (also keys only), and an
// inventory for it that names no password variable.
type keysLab struct {
	*devsimtest.Lab
	key    *devsim.UserKey
	behind *devsim.Device
}

// keysDevices are one device per platform; c9300-core-01 sits behind the
// jump host.
var keysDevices = []string{"ie3400-dock-01", "xr-core-01", "asa-edge-1", "fp4120-a", "c9300-core-01"}

func startKeysLab(t *testing.T) *keysLab {
	t.Helper()
	key, err := devsim.NewUserKey()
	if err != nil {
		t.Fatal(err)
	}
	sc := devsimtest.Default(t, keysDevices)
	for i := range sc.Devices {
		sc.Devices[i].AuthorizedKeys = []string{key.AuthorizedKey()}
		sc.Devices[i].KeysOnly = true
		sc.Devices[i].BehindJump = sc.Devices[i].Name == "c9300-core-01"
	}
	sc.JumpHost = &devsim.JumpSpec{Username: "bastion-user", AuthorizedKeys: []string{key.AuthorizedKey()}, KeysOnly: true}
	l := devsimtest.Start(t, sc, devsimtest.Options{Timeout: "30s"})
	kl := &keysLab{Lab: l, key: key, behind: l.Device("c9300-core-01")}
	kl.keysInventory(t)
	return kl
}

// keysInventory makes the lab's inventory one with no password variable:
// the devices log in with keys. The device behind the bastion is named by
// an alias that only the ssh_config says how to reach (HostName, Port,
// ProxyJump): the inventory gives it no port and no jump host.
func (kl *keysLab) keysInventory(t *testing.T) {
	t.Helper()
	kl.UnsetDefaults(t, "password_env")
	kl.SetDevice(t, kl.behind.Name(), "host: behind-the-bastion")
	kl.UnsetDevice(t, kl.behind.Name(), "port", "jump_host")
}

// sshConfig is the ssh_config that reaches the hidden device: its own
// HostName and Port, and ProxyJump to the bastion by its alias.
func (kl *keysLab) sshConfig(identity string) string {
	j := kl.JumpHost()
	var b strings.Builder
	fmt.Fprintf(&b, "Host behind-the-bastion\n    HostName 127.0.0.1\n    Port %d\n    ProxyJump bastion\n\n", kl.behind.Port())
	fmt.Fprintf(&b, "Host bastion\n    HostName 127.0.0.1\n    Port %d\n    User bastion-user\n\n", j.Port())
	if identity != "" {
		fmt.Fprintf(&b, "Host *\n    IdentityFile %s\n    IdentitiesOnly yes\n", identity)
	}
	return b.String()
}

// startAgent serves an ssh-agent holding the lab's key.
func (kl *keysLab) startAgent(t *testing.T) *devsim.Agent {
	t.Helper()
	a, err := devsim.StartAgent(t.TempDir(), kl.key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// keysEnv is the process environment of a key-only run: the enable
// secret, HOME, and the agent socket when there is one. No login password.
func keysEnv(home, agent string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		switch {
		case k == devsim.EnablePasswordEnv:
			return devsimtest.EnablePassword, true
		case k == "HOME" && home != "":
			return home, true
		case k == "SSH_AUTH_SOCK" && agent != "":
			return agent, true
		}
		return "", false
	}
}

// planAndApply plans then applies the lab and checks both.
func (kl *keysLab) planAndApply(t *testing.T, env func(string) (string, bool)) {
	t.Helper()
	plan := devsimtest.Run(t, cli.Env{LookupEnv: env}, "plan", "-i", kl.Inv, "-o", "json")
	if plan.Code != 0 {
		t.Fatalf("plan: exit %d\n%s\n%s", plan.Code, plan.Stdout, plan.Stderr)
	}
	verdicts := map[string]string{}
	for _, d := range decodePlan(t, plan.Stdout).Devices {
		verdicts[d.Name] = d.Verdict + "/" + d.Method
	}
	want := map[string]string{
		"ie3400-dock-01": "remediate/terminal", "xr-core-01": "remediate/file", "asa-edge-1": "remediate/terminal",
		"fp4120-a": "remediate/terminal", "c9300-core-01": "compliant/",
	}
	for n, w := range want {
		if verdicts[n] != w {
			t.Errorf("plan %s: %s, want %s", n, verdicts[n], w)
		}
	}
	apply := devsimtest.Run(t, cli.Env{LookupEnv: env}, "apply", "-i", kl.Inv, "--journal", filepath.Join(kl.Dir, "run.jsonl"), "--yes", "-o", "json")
	if apply.Code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", apply.Code, apply.Stdout, apply.Stderr)
	}
	var doc struct {
		Devices []struct{ Name, Outcome string } `json:"devices"`
	}
	if err := json.Unmarshal([]byte(apply.Stdout), &doc); err != nil {
		t.Fatal(err)
	}
	for _, d := range doc.Devices {
		want := "remediated"
		if d.Name == "c9300-core-01" {
			want = "already-compliant"
		}
		if d.Outcome != want {
			t.Errorf("apply %s: %s, want %s", d.Name, d.Outcome, want)
		}
	}
	if len(doc.Devices) != len(keysDevices) {
		t.Errorf("apply: %d devices", len(doc.Devices))
	}
	// Every login was made with the key; the hidden device only through
	// the bastion.
	for _, d := range kl.Devices() {
		st := d.State()
		if st.Logins == 0 || st.KeyLogins != st.Logins || st.AuthFailed != 0 {
			t.Errorf("%s: logins %d, with a key %d, failed %d", d.Name(), st.Logins, st.KeyLogins, st.AuthFailed)
		}
	}
	j := kl.JumpHost()
	if j.Forwards(kl.behind.Addr()) != kl.behind.State().Connections {
		t.Errorf("the hidden device had %d connections, %d through the bastion", kl.behind.State().Connections, j.Forwards(kl.behind.Addr()))
	}
}

// TestKeysOnlyLabThroughTheAgent: plan and apply with keys held by an
// ssh-agent, the hidden device reached through the ProxyJump of the
// ssh_config file the inventory names.
func TestKeysOnlyLabThroughTheAgent(t *testing.T) {
	t.Parallel()
	kl := startKeysLab(t)
	agent := kl.startAgent(t)
	cfg := filepath.Join(kl.Dir, "ssh_config")
	if err := os.WriteFile(cfg, []byte(kl.sshConfig("")), 0o600); err != nil {
		t.Fatal(err)
	}
	kl.SetDefaults(t, "ssh_config: "+cfg)
	kl.planAndApply(t, keysEnv("", agent.Socket))
	if agent.Signatures() == 0 {
		t.Error("the agent signed nothing")
	}
}

// TestKeysOnlyLabThroughIdentityFile: the same with no agent, the key in
// a file ~/.ssh/config names (IdentityFile), and ~/.ssh/config's ProxyJump.
func TestKeysOnlyLabThroughIdentityFile(t *testing.T) {
	t.Parallel()
	kl := startKeysLab(t)
	home := t.TempDir()
	key := filepath.Join(home, ".ssh", "lab_key")
	if err := kl.key.WriteFile(key, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".ssh", "config"), []byte(kl.sshConfig("~/.ssh/lab_key")), 0o600); err != nil {
		t.Fatal(err)
	}
	r := devsimtest.Run(t, cli.Env{LookupEnv: keysEnv(home, "")}, "inventory", "show", "-i", kl.Inv, "-l", "c9300-core-01", "-o", "json")
	if r.Code != 0 || !strings.Contains(r.Stdout, `"jump_host": "bastion-user@127.0.0.1:`) || !strings.Contains(r.Stdout, key) {
		t.Errorf("show: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	kl.planAndApply(t, keysEnv(home, ""))
}

// TestFixWithKeysNeedsNoPassword: fix from a laptop with the key in the
// agent and the host's reach in ~/.ssh/config never asks for a password
// (stdin is not a terminal here: asking would fail the run).
func TestFixWithKeysNeedsNoPassword(t *testing.T) {
	t.Parallel()
	kl := startKeysLab(t)
	agent := kl.startAgent(t)
	home := t.TempDir()
	dev := kl.Device("ie3400-dock-01")
	cfg := fmt.Sprintf("Host dock\n    HostName 127.0.0.1\n    Port %d\n    User netops\n", dev.Port())
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".ssh", "config"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	r := devsimtest.Run(t, cli.Env{LookupEnv: keysEnv(home, agent.Socket)}, "fix", "dock", "--platform", "iosxe", "--yes",
		"--known-hosts", filepath.Join(kl.Dir, "known_hosts"), "--transcripts", filepath.Join(kl.Dir, "transcripts"))
	if r.Code != 0 {
		t.Fatalf("fix: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if st := dev.State(); st.KeyLogins == 0 || st.KeyLogins != st.Logins || st.Unsaved {
		t.Errorf("logins %d with a key %d, unsaved %v", st.Logins, st.KeyLogins, st.Unsaved)
	}
}
