package devsim

import (
	"net"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// jumpLab serves one device behind the lab's jump host (password login,
// the lab's defaults).
func jumpLab(t *testing.T) *Lab {
	t.Helper()
	sc := DefaultScenario()
	for _, sp := range sc.Devices {
		if sp.Name == "c9300-core-01" {
			sp.BehindJump = true
			sc.Devices = []Spec{sp}
			break
		}
	}
	sc.JumpHost = &JumpSpec{}
	l, err := Start(sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

func TestJumpHostForwardsToTheLabOnly(t *testing.T) {
	l := jumpLab(t)
	j, d := l.JumpHost(), l.Devices()[0]
	c, err := ssh.Dial("tcp", j.Addr(), &ssh.ClientConfig{
		User: "netops", Auth: []ssh.AuthMethod{ssh.Password("lab-Pa55-w0rd")},
		HostKeyCallback: ssh.FixedHostKey(j.HostKey()),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conn, err := c.Dial("tcp", d.Addr())
	if err != nil {
		t.Fatal(err)
	}
	// The device speaks SSH through the tunnel.
	buf := make([]byte, 64)
	n, err := conn.Read(buf)
	if err != nil || !strings.HasPrefix(string(buf[:n]), "SSH-2.0-Cisco") {
		t.Fatalf("through the jump host: %q %v", buf[:n], err)
	}
	conn.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0") // not a lab device
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := c.Dial("tcp", ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "administratively prohibited") {
		t.Errorf("forward outside the lab: %v", err)
	}
	if j.Forwards(d.Addr()) != 1 || j.Refused() != 1 {
		t.Errorf("forwards %d refused %d", j.Forwards(d.Addr()), j.Refused())
	}
	// No shell on a bastion.
	if s, err := c.NewSession(); err == nil {
		s.Close()
		t.Error("the jump host opened a session channel")
	}
	if inv := string(l.Inventory(InventoryOptions{})); !strings.Contains(inv, "    jump_host: netops@"+j.Addr()+"\n") {
		t.Errorf("inventory does not route c9300-core-01 through the jump host:\n%s", inv)
	}
	if inv := string(l.AnsibleInventory(InventoryOptions{})); !strings.Contains(inv, "ansible_ssh_common_args: -o ProxyJump=netops@"+j.Addr()) {
		t.Errorf("Ansible inventory lacks the jump host:\n%s", inv)
	}
}

func TestScenarioKeysAreChecked(t *testing.T) {
	base := "defaults: {username: u, password: p}\n"
	for body, want := range map[string]string{
		"devices:\n  - {name: a, platform: iosxe, version: '17.3.1', authorized_keys: ['ssh-ed25519 nonsense']}\n": "devices[0].authorized_keys[0]: not an authorized_keys line",
		"devices:\n  - {name: a, platform: iosxe, version: '17.3.1', keys_only: true}\n":                           "devices[0].keys_only: no authorized_keys to log in with",
		"devices:\n  - {name: a, platform: iosxe, version: '17.3.1', behind_jump: true}\n":                         "devices[0].behind_jump: the scenario has no jump_host",
	} {
		_, err := ParseScenario("s.yaml", []byte(base+body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}
