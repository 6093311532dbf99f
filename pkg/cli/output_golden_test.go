package cli_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rivo/uniseg"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

var updateOutput = flag.Bool("update", false, "rewrite testdata/cli/*.golden")

// outputLab is a small fleet with every kind of row: to fix by each
// method, compliant, refused login, an XR that will fall back to a
// terminal paste lost on reload, and (added to the inventory) a host
// whose port is closed, so its platform is never detected.
const outputLab = `devices:
  - {name: edge-xe-01, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true}
  - {name: edge-xe-02, platform: iosxe, version: 17.09.04, model: C9300-48P, identrust: true}
  - {name: core-xr-01, platform: iosxr, version: 6.5.3, model: ASR-9010, quovadis: true, faults: {no_internet: true}}
  - {name: fw-asa-01, platform: asa, version: 9.16(3)19, model: ASA5516-X, quovadis: true}
  - {name: fw-asa-02, platform: asa, version: 9.16(3)19, model: ASA5516-X, quovadis: true, faults: {auth_fail: true}}
  - {name: chassis-fxos-1, platform: fxos, version: 2.10(1.159), model: FPR-4120-K9, quovadis: true}
`

// TestOutputGolden: plan and apply tables as a terminal of 80 and of 200
// columns shows them with NO_COLOR set, and piped; lines never exceed the
// terminal, never carry an escape sequence, and piped output is never cut.
func TestOutputGolden(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Scenario(t, outputLab), devsimtest.Options{})
	l.EditInventory(t, func(inv string) string {
		return inv + "  - name: gone-01\n    host: 127.0.0.1\n    port: 1\n    platform: auto\n    retries: 0\n"
	})
	noColor := func(name string) (string, bool) {
		if name == "NO_COLOR" {
			return "1", true
		}
		return devsimtest.LookupEnv(name)
	}
	port := regexp.MustCompile(`127\.0\.0\.1:\d+`)
	for _, tc := range []struct {
		name  string
		width int // 0: piped
	}{{"80", 80}, {"200", 200}, {"piped", 0}} {
		env := cli.Env{LookupEnv: noColor}
		if tc.width > 0 {
			w := tc.width
			env.OutTerminal, env.OutWidth = true, func() int { return w }
		}
		r := devsimtest.Run(t, env, "plan", "-i", l.Inv, "-c", "7")
		if r.Code != cli.ExitDevices {
			t.Fatalf("plan %s: exit %d\n%s", tc.name, r.Code, r.Stderr)
		}
		out := port.ReplaceAllString(r.Stdout, "127.0.0.1:PORT")
		goldenFile(t, "plan.table."+tc.name, out)
		for i, line := range strings.Split(r.Stdout, "\n") { // the port as printed
			if tc.width > 0 && uniseg.StringWidth(line) > tc.width {
				t.Errorf("%s: line %d has %d columns: %q", tc.name, i+1, uniseg.StringWidth(line), line)
			}
			if strings.Contains(line, "\x1b") || strings.HasSuffix(line, " ") {
				t.Errorf("%s: line %d has an escape sequence or trailing blanks: %q", tc.name, i+1, line)
			}
		}
		if tc.width == 0 && strings.Contains(r.Stdout, "…") {
			t.Errorf("piped output was cut:\n%s", out)
		}
	}
	// The apply (piped), then its report on terminals of 80 and 200.
	ra, j := apply(t, l, "run.jsonl", "-c", "7")
	if ra.Code != cli.ExitDevices {
		t.Fatalf("apply: exit %d\n%s", ra.Code, ra.Stderr)
	}
	goldenFile(t, "apply.table.piped", port.ReplaceAllString(ra.Stdout, "127.0.0.1:PORT"))
	for _, w := range []int{80, 200} {
		r := devsimtest.Run(t, cli.Env{LookupEnv: noColor, OutTerminal: true, OutWidth: func() int { return w }}, "report", j)
		out := port.ReplaceAllString(r.Stdout, "127.0.0.1:PORT")
		goldenFile(t, fmt.Sprintf("report.table.%d", w), out)
		for i, line := range strings.Split(r.Stdout, "\n") {
			if uniseg.StringWidth(line) > w || strings.Contains(line, "\x1b") {
				t.Errorf("report at %d: line %d: %q", w, i+1, line)
			}
		}
	}
	// --color always colours even a pipe; NO_COLOR alone keeps a terminal plain.
	r := devsimtest.Run(t, cli.Env{}, "plan", "-i", l.Inv, "-c", "7", "--color", "always")
	if !strings.Contains(r.Stdout, "\x1b[31mauth-failed\x1b[0m") || !strings.Contains(r.Stdout, "\x1b[32mcompliant\x1b[0m") {
		t.Errorf("--color always: no colour\n%q", r.Stdout)
	}
	r = devsimtest.Run(t, cli.Env{OutTerminal: true, OutWidth: func() int { return 200 }}, "plan", "-i", l.Inv, "-c", "7")
	if !strings.Contains(r.Stdout, "\x1b[") {
		t.Error("a terminal without NO_COLOR got no colour")
	}
}

func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "cli", name+".golden")
	if *updateOutput {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
