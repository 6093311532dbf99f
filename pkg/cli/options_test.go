package cli_test

import (
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// TestOptions: bad flags are refused while the command line is parsed,
// before any file is read or any device is touched (no lab runs here): exit
// 1, nothing on stdout, one line naming the flag. Every enum flag gives the
// same message, and its values come from the same place as the check (the
// registry for --platform).
func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-i", "nope.yaml", "-o", "yaml"}, `--output "yaml": want table|wide|json|csv`},
		{[]string{"plan", "--captures", "nope", "-o", "markdown"}, `--output "markdown": want table|wide|json|csv`},
		{[]string{"apply", "-i", "nope.yaml", "--journal", "j", "-o", "html"}, `--output "html": want table|wide|json|csv`},
		{[]string{"report", "j.jsonl", "-o", "xml"}, `--output "xml": want table|wide|json|csv|markdown|html`},
		{[]string{"plan", "-i", "nope.yaml", "--color", "yes"}, `--color "yes": want auto|always|never`},
		{[]string{"fix", "192.0.2.1", "--yes", "--platform", "fxos", "--method", "url"}, "--method url: fxos offers terminal"},
		{[]string{"fix", "192.0.2.1", "--yes", "--timeout", "0s"}, "--timeout: must be more than 0"},
		{[]string{"fix", "192.0.2.1", "--platform", "cer"}, `--platform "cer": want auto|iosxe|ios-xe|iosxr|ios-xr|asa|fxos`},
		{[]string{"fix", "192.0.2.1", "--platform", "ios"}, `--platform "ios": want auto|iosxe|ios-xe|iosxr|ios-xr|asa|fxos`},
		{[]string{"fix", "192.0.2.1", "--method", "scp"}, `--method "scp": want auto|url|file|terminal`},
		{[]string{"fix", "192.0.2.1", "--host-key-policy", "trust"}, `--host-key-policy "trust": want strict|accept-new|insecure`},
		{[]string{"fix", "192.0.2.1", "--yes", "--method", "file"}, "--method file needs --bundle-file"},
		{[]string{"fix", "192.0.2.1", "--yes", "--port", "0"}, "--port: want 1-65535"},
		{[]string{"plan"}, "--inventory (-i) is required"},
		{[]string{"plan", "-i", "nope.yaml", "-c", "0"}, "--concurrency: must be at least 1"},
		{[]string{"apply", "-i", "nope.yaml"}, "nope.yaml: open: no such file or directory"},
		{[]string{"plan", "-i", "nope.yaml", "--colour"}, "unknown flag: --colour"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := devsimtest.Run(t, cli.Env{}, tc.args...)
			if r.Code != cli.ExitInput || r.Stdout != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", r.Code, r.Stdout)
			}
			if got := oneLine(t, r.Stderr); got != tc.want {
				t.Errorf("error\n got  %s\n want %s", got, tc.want)
			}
		})
	}
}

// TestOptionsHelp: help lists each enum flag's values.
func TestOptionsHelp(t *testing.T) {
	for cmd, want := range map[string][]string{
		"plan":   {"output format: table|wide|json|csv", "--diff", "--color", "-v, --verbose", "-q, --quiet"},
		"apply":  {"output format: table|wide|json|csv", "-y, --yes"},
		"report": {"output format: table|wide|json|csv|markdown|html"},
		"fix":    {"auto|iosxe|ios-xe|iosxr|ios-xr|asa|fxos", "import method: auto|url|file|terminal", "host keys: strict|accept-new|insecure"},
	} {
		r := devsimtest.Run(t, cli.Env{}, cmd, "--help")
		for _, w := range want {
			if r.Code != cli.ExitOK || !strings.Contains(r.Stdout, w) {
				t.Errorf("%s --help (exit %d) does not say %q:\n%s", cmd, r.Code, w, r.Stdout)
			}
		}
	}
}
