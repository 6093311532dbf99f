package cli_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// Off a terminal, an unattended run writes JSON Lines to stderr (one zap
// line per finished device, notes as zap lines too), one JSON document to
// stdout with -o json, and its summary is what `trustfix report` says of
// the journal, after the first run and after a resume.
func TestApplyOutputOffTerminal(t *testing.T) {
	t.Parallel()
	devs := append(flMix("out", 8),
		flDev{name: "out-auth", template: "asa", faults: "auth_fail: true"},
		flDev{name: "out-noise", template: "xe", faults: "corrupt_paste: 1"}, // fails once, fine on the resume
	)
	l := startFlLab(t, devs, "", flLabOptions{})
	res := devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "-c", "4", "-o", "json")
	if res.Code != cli.ExitDevices {
		t.Fatalf("exit %d, want %d\n%s", res.Code, cli.ExitDevices, res.Stderr)
	}
	doc := flDecodeOne(t, []byte(res.Stdout))
	if len(doc.Devices) != len(devs) {
		t.Errorf("-o json lists %d devices, want %d", len(doc.Devices), len(devs))
	}
	for i, d := range doc.Devices {
		if d.Name != l.names[i] {
			t.Errorf("-o json device %d is %s, want %s (inventory order)", i, d.Name, l.names[i])
		}
	}
	flCheckJSONStderr(t, res.Stderr, l.names)
	rep := devsimtest.Run(t, cli.Env{}, "report", l.journal, "-o", "json")
	flSameSummary(t, doc.Summary, flDecodeOne(t, []byte(rep.Stdout)).Summary)
	if got := doc.Summary.ByOutcome; got[record.Failed] != 2 || got[record.Remediated]+got[record.AlreadyCompliant] != 8 {
		t.Errorf("outcomes %v", got)
	}

	// The resume: its final summary covers the whole journal, as the
	// report does, not only the two devices it ran.
	res = devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", l.journal, "--yes", "--resume", "-o", "json")
	if res.Code != cli.ExitDevices {
		t.Fatalf("resume: exit %d, want %d\n%s", res.Code, cli.ExitDevices, res.Stderr)
	}
	doc = flDecodeOne(t, []byte(res.Stdout))
	rep = devsimtest.Run(t, cli.Env{}, "report", l.journal, "-o", "json")
	flSameSummary(t, doc.Summary, flDecodeOne(t, []byte(rep.Stdout)).Summary)
	if got := doc.Summary.ByOutcome; got[record.Failed] != 1 || doc.Summary.Total != len(devs) {
		t.Errorf("after the resume: total %d, outcomes %v; want %d devices, only out-auth failed", doc.Summary.Total, got, len(devs))
	}
	flCheckJSONStderr(t, res.Stderr, []string{"out-auth", "out-noise"})
	if !strings.Contains(res.Stderr, `"event":"resume"`) || !strings.Contains(res.Stderr, `"todo":2`) {
		t.Errorf("resume: no structured resume line with todo 2:\n%s", res.Stderr)
	}

	// The table's summary block says the same as the report's.
	table := devsimtest.Run(t, cli.Env{}, "report", l.journal)
	if !strings.Contains(table.Stdout, "Devices:    10") || !strings.Contains(table.Stdout, "Failed:     1\n") ||
		!regexp.MustCompile(`\n  out-auth +failed at connect +\S`).MatchString(table.Stdout) {
		t.Errorf("report table summary:\n%s", table.Stdout)
	}
}

// flCheckJSONStderr: every stderr line is a JSON object, with exactly one
// "apply device done" line per device that ran.
func flCheckJSONStderr(t *testing.T, stderr string, ran []string) {
	t.Helper()
	logs, plain := flLogLines(strings.Split(stderr, "\n"))
	if len(plain) > 0 {
		t.Errorf("plain lines on stderr off a terminal: %q", plain)
	}
	for _, m := range logs {
		if m["level"] == nil || m["ts"] == nil || m["msg"] == nil {
			t.Errorf("log line without level/ts/msg: %v", m)
		}
	}
	flCheckDone(t, logs, ran)
}

// flCheckDone proves the log has one "apply device done" line for each
// device of ran, and none for another.
func flCheckDone(t *testing.T, logs []map[string]any, ran []string) {
	t.Helper()
	done := flDoneLines(logs)
	for _, n := range ran {
		if done[n] != 1 {
			t.Errorf("%s: %d 'apply device done' lines, want 1", n, done[n])
		}
	}
	if len(done) != len(ran) {
		t.Errorf("'apply device done' lines for %d devices, want %d", len(done), len(ran))
	}
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	for shell, marker := range map[string]string{"bash": "complete -o default", "zsh": "#compdef trustfix", "fish": "complete -c trustfix"} {
		res := devsimtest.Run(t, cli.Env{}, "completion", shell)
		if res.Code != cli.ExitOK || !strings.Contains(res.Stdout, marker) {
			t.Errorf("completion %s: exit %d, %d bytes, want a script containing %q\n%s", shell, res.Code, len(res.Stdout), marker, res.Stderr)
		}
	}
	if res := devsimtest.Run(t, cli.Env{}, "completion", "tcsh"); res.Code != cli.ExitInput || !strings.Contains(res.Stderr, "tcsh") {
		t.Errorf("completion tcsh: exit %d, stderr %q; want a usage error naming it", res.Code, res.Stderr)
	}
}

// flKnownNoExample are the commands whose help may lack an Examples
// section. None: the root, completion and help have one too.
var flKnownNoExample []string

// Every command's --help has a worked example: walk the whole tree from
// the root's "Available Commands".
func TestEveryCommandHasAnExample(t *testing.T) {
	t.Parallel()
	sub := regexp.MustCompile(`(?m)^  ([a-z][a-z0-9-]*)\s{2,}\S`)
	queue := [][]string{{}}
	var seen []string
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		name := strings.Join(append([]string{"trustfix"}, path...), " ")
		seen = append(seen, name)
		res := devsimtest.Run(t, cli.Env{}, append(slices.Clone(path), "--help")...)
		if res.Code != cli.ExitOK {
			t.Errorf("%s --help: exit %d", name, res.Code)
			continue
		}
		has := strings.Contains(res.Stdout, "\nExamples:\n")
		switch known := slices.Contains(flKnownNoExample, name); {
		case !has && !known:
			t.Errorf("%s --help has no Examples section:\n%s", name, res.Stdout)
		case has && known:
			t.Errorf("%s --help now has an example: remove it from flKnownNoExample", name)
		}
		if i := strings.Index(res.Stdout, "Available Commands:"); i >= 0 {
			block := res.Stdout[i:]
			if j := strings.Index(block, "\n\n"); j >= 0 {
				block = block[:j]
			}
			for _, m := range sub.FindAllStringSubmatch(block, -1) {
				queue = append(queue, append(slices.Clone(path), m[1]))
			}
		}
	}
	for _, want := range []string{"trustfix plan", "trustfix apply", "trustfix fix", "trustfix report", "trustfix lab", "trustfix completion bash", "trustfix help"} {
		if !slices.Contains(seen, want) {
			t.Errorf("the help walk never reached %q (saw %v)", want, seen)
		}
	}
}
