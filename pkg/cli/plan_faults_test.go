package cli_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// TestPlanSessionFaults: the lab devices that fail at the session level,
// one at a time with the inventory each needs.
func TestPlanSessionFaults(t *testing.T) {
	t.Parallel()
	t.Run("legacy algorithms only when asked", func(t *testing.T) {
		pl := devsimtest.Start(t, devsimtest.Default(t, []string{"isr-branch-07"}), devsimtest.Options{Timeout: "30s"})
		r := devsimtest.Run(t, cli.Env{}, "plan", "-i", pl.Inv, "-o", "json")
		if d := decodePlan(t, r.Stdout).Devices[0]; r.Code != cli.ExitOK || d.Verdict != "remediate" || d.Version != "17.03.03" {
			t.Errorf("with legacy_algorithms: true: exit %d, %s %q", r.Code, d.Verdict, d.Error)
		}
		// The same device, the inventory without the opt-in.
		inv := strings.Replace(string(mustRead(t, pl.Inv)), "    legacy_algorithms: true\n", "", 1)
		if err := os.WriteFile(pl.Inv, []byte(inv), 0o600); err != nil {
			t.Fatal(err)
		}
		before := pl.Devices()[0].State()
		r = devsimtest.Run(t, cli.Env{}, "plan", "-i", pl.Inv, "-o", "json")
		d := decodePlan(t, r.Stdout).Devices[0]
		if r.Code != cli.ExitDevices || d.Verdict != "error" || !strings.Contains(d.Error, "no common SSH algorithm") || !strings.Contains(d.Error, "legacy_algorithms: true") {
			t.Errorf("without legacy_algorithms: exit %d, verdict %s, error %q; want an error that names the algorithms and the fix", r.Code, d.Verdict, d.Error)
		}
		after := pl.Devices()[0].State()
		if after.Connections-before.Connections != 1 || after.Logins != before.Logins {
			t.Errorf("algorithm mismatch: %d new connections, %d new logins; want 1 and 0 (not retried)", after.Connections-before.Connections, after.Logins-before.Logins)
		}
	})

	t.Run("silent device fails within its deadline", func(t *testing.T) {
		pl := devsimtest.Start(t, devsimtest.Default(t, []string{"c9200-dark-06", "c9300-core-01"}), devsimtest.Options{Timeout: "30s"})
		pl.SetDevice(t, "c9200-dark-06", "timeout: 2s")
		r := devsimtest.Run(t, cli.Env{}, "plan", "-i", pl.Inv, "-o", "json")
		if r.Code != cli.ExitDevices {
			t.Errorf("exit %d, want %d", r.Code, cli.ExitDevices)
		}
		got := decodePlan(t, r.Stdout).byName()
		dark := got["c9200-dark-06"]
		if dark.Verdict != "unreachable" || !strings.Contains(dark.Error, "handshake timed out") {
			t.Errorf("silent device: %s %q, want unreachable with the handshake timeout", dark.Verdict, dark.Error)
		}
		// The inventory allows one retry: unreachable is safe to retry, and
		// each attempt has its own deadline.
		if n := pl.Device("c9200-dark-06").State().Connections; n != 2 {
			t.Errorf("silent device: %d connections, want 2 (one retry)", n)
		}
		if dark.Started != nil && dark.Finished != nil {
			if took := dark.Finished.Sub(*dark.Started); took > silentTimeout+3*time.Second {
				t.Errorf("silent device: the last attempt took %v; its deadline is %v", took, silentTimeout)
			}
		}
		if got["c9300-core-01"].Verdict != "compliant" {
			t.Errorf("the healthy device: %+v", got["c9300-core-01"])
		}
	})

	t.Run("AAA refuses terminal length 0", func(t *testing.T) {
		pl := devsimtest.Start(t, devsimtest.Default(t, []string{"ess3300-rail-02"}), devsimtest.Options{Timeout: "30s"})
		r := devsimtest.Run(t, cli.Env{}, "plan", "-i", pl.Inv, "-o", "json")
		d := decodePlan(t, r.Stdout).Devices[0]
		if r.Code != cli.ExitOK || d.Verdict != "remediate" || boolStr(d.CAPresent) != "false" || d.Serial != "FOC2410Y1QZ" {
			t.Errorf("exit %d: %+v", r.Code, d)
		}
		if !strings.Contains(r.Stderr, "paging stays on") {
			t.Errorf("no warning that paging stays on:\n%s", r.Stderr)
		}
		pl.Close()
		st := pl.Devices()[0].State()
		refused := false
		for _, s := range st.Sessions {
			for _, l := range s.Lines {
				refused = refused || l.Text == "terminal length 0"
			}
		}
		if !refused {
			t.Errorf("the device never saw terminal length 0")
		}
	})
}
