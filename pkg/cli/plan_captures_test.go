package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

const captures = "../../testdata/captures"

// capturesWant is testdata/captures/README.md's table: the verdict each
// capture folder should get, with the platform and release it shows.
var capturesWant = []struct {
	name, platform, version, verdict, method, ca string
}{
	{"asa-edge-1", "asa", "9.16(3)19", "remediate", "terminal", "false"},
	{"asav-dc-2", "asa", "9.5(2)204", "compliant", "", "true"},
	{"c9300-campus-01", "iosxe", "16.12.04", "remediate", "terminal", "false"},
	{"closet-2960-04", "ios", "15.2(7)E", "unsupported", "", "null"},
	{"fp9300-chassis-b", "fxos", "2.10(1.159)", "remediate", "terminal", "false"},
	{"fpr4120-chassis-a", "fxos", "2.7(1.104)", "compliant", "", "true"},
	{"fpr4k-asa-ctx", "asa", "9.8(3)21", "unsupported", "", "null"},
	{"ftdv-branch-9", "ftd", "7.0.1", "unsupported", "", "null"},
	{"ie3400-dock-01", "iosxe", "17.15.04", "compliant", "", "true"},
	// no bundle file in captures: url, with the terminal fallback
	{"ncs5500-core-01", "iosxr", "6.1.4", "remediate", "url", "false"},
}

// capturesKnownBugs are README promises the product breaks today, each
// reported to the owner of the file named. The test asserts today's wrong
// verdict, so it fails, and the entry must go, the day the bug is fixed.
var capturesKnownBugs = map[string]struct{ verdict, bug string }{}

// TestPlanCaptures plans offline from testdata/captures: the README's
// verdicts, in the same JSON shape as a live plan, with no inventory.
func TestPlanCaptures(t *testing.T) {
	r := devsimtest.Run(t, cli.Env{}, "plan", "--captures", captures, "-o", "json")
	doc := decodePlan(t, r.Stdout)
	got := doc.byName()
	if len(doc.Devices) != len(capturesWant) {
		t.Errorf("%d devices %v, want the %d capture folders", len(doc.Devices), doc.names(), len(capturesWant))
	}
	wantCode := cli.ExitOK
	for _, w := range capturesWant {
		g, ok := got[w.name]
		if !ok {
			t.Errorf("%s: not planned", w.name)
			continue
		}
		verdict, method, ca := w.verdict, w.method, w.ca
		if kb, ok := capturesKnownBugs[w.name]; ok {
			if g.Verdict == w.verdict {
				t.Errorf("%s: known bug fixed (%s): remove it from capturesKnownBugs", w.name, kb.bug)
			} else {
				t.Logf("%s: known bug, reported: %s (got %s %q)", w.name, kb.bug, g.Verdict, g.Error)
			}
			verdict, method, ca = kb.verdict, "", "null"
		}
		if verdict == "error" {
			wantCode = cli.ExitDevices
		}
		if g.Platform != w.platform || g.Version != w.version || g.Verdict != verdict || g.Method != method || boolStr(g.CAPresent) != ca {
			t.Errorf("%s: %s %s %s %q ca %s, want %s %s %s %q ca %s\nreason %q error %q", w.name,
				g.Platform, g.Version, g.Verdict, g.Method, boolStr(g.CAPresent), w.platform, w.version, verdict, method, ca, g.Reason, g.Error)
		}
	}
	if r.Code != wantCode {
		t.Errorf("exit %d, want %d\nstderr: %s", r.Code, wantCode, r.Stderr)
	}
}

// TestPlanCapturesOtherCA: the CA is data. With QuoVadis Root CA 2 as the
// target, every capture that lists QuoVadis is compliant (asav-dc-2 lacks a
// trustpool capture, but its running-config already proves the CA present).
func TestPlanCapturesOtherCA(t *testing.T) {
	r := devsimtest.Run(t, cli.Env{}, "plan", "--captures", captures, "-o", "json", "--ca-file", "../cert/quovadis-root-ca-2.pem")
	if r.Code != cli.ExitOK {
		t.Errorf("exit %d, want %d", r.Code, cli.ExitOK)
	}
	want := map[string]string{
		"asa-edge-1": "compliant", "asav-dc-2": "compliant", "c9300-campus-01": "compliant", "closet-2960-04": "unsupported",
		"fp9300-chassis-b": "compliant", "fpr4120-chassis-a": "compliant", "fpr4k-asa-ctx": "unsupported",
		"ftdv-branch-9": "unsupported", "ie3400-dock-01": "compliant", "ncs5500-core-01": "compliant",
	}
	for _, d := range decodePlan(t, r.Stdout).Devices {
		if d.Verdict != want[d.Name] {
			t.Errorf("%s: %s, want %s (reason %q error %q)", d.Name, d.Verdict, want[d.Name], d.Reason, d.Error)
		}
		if d.Verdict == "compliant" && !strings.Contains(d.Reason, "QuoVadis Root CA 2") {
			t.Errorf("%s: reason %q does not name the target CA", d.Name, d.Reason)
		}
	}
}

// TestPlanCapturesBadInput: bad flags and folders are exit 1, one line.
func TestPlanCapturesBadInput(t *testing.T) {
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no such folder", []string{"--captures", filepath.Join(empty, "nope")}, "--captures " + filepath.Join(empty, "nope") + ": no such file or directory"},
		{"no device folders", []string{"--captures", empty}, empty + ": no device folders"},
		{"bad output", []string{"--captures", captures, "-o", "yaml"}, `--output "yaml": want table|wide|json|csv`},
		{"expired CA", []string{"--captures", captures, "--ca-file", "../cert/testdata/hydrantid-ssl-ica-g2.pem"}, "../cert/testdata/hydrantid-ssl-ica-g2.pem: expired on 2023-12-17"},
		{"limit matches nothing", []string{"--captures", captures, "-l", "nope"}, `--limit "nope": matches no device or group`},
		// an inventory's devices would be silently ignored
		{"inventory too", []string{"--captures", captures, "-i", "inventory.yaml"}, "--captures plans from the capture folders, without an inventory: drop --inventory (-i)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := devsimtest.Run(t, cli.Env{}, append([]string{"plan"}, tc.args...)...)
			if r.Code != cli.ExitInput || r.Stdout != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", r.Code, r.Stdout)
			}
			if got := oneLine(t, r.Stderr); got != tc.want {
				t.Errorf("error %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPlanCapturesLimit: --limit selects capture folders as it selects
// inventory devices (names, globs, exclusions).
func TestPlanCapturesLimit(t *testing.T) {
	r := devsimtest.Run(t, cli.Env{}, "plan", "--captures", captures, "-o", "json", "-l", "fp*,!fp9300*")
	if r.Code != cli.ExitOK {
		t.Errorf("exit %d, want 0\nstderr: %s", r.Code, r.Stderr)
	}
	if got, want := strings.Join(decodePlan(t, r.Stdout).names(), " "), "fpr4120-chassis-a fpr4k-asa-ctx"; got != want {
		t.Errorf("devices %s, want %s", got, want)
	}
}
