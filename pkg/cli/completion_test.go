package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// complete asks trustfix what the shell should offer (cobra's __complete,
// what the generated scripts call) and returns the values.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	r := devsimtest.Run(t, cli.Env{}, append([]string{"__complete"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("__complete %v: exit %d\n%s", args, r.Code, r.Stderr)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		if !strings.HasPrefix(l, ":") {
			v, _, _ := strings.Cut(l, "\t")
			out = append(out, v)
		}
	}
	return out
}

// Completion offers values: every format, platform, method and colour, and
// the device and group names of the inventory given with -i (trustfix and
// Ansible alike), after a comma too, without needing the passwords.
func TestCompletionValues(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	inv := filepath.Join(dir, "inv.yaml")
	if err := os.WriteFile(inv, []byte(`defaults: {username: u, password_env: NOT_SET_ANYWHERE}
groups:
  campus: {platform: iosxe}
devices:
  - {name: sw-1, host: 10.0.0.1, groups: [campus]}
  - {name: fw-1, host: 10.0.0.2, platform: asa}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	ini := filepath.Join(dir, "hosts.ini")
	if err := os.WriteFile(ini, []byte("[edge]\nrtr-1 ansible_host=10.0.1.1 ansible_user=netops ansible_network_os=cisco.iosxr.iosxr\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"plan", "-o", ""}, []string{"table", "wide", "json", "csv"}},
		{[]string{"report", "j.jsonl", "-o", ""}, []string{"table", "wide", "json", "csv", "markdown", "html"}},
		{[]string{"apply", "-o", ""}, []string{"table", "wide", "json", "csv"}},
		{[]string{"fix", "h", "--platform", ""}, []string{"auto", "iosxe", "ios-xe", "iosxr", "ios-xr", "asa", "fxos"}},
		{[]string{"fix", "h", "--method", ""}, []string{"auto", "url", "file", "terminal"}},
		{[]string{"plan", "--color", ""}, []string{"auto", "always", "never"}},
		{[]string{"plan", "-i", inv, "-l", ""}, []string{"sw-1", "fw-1", "campus"}},
		{[]string{"apply", "-i", inv, "-l", "sw-1,"}, []string{"sw-1,sw-1", "sw-1,fw-1", "sw-1,campus"}},
		{[]string{"plan", "-i", inv, "-l", "!"}, []string{"!sw-1", "!fw-1", "!campus"}},
		{[]string{"plan", "-i", ini, "-l", ""}, []string{"rtr-1", "edge"}},
		{[]string{"plan", "-l", ""}, nil}, // no inventory: nothing to offer
	} {
		if got := complete(t, tc.args...); !slices.Equal(got, tc.want) {
			t.Errorf("%v: %q, want %q", tc.args, got, tc.want)
		}
	}
}

// trustfix version and --version print the build's module version, Go
// version and platform.
func TestVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := devsimtest.Run(t, cli.Env{}, args...)
		if r.Code != 0 || !strings.HasPrefix(r.Stdout, "trustfix ") || !strings.Contains(r.Stdout, "go:       go1.") {
			t.Errorf("%v: exit %d\n%s%s", args, r.Code, r.Stdout, r.Stderr)
		}
	}
	// The built binary says the same (go build stamps the VCS revision
	// when it builds from a checkout).
	out, err := exec.Command(trustfixBin, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "trustfix ") || !strings.Contains(string(out), "go:") {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Logf("%s", out)
}
