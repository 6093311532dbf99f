package cli

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestPlanSessionFaults: the lab devices that fail at the session level,
// one at a time with the inventory each needs.
func TestPlanSessionFaults(t *testing.T) {
	t.Parallel()
	t.Run("legacy algorithms only when asked", func(t *testing.T) {
		pl := startPlanLab(t, subset(t, "isr-branch-07"), 0)
		r := invoke(t, nil, "plan", "-i", pl.inv, "-o", "json")
		if d := decodePlan(t, r.stdout).Devices[0]; r.code != ExitOK || d.Verdict != "remediate" || d.Version != "17.03.03" {
			t.Errorf("with legacy_algorithms: true: exit %d, %s %q", r.code, d.Verdict, d.Error)
		}
		// The same device, the inventory without the opt-in.
		inv := strings.Replace(string(mustRead(t, pl.inv)), "    legacy_algorithms: true\n", "", 1)
		if err := os.WriteFile(pl.inv, []byte(inv), 0o600); err != nil {
			t.Fatal(err)
		}
		before := pl.Devices()[0].State()
		r = invoke(t, nil, "plan", "-i", pl.inv, "-o", "json")
		d := decodePlan(t, r.stdout).Devices[0]
		if r.code != ExitDevices || d.Verdict != "error" || !strings.Contains(d.Error, "no common SSH algorithm") || !strings.Contains(d.Error, "legacy_algorithms: true") {
			t.Errorf("without legacy_algorithms: exit %d, verdict %s, error %q; want an error that names the algorithms and the fix", r.code, d.Verdict, d.Error)
		}
		after := pl.Devices()[0].State()
		if after.Connections-before.Connections != 1 || after.Logins != before.Logins {
			t.Errorf("algorithm mismatch: %d new connections, %d new logins; want 1 and 0 (not retried)", after.Connections-before.Connections, after.Logins-before.Logins)
		}
	})

	t.Run("silent device fails within its deadline", func(t *testing.T) {
		pl := startPlanLab(t, subset(t, "c9200-dark-06", "c9300-core-01"), 0, deviceFields("c9200-dark-06", "timeout: 2s"))
		r := invoke(t, nil, "plan", "-i", pl.inv, "-o", "json")
		if r.code != ExitDevices {
			t.Errorf("exit %d, want %d", r.code, ExitDevices)
		}
		got := decodePlan(t, r.stdout).byName()
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
		pl := startPlanLab(t, subset(t, "ess3300-rail-02"), 0)
		r := invoke(t, nil, "plan", "-i", pl.inv, "-o", "json")
		d := decodePlan(t, r.stdout).Devices[0]
		if r.code != ExitOK || d.Verdict != "remediate" || boolStr(d.CAPresent) != "false" || d.Serial != "FOC2410Y1QZ" {
			t.Errorf("exit %d: %+v", r.code, d)
		}
		if !strings.Contains(r.stderr, "paging stays on") {
			t.Errorf("no warning that paging stays on:\n%s", r.stderr)
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
