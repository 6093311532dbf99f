package cli_test

import (
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// breakerDevices: six devices that use the defaults' credential (which
// the test gets wrong) and two that read their password from another
// variable (which is right).
var (
	breakerBad  = []string{"ie3400-dock-01", "c9300-core-01", "c8kv-wan-01", "c9500-dist-04", "xr-core-01", "asa-edge-1"}
	breakerGood = []string{"xr-peer-03", "fp4120-a"}
)

// typoEnv is a user with a typo in TRUSTFIX_PASSWORD; GOOD_PASSWORD holds
// the lab's password.
func typoEnv(name string) (string, bool) {
	switch name {
	case devsim.PasswordEnv:
		return devsimtest.Password + "x", true
	case "GOOD_PASSWORD":
		return devsimtest.Password, true
	}
	return devsimtest.LookupEnv(name)
}

// TestCredentialCircuitBreaker: with a typo in TRUSTFIX_PASSWORD, a run of
// six devices that use it at -c 20 stops after three refused logins (the
// lab counts them), never starts the other three, lets the devices of
// another credential finish, exits 3 and says which variable to check.
// With --max-auth-failures 0 every device is tried.
func TestCredentialCircuitBreaker(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Default(t, append(append([]string{}, breakerBad...), breakerGood...)), devsimtest.Options{})
	for _, n := range breakerGood {
		l.SetDevice(t, n, "password_env: GOOD_PASSWORD")
	}
	j := l.Path("night.jsonl")
	res := devsimtest.Run(t, cli.Env{LookupEnv: typoEnv}, "apply", "-i", l.Inv, "--journal", j, "--yes", "-c", "20")
	if res.Code != cli.ExitStopped {
		t.Fatalf("exit %d, want 3\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	st := l.Settle(t)
	refused, logins, tried := 0, 0, 0
	for _, n := range breakerBad {
		refused += st[n].AuthFailed
		logins += st[n].Logins
		if st[n].Connections > 0 {
			tried++
		}
	}
	if refused != 3 || logins != 0 || tried != 3 {
		t.Errorf("the lab saw %d refused logins, %d accepted, %d devices contacted; want 3, 0, 3", refused, logins, tried)
	}
	for _, n := range breakerGood {
		if st[n].Logins == 0 {
			t.Errorf("%s: never logged in; the other credential must go on", n)
		}
	}
	for _, want := range []string{"circuit breaker", "$" + devsim.PasswordEnv, "3 devices that use it were not started", "--resume"} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, res.Stderr)
		}
	}
	recs := readJournal(t, j)
	final := map[string]record.Record{}
	for _, r := range recs {
		final[r.Name] = r
	}
	failed := 0
	for _, n := range breakerBad {
		if r, ok := final[n]; ok && r.Verdict == record.AuthFailed && r.Attempts == 1 {
			failed++
		}
	}
	if failed != 3 || len(final) != 3+len(breakerGood) {
		t.Errorf("journal: %d auth-failed devices, %d devices in all; want 3 and %d (not started ones are left to a resume)", failed, len(final), 3+len(breakerGood))
	}
	for _, n := range breakerGood {
		if r := final[n]; !r.Done() {
			t.Errorf("%s: outcome %q error %q, want done", n, r.Outcome, r.Error)
		}
	}

	// Off: every device of the credential is tried.
	res = devsimtest.Run(t, cli.Env{LookupEnv: typoEnv}, "plan", "-i", l.Inv, "--max-auth-failures", "0", "-l", strings.Join(breakerBad, ","))
	if res.Code != cli.ExitDevices {
		t.Fatalf("plan --max-auth-failures 0: exit %d, want 2\n%s", res.Code, res.Stderr)
	}
	st = l.Settle(t)
	for _, n := range breakerBad {
		if st[n].Connections == 0 {
			t.Errorf("%s: not tried with the breaker off", n)
		}
	}
}
