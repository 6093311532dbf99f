package cli_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

const reportLab = `devices:
  - {name: r-1, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true}
  - {name: r-2, platform: asa, version: 9.16(3)19, model: ASA5516-X, quovadis: true}
  - {name: r-3, platform: iosxr, version: 6.5.3, model: ASR-9010, quovadis: true, faults: {no_internet: true}}
  - {name: r-4, platform: fxos, version: 2.10(1.159), model: FPR-4120-K9, quovadis: true}
`

// TestReportMergesJournals: two applies over parts of one inventory, with
// one device in both, each into its own journal. report reads both as one:
// every device once, in inventory order, the later record of the shared
// device (and says which journal it came from);
// and the change record names both runs and operators.
func TestReportMergesJournals(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Scenario(t, reportLab), devsimtest.Options{})
	ra, a := apply(t, l, "a.jsonl", "-l", "r-3,r-1")
	rb, b := apply(t, l, "b.jsonl", "-l", "r-4,r-2,r-3")
	if ra.Code == cli.ExitInput || rb.Code == cli.ExitInput {
		t.Fatalf("apply: %d %d\n%s\n%s", ra.Code, rb.Code, ra.Stderr, rb.Stderr)
	}
	env := cli.Env{Operator: func() string { return "netops@laptop" }}
	r := devsimtest.Run(t, env, "report", a, b)
	rows := deviceRows(r.Stdout)
	if strings.Join(rows, " ") != "r-1 r-2 r-3 r-4" {
		t.Errorf("devices %v, want each once in inventory order\n%s", rows, r.Stdout)
	}
	if !strings.Contains(r.Stderr, "note: r-3 is in "+a+" and "+b+": the record of "+b+" (the later) is shown") {
		t.Errorf("no note on the shared device:\n%s", r.Stderr)
	}
	// r-3 was fixed by the first run (terminal, lost on reload) and is
	// compliant for the second: the later record wins.
	if !regexp.MustCompile(`(?m)^r-3 .*already-compliant`).MatchString(r.Stdout) {
		t.Errorf("r-3 does not show the later record:\n%s", r.Stdout)
	}

	md := devsimtest.Run(t, env, "report", a, b, "-o", "markdown")
	if md.Code == cli.ExitInput {
		t.Fatalf("markdown: exit %d\n%s", md.Code, md.Stderr)
	}
	for _, want := range []string{"## Devices (4, in inventory order)", "| Journals | " + a + ", " + b + " |", "## Devices in more than one journal (1)"} {
		if !strings.Contains(md.Stdout, want) {
			t.Errorf("change record lacks %q:\n%s", want, md.Stdout)
		}
	}
	if n := len(regexp.MustCompile(`\d{8}T\d{6}Z-[0-9a-f]{6}`).FindAllString(strings.SplitN(md.Stdout, "\n", 6)[4], -1)); n != 2 {
		t.Errorf("the run line names %d runs, want 2:\n%s", n, md.Stdout)
	}
	html := devsimtest.Run(t, env, "report", a, b, "-o", "html")
	if !strings.HasPrefix(html.Stdout, "<!DOCTYPE html>") || !strings.Contains(html.Stdout, "r-4") || strings.Contains(html.Stdout, "<script") {
		t.Errorf("html:\n%s", html.Stdout)
	}
}

func deviceRows(table string) []string {
	var out []string
	for _, l := range strings.Split(table, "\n")[1:] {
		if l == "" {
			break
		}
		if !strings.HasPrefix(l, " ") {
			out = append(out, strings.Fields(l)[0])
		}
	}
	return out
}

// TestReportNotAJournal: report refuses a file that is not a journal with
// exit 1 and one line naming the file and line, prints no table, and
// apply refuses to append to one.
func TestReportNotAJournal(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Scenario(t, reportLab), devsimtest.Options{})
	r := devsimtest.Run(t, cli.Env{}, "report", l.Inv)
	if r.Code != cli.ExitInput || r.Stdout != "" || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 ||
		!strings.Contains(r.Stderr, l.Inv+":1: not a trustfix journal") {
		t.Errorf("report INVENTORY: exit %d\nstdout %q\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}
	_, a := apply(t, l, "ok.jsonl", "-l", "r-1")
	if r := devsimtest.Run(t, cli.Env{}, "report", a, l.Inv); r.Code != cli.ExitInput || r.Stdout != "" {
		t.Errorf("a journal and a non-journal: exit %d, stdout %q", r.Code, r.Stdout)
	}
	before := mustRead(t, l.Inv)
	r, _ = apply(t, l, "inventory.yaml", "--resume")
	if r.Code != cli.ExitInput || !strings.Contains(r.Stderr, "not a trustfix journal") {
		t.Errorf("apply --journal INVENTORY: exit %d\n%s", r.Code, r.Stderr)
	}
	if after, _ := os.ReadFile(l.Inv); string(after) != string(before) {
		t.Error("apply wrote into the inventory")
	}
}
