package cli_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// TestPlanDiffAgainstTheLab: plan --diff over real SSH shows, for each
// device to fix, the lines its driver sends (the certificate named by its
// SHA-256, never pasted into the diff), the save, the persistence and the
// fallback; a compliant device gets one line; nothing on any device
// changes. --diff with -o json is refused before any connection.
func TestPlanDiffAgainstTheLab(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Scenario(t, outputLab), devsimtest.Options{})
	r := devsimtest.Run(t, cli.Env{}, "plan", "-i", l.Inv, "--diff", "-l", "edge-*,core-xr-01,fw-asa-01,chassis-fxos-1")
	if r.Code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	out := r.Stdout
	ca := cert.Default()
	for _, want := range []string{
		"~ edge-xe-01 (127.0.0.1:", "crypto pki trustpool import terminal", "[paste] certificate body without BEGIN/END lines (29 lines): CN=IdenTrust Commercial Root CA 1,O=IdenTrust,C=US, SHA-256 " + ca.SHA256(),
		"    write memory", "persistent: yes", "QuoVadis Root CA 2  left as is",
		"= edge-xe-02: compliant:",
		"~ core-xr-01", "crypto ca trustpool import url http://www.cisco.com/security/pki/trs/ios_core.p7b",
		"If the device fails the url import", "crypto ca authenticate Trustpool", "persistent after the fallback: no",
		"~ fw-asa-01", "crypto ca trustpoint IdenTrustCRCA1", "quit    # ends the paste",
		"~ chassis-fxos-1", "create trustpoint IdenTrustCRCA1", "ENDOFBUF", "commit-buffer",
		"Backout, per platform and method:", "delete trustpoint IdenTrustCRCA1",
		"4 of 5 devices would change.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the diff lacks %q", want)
		}
	}
	if strings.Contains(out, ca.Base64Lines()[3]) {
		t.Error("the diff pastes the certificate body")
	}
	if regexp.MustCompile(`\x1b`).MatchString(out) {
		t.Error("escape sequences in piped output")
	}
	for _, d := range l.Devices() {
		if m := d.State().MutatingCommands(); len(m) > 0 {
			t.Errorf("%s received %q during plan --diff", d.Name(), m)
		}
	}
	if r := devsimtest.Run(t, cli.Env{}, "plan", "-i", l.Inv, "--diff", "-o", "json"); r.Code != cli.ExitInput || !strings.Contains(r.Stderr, "--diff") {
		t.Errorf("--diff -o json: exit %d %q", r.Code, r.Stderr)
	}
}
