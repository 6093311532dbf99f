package cli_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// TestApplyConfirmOnTerminal: apply without --yes on a terminal shows the
// plan, the devices to change per platform × method with their
// persistence, and asks; "d" shows every line each device would get and
// asks again; nothing changes before "y". NO_COLOR keeps the terminal
// free of colour.
func TestApplyConfirmOnTerminal(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Scenario(t, `devices:
  - {name: c-xe, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true}
  - {name: c-asa, platform: asa, version: 9.16(3)19, model: ASA5516-X, quovadis: true}
  - {name: c-ok, platform: iosxe, version: 17.09.04, model: C9300-48P, identrust: true}
`), devsimtest.Options{})
	cmd := exec.Command(trustfixBin, "apply", "-i", l.Inv, "--journal", l.Path("run.jsonl"))
	cmd.Env = append(devsimtest.Environ(), "NO_COLOR=1")
	term := startPTY(t, cmd)
	counts := term.expect(`\[y/N, d: show the lines each device would get\]: `)
	for _, want := range []string{"To change: 2 devices", "PLATFORM  METHOD    DEVICES  PERSISTENT", "iosxe     terminal  1        yes", "asa       terminal  1        yes",
		"Apply to 3 devices (2 to remediate)?"} {
		if !strings.Contains(counts, want) {
			t.Errorf("before the question: no %q\n%s", want, counts)
		}
	}
	term.typeLine("d")
	diff := term.expect(`\[y/N, d: show the lines each device would get\]: `)
	for _, want := range []string{"~ c-xe", "crypto pki trustpool import terminal", "~ c-asa", "crypto ca authenticate IdenTrustCRCA1", "= c-ok: compliant"} {
		if !strings.Contains(diff, want) {
			t.Errorf("the diff lacks %q\n%s", want, diff)
		}
	}
	for _, d := range l.Devices() {
		if m := d.State().MutatingCommands(); len(m) > 0 {
			t.Fatalf("%s changed before the answer: %q", d.Name(), m)
		}
	}
	term.typeLine("y")
	if code := exitCode(t, cmd, term); code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, term.all())
	}
	if out := term.all(); strings.Contains(out, "\x1b[3") || strings.Contains(out, "\x1b[1m") {
		t.Errorf("colour on a terminal with NO_COLOR set:\n%q", out)
	}
	for _, n := range []string{"c-xe", "c-asa"} {
		if !devsim.Has(l.Device(n).State().TrustStore, identrustSHA1) {
			t.Errorf("%s was not fixed after y", n)
		}
	}
}
