package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// inputInventory is a valid inventory for a two-device lab; each bad-input
// case breaks one line of it, so the expected line numbers are these.
const inputInventory = `defaults:
  username: netops
  password_env: TRUSTFIX_PASSWORD
  enable_password_env: TRUSTFIX_ENABLE_PASSWORD
  host_key_policy: accept-new
  known_hosts: known_hosts
  timeout: 30s
devices:
  - name: r1
    host: 127.0.0.1
    port: %d
    platform: iosxe
  - name: r2
    host: 127.0.0.1
    port: %d
    platform: asa
`

// TestPlanBadInput: every bad input is exit 1 with one line naming the
// file, line and field, and nothing connects to any device: the lab the
// inventory points at counts zero connections. A last run of the intact
// inventory proves the lab was reachable all along.
func TestPlanBadInput(t *testing.T) {
	pl := devsimtest.Start(t, devsimtest.Default(t, []string{"ie3400-dock-01", "asa-dmz-4"}), devsimtest.Options{Timeout: "30s"})
	good := fmt.Sprintf(inputInventory, pl.Devices()[0].Port(), pl.Devices()[1].Port())
	dir := pl.Dir
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// line replaces line n (1-based) of the good inventory; "" deletes it.
	line := func(n int, text string) string {
		ls := strings.Split(good, "\n")
		if text == "" {
			ls = append(ls[:n-1], ls[n:]...)
		} else {
			ls[n-1] = text
		}
		return strings.Join(ls, "\n")
	}
	expired := "../cert/testdata/hydrantid-ssl-ica-g2.pem"
	expiredCopy := write("expired.pem", string(mustRead(t, expired)))
	leaf := write("leaf.pem", leafPEM(t))
	garbage := write("garbage.pem", "this is not a certificate\n")
	chain := write("chain.pem", string(mustRead(t, "../cert/identrust-commercial-root-ca-1.pem"))+string(mustRead(t, "../cert/quovadis-root-ca-2.pem")))
	noPassword := func(k string) (string, bool) {
		if k == "TRUSTFIX_PASSWORD" {
			return "", false
		}
		return devsimtest.LookupEnv(k)
	}
	noEnable := func(k string) (string, bool) {
		if k == "TRUSTFIX_ENABLE_PASSWORD" {
			return "", false
		}
		return devsimtest.LookupEnv(k)
	}

	tests := []struct {
		name   string
		inv    string // inventory text ("" = the good one)
		lookup func(string) (string, bool)
		args   []string // after plan -i INV
		want   string   // the whole message; INV is the inventory path
	}{
		{name: "malformed YAML", inv: line(12, "    platform: [iosxe"),
			want: "INV:12: yaml: did not find expected ',' or ']'"},
		{name: "unknown key", inv: line(16, "    platform: asa\n    pasword_env: TRUSTFIX_PASSWORD"),
			want: `INV:17: devices[1].pasword_env: unknown field (did you mean "password_env"?)`},
		{name: "duplicate name", inv: line(13, "  - name: r1"),
			want: `INV:13: devices[1].name: duplicate name "r1" (first at line 9)`},
		{name: "missing host", inv: line(14, ""),
			want: "INV:13: devices[1].host: missing"},
		{name: "unknown platform", inv: line(16, "    platform: ios"),
			want: `INV:16: devices[1].platform: unknown "ios" (want auto|iosxe|iosxr|asa|fxos|cer|esa|wsa)`},
		{name: "unset password variable", lookup: noPassword,
			want: "INV:3: defaults.password_env: environment variable TRUSTFIX_PASSWORD is not set"},
		{name: "unset enable password variable", lookup: noEnable,
			want: "INV:4: defaults.enable_password_env: environment variable TRUSTFIX_ENABLE_PASSWORD is not set"},
		{name: "missing inventory file", args: []string{"-i", filepath.Join(dir, "nope.yaml")},
			want: filepath.Join(dir, "nope.yaml") + ": open: no such file or directory"},
		{name: "ca-file expired", args: []string{"--ca-file", expired},
			want: expired + ": expired on 2023-12-17"},
		{name: "ca_file in the inventory expired", inv: "ca_file: expired.pem\n" + good,
			want: expiredCopy + ": expired on 2023-12-17"},
		{name: "ca-file a leaf", args: []string{"--ca-file", leaf},
			want: leaf + ": not a CA certificate (basicConstraints CA:FALSE)"},
		{name: "ca-file garbage", args: []string{"--ca-file", garbage},
			want: garbage + ": no PEM certificate found"},
		{name: "ca-file a chain", args: []string{"--ca-file", chain},
			want: chain + ": more than one certificate (2 found; want exactly one)"},
		{name: "ca-file missing", args: []string{"--ca-file", filepath.Join(dir, "nope.pem")},
			want: filepath.Join(dir, "nope.pem") + ": no such file or directory"},
		{name: "bad output", args: []string{"-o", "yaml"},
			want: `--output "yaml": want table|wide|json|csv`},
		{name: "limit matches nothing", args: []string{"-l", "r3"},
			want: `--limit "r3": matches no device or group (did you mean "r1"?)`},
		{name: "limit bad glob", args: []string{"-l", "r["},
			want: `--limit "r[": bad pattern: syntax error in pattern`},
		{name: "limit excludes everything", args: []string{"-l", "!r*"},
			want: `--limit "!r*": selects no device`},
		{name: "concurrency 0", args: []string{"-c", "0"},
			want: "--concurrency: must be at least 1"},
		{name: "unknown flag", args: []string{"--colour"},
			want: "unknown flag: --colour"},
		{name: "argument", args: []string{"extra"},
			want: `unknown command "extra" for "trustfix plan"`},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := good
			if tc.inv != "" {
				text = tc.inv
			}
			inv := write(fmt.Sprintf("inventory-%02d.yaml", i), text)
			r := devsimtest.Run(t, cli.Env{LookupEnv: tc.lookup}, append([]string{"plan", "-i", inv}, tc.args...)...)
			if r.Code != cli.ExitInput {
				t.Errorf("exit %d, want %d", r.Code, cli.ExitInput)
			}
			if r.Stdout != "" {
				t.Errorf("stdout %q, want nothing", r.Stdout)
			}
			want := strings.ReplaceAll(tc.want, "INV", inv)
			if got := oneLine(t, r.Stderr); got != want {
				t.Errorf("error\n got  %s\n want %s", got, want)
			}
			for _, d := range pl.Devices() {
				if n := d.State().Connections; n != 0 {
					t.Fatalf("%s: %d connections after bad input; nothing may be touched", d.Name(), n)
				}
			}
		})
	}
	if _, err := os.Stat(pl.Known); err == nil {
		t.Errorf("known_hosts was written by a run that had bad input")
	}

	t.Run("control: the intact inventory reaches the lab", func(t *testing.T) {
		r := devsimtest.Run(t, cli.Env{}, "plan", "-i", write("inventory-good.yaml", good))
		if r.Code != cli.ExitOK {
			t.Fatalf("exit %d, want 0\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		for _, d := range pl.Devices() {
			if d.State().Logins != 1 {
				t.Errorf("%s: %d logins, want 1", d.Name(), d.State().Logins)
			}
		}
	})
}

// leafPEM is a valid, unexpired, self-signed certificate that is not a CA.
func leafPEM(t *testing.T) string { return issue(t, "tools.cisco.com", false, nil).pem }
