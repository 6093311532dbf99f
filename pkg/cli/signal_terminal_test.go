package cli_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// On a terminal, apply shows a progress bar (done/total, failures) instead
// of log lines, and Ctrl-C is answered at once in plain words: no new
// device starts, how many are in flight, that a second one aborts them.
func TestApplyOnTerminalCtrlC(t *testing.T) {
	t.Parallel()
	devs := []flDev{{name: "t-xe", template: "xe"}, {name: "t-asa", template: "asa"}, {name: "t-xr", template: "xr"}, {name: "t-fxos", template: "fxos"}}
	devs = append(devs, flMix("queued", 4)...)
	gates := map[string]func(*devsim.Device) func() bool{}
	for _, d := range devs[:4] {
		gates[d.name] = flAtFirstChange
	}
	l := startFlLab(t, devs, "", flLabOptions{Gates: gates})
	cmd := exec.Command(trustfixBin, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "4")
	cmd.Env = append(os.Environ(), devsim.PasswordEnv+"="+devsimtest.Password, devsim.EnablePasswordEnv+"="+devsimtest.EnablePassword)
	term := startPTY(t, cmd)
	l.waitHeld(t, []string{"t-xe", "t-asa", "t-xr", "t-fxos"})
	// The bar is there before any device is done.
	term.expect(`apply \[\.+\] 0/8 devices, time left: after the first device`)
	// Ctrl-C: the terminal sends SIGINT to the foreground job.
	if _, err := term.ptmx.Write([]byte{0x03}); err != nil {
		t.Fatal(err)
	}
	term.expect(`stopping \(interrupted\): no new device starts; waiting for 4 in flight to finish; interrupt again to make them back out now`)
	l.releaseAll()
	term.expect(`to continue the run: trustfix apply -i \S+ --journal \S+ --resume --yes -c 4`)
	if code := exitCode(t, cmd, term); code != cli.ExitStopped {
		t.Fatalf("exit %d, want %d\n%s", code, cli.ExitStopped, term.all())
	}
	out := term.all()
	if !regexp.MustCompile(`apply \[#*\.*\] [1-4]/8 devices`).MatchString(out) {
		t.Errorf("the bar never counted a finished device:\n%s", out)
	}
	if strings.Contains(out, `"level"`) {
		t.Errorf("JSON log lines on a terminal:\n%s", out)
	}
	for _, n := range l.names[4:] {
		if c := l.Device(n).State().Connections; c != 0 {
			t.Errorf("%s started after Ctrl-C (%d connections)", n, c)
		}
	}
}
