package cli_test

import (
	"bytes"
	"net"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// TestPlanHostKeys: accept-new records each device's real key, a second
// plan trusts them and adds nothing, a re-keyed device is refused (before
// any password is sent) while the rest of the fleet plans as before, and
// strict policy with an empty known_hosts refuses every device.
func TestPlanHostKeys(t *testing.T) {
	names := []string{"ie3400-dock-01", "xr-core-01", "asa-dmz-4"}
	pl := devsimtest.Start(t, devsimtest.Default(t, names), devsimtest.Options{Timeout: "30s"})
	plan := func() (devsimtest.Result, map[string]planDevice) {
		r := devsimtest.Run(t, cli.Env{}, "plan", "-i", pl.Inv, "-o", "json")
		return r, decodePlan(t, r.Stdout).byName()
	}

	first, before := plan()
	if first.Code != cli.ExitOK {
		t.Fatalf("first plan: exit %d\n%s", first.Code, first.Stderr)
	}
	known := mustRead(t, pl.Known)
	check, err := knownhosts.New(pl.Known)
	if err != nil {
		t.Fatalf("known_hosts: %v", err)
	}
	for _, d := range pl.Devices() {
		addr, _ := net.ResolveTCPAddr("tcp", d.Addr())
		if err := check(d.Addr(), addr, d.HostKey()); err != nil {
			t.Errorf("%s: known_hosts does not hold its key: %v", d.Name(), err)
		}
	}
	if n := bytes.Count(known, []byte("\n")); n != len(names) {
		t.Errorf("known_hosts has %d lines, want one per device:\n%s", n, known)
	}

	second, _ := plan()
	if second.Code != cli.ExitOK {
		t.Fatalf("second plan: exit %d\n%s", second.Code, second.Stderr)
	}
	if !bytes.Equal(mustRead(t, pl.Known), known) {
		t.Errorf("the second plan changed known_hosts")
	}

	rekeyed := pl.Device("xr-core-01")
	rekeyed.RotateHostKey()
	third, after := plan()
	if third.Code != cli.ExitDevices {
		t.Errorf("plan after a key change: exit %d, want %d", third.Code, cli.ExitDevices)
	}
	for _, n := range names {
		got := after[n]
		if n == rekeyed.Name() {
			if got.Verdict != "error" || !strings.Contains(got.Error, "host key") || !strings.Contains(got.Error, "changed") {
				t.Errorf("%s: verdict %s error %q; want error naming the changed host key", n, got.Verdict, got.Error)
			}
			continue
		}
		if got.Verdict != before[n].Verdict || got.Error != "" {
			t.Errorf("%s: verdict %s error %q; the key change of another device must not affect it (was %s)", n, got.Verdict, got.Error, before[n].Verdict)
		}
	}
	if !bytes.Equal(mustRead(t, pl.Known), known) {
		t.Errorf("a refused key was written to known_hosts")
	}
	// Refused at the handshake: the impostor never saw a password, and the
	// refusal was not retried (the inventory allows one retry).
	if st := rekeyed.State(); st.Logins != 2 || st.AuthFailed != 0 || st.Connections != 3 {
		t.Errorf("%s: %d logins, %d refused, %d connections; want 2, 0, 3", rekeyed.Name(), st.Logins, st.AuthFailed, st.Connections)
	}

	t.Run("strict with an empty known_hosts", func(t *testing.T) {
		inv := strings.Replace(string(mustRead(t, pl.Inv)), "host_key_policy: accept-new", "host_key_policy: strict", 1)
		empty := pl.Dir + "/empty_known_hosts"
		inv = strings.Replace(inv, pl.Known, empty, 1)
		if err := os.WriteFile(empty, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		path := pl.Dir + "/strict.yaml"
		if err := os.WriteFile(path, []byte(inv), 0o600); err != nil {
			t.Fatal(err)
		}
		logins := map[string]int{}
		for _, d := range pl.Devices() {
			logins[d.Name()] = d.State().Logins
		}
		r := devsimtest.Run(t, cli.Env{}, "plan", "-i", path, "-o", "json")
		if r.Code != cli.ExitDevices {
			t.Errorf("exit %d, want %d", r.Code, cli.ExitDevices)
		}
		for _, d := range decodePlan(t, r.Stdout).Devices {
			if d.Verdict != "error" || !strings.Contains(d.Error, "host_key_policy strict") {
				t.Errorf("%s: verdict %s error %q; want the strict refusal", d.Name, d.Verdict, d.Error)
			}
		}
		for _, d := range pl.Devices() {
			if d.State().Logins != logins[d.Name()] {
				t.Errorf("%s: logged in under strict policy with an unknown key", d.Name())
			}
		}
		if b := mustRead(t, empty); len(b) != 0 {
			t.Errorf("strict policy wrote known_hosts:\n%s", b)
		}
	})

	pl.Close()
	for _, d := range pl.Devices() {
		if cmds := d.State().MutatingCommands(); len(cmds) > 0 {
			t.Errorf("%s: plan sent %q", d.Name(), cmds)
		}
	}
}
