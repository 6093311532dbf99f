package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/journal"
)

// TestStopPrintsTheResumeCommand: a run stopped by --max-failures says, in
// its structured stop line and its journal's run-end line, the exact
// command that continues it; once the device's trouble has passed (here
// its first three sessions drop: one attempt and two retries), that
// command, run as given, resumes the run, finishes the failed device and
// reaches the devices the stop left; the change record says the run
// stopped and how to continue.
func TestStopPrintsTheResumeCommand(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Scenario(t, `devices:
  - {name: s-bad, platform: asa, version: 9.16(3)19, model: ASA5516-X, quovadis: true, faults: {drop_after_bytes: 1, drop_sessions: 3}}
  - {name: s-1, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true}
  - {name: s-2, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true}
`), devsimtest.Options{})
	r, j := apply(t, l, "stop.jsonl", "-c", "1", "--max-failures", "1")
	if r.Code != cli.ExitStopped {
		t.Fatalf("exit %d, want %d\n%s", r.Code, cli.ExitStopped, r.Stderr)
	}
	var resume string
	for _, line := range strings.Split(r.Stderr, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["event"] == "stopped" {
			resume, _ = m["resume"].(string)
		}
	}
	want := "trustfix apply -i " + l.Inv + " --journal " + j + " --resume --yes -c 1 --max-failures 1"
	if resume != want {
		t.Fatalf("resume command %q, want %q\n%s", resume, want, r.Stderr)
	}
	f, err := journal.ReadFile(j)
	if err != nil {
		t.Fatal(err)
	}
	if end := f.Runs[len(f.Runs)-1]; end.Event != journal.RunEnd || end.Stopped != "max-failures reached" || end.Resume != want {
		t.Errorf("run-end line %+v", end)
	}
	md := devsimtest.Run(t, cli.Env{}, "report", j, "-o", "markdown")
	if !strings.Contains(md.Stdout, "| Stopped | run ") || !strings.Contains(md.Stdout, "to continue: "+want) {
		t.Errorf("the change record does not say the run stopped:\n%s", md.Stdout)
	}
	// The command as printed (no quoting needed for these paths).
	args := strings.Fields(resume)[1:]
	r = devsimtest.Run(t, cli.Env{}, args...)
	if r.Code != cli.ExitOK {
		t.Fatalf("the resume command: exit %d, want %d\n%s", r.Code, cli.ExitOK, r.Stderr)
	}
	for _, n := range []string{"s-bad", "s-1", "s-2"} {
		if st := l.Device(n).State(); !devsim.Has(st.SavedStore, identrustSHA1) {
			t.Errorf("%s does not hold IdenTrust in its saved configuration after the resumed run", n)
		}
	}
}
