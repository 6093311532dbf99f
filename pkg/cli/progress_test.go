package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
)

// progressLab: devices that take a moment each, and one whose AAA refuses
// `terminal length 0`, which trustfix warns about while the run goes on.
const progressLab = `devices:
  - {name: p-1, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true, faults: {latency: 5ms}}
  - {name: p-2, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true, faults: {latency: 5ms}}
  - {name: p-warn, platform: iosxe, version: 17.03.03, model: C9500-48Y4C, quovadis: true, faults: {refuse_paging: true, latency: 5ms}}
  - {name: p-3, platform: asa, version: 9.16(3)19, model: ASA5516-X, quovadis: true, faults: {latency: 5ms}}
  - {name: p-4, platform: iosxr, version: 7.3.2, model: NCS-5500, rp: RP/0/RP0/CPU0, quovadis: true, faults: {latency: 5ms}}
`

// TestProgressOnTerminalWithAWarning runs plan with stderr on a
// pseudo-terminal 100 columns wide. The status line is drawn from the
// start, and the warning logged in the middle of the run lands on a line
// of its own: replaying what the terminal received (carriage returns,
// erase-line, newlines) leaves the whole warning on one line with no piece
// of the status line in it, every status line fits the width, and the
// status line is gone at the end. The table goes to stdout, untouched.
func TestProgressOnTerminalWithAWarning(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Scenario(t, progressLab), devsimtest.Options{})
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 100}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(trustfixBin, "plan", "-i", l.Inv, "-c", "1")
	cmd.Env = devsimtest.Environ()
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, tty
	term := newPTYTerm(t, ptmx)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close() // the child holds it now: EOF on ptmx once it exits
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
	case <-time.After(devsimtest.Guard):
		t.Fatalf("plan still running after %v", devsimtest.Guard)
	}
	<-term.done
	raw := term.all()
	if !strings.Contains(raw, "plan [") {
		t.Fatalf("no status line on the terminal:\n%q", raw)
	}
	for _, s := range statusLines(raw) {
		if n := len([]rune(s)); n > 99 {
			t.Errorf("a status line of %d columns on a terminal of 100: %q", n, s)
		}
	}
	screen := replay(raw)
	var warning string
	for _, l := range screen {
		if strings.Contains(l, "paging stays on") {
			warning = l
		}
		if strings.Contains(l, "devices,") || strings.Contains(l, "plan [") {
			t.Errorf("a piece of the status line stayed on the screen: %q", l)
		}
	}
	if !regexp.MustCompile(`^\S+\twarn\tpaging stays on: .*"device": "p-warn"}$`).MatchString(warning) {
		t.Errorf("the warning is not one whole line:\n%s", strings.Join(screen, "\n"))
	}
	if !strings.Contains(stdout.String(), "p-warn") || strings.Contains(stdout.String(), "\x1b") {
		t.Errorf("stdout (a pipe): want the plain table\n%s", stdout.String())
	}
}

// replay turns what a terminal received into the lines left on its screen:
// "\r" returns to the start of the line, ESC[2K erases it, "\n" ends it.
func replay(raw string) []string {
	var lines []string
	var cur []rune
	col := 0
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	for i := 0; i < len(raw); {
		switch {
		case strings.HasPrefix(raw[i:], "\x1b[2K"):
			cur, i = nil, i+4
			continue
		case raw[i] == '\r':
			col, i = 0, i+1
			continue
		case raw[i] == '\n':
			lines = append(lines, strings.TrimRight(string(cur), " "))
			cur, col, i = nil, 0, i+1
			continue
		}
		r := []rune(raw[i:])[0]
		for len(cur) <= col {
			cur = append(cur, ' ')
		}
		cur[col] = r
		col++
		i += len(string(r))
	}
	if s := strings.TrimSpace(string(cur)); s != "" {
		lines = append(lines, s)
	}
	return lines
}

// statusLines are the status lines drawn (each after an erase).
func statusLines(raw string) []string {
	var out []string
	for _, part := range strings.Split(raw, "\r\x1b[2K")[1:] {
		s, _, _ := strings.Cut(part, "\n")
		s, _, _ = strings.Cut(s, "\r")
		if strings.HasPrefix(s, "plan [") {
			out = append(out, s)
		}
	}
	return out
}

// TestProgressEventsOffTerminal: an unattended run logs progress events
// (one at the start, at a steady interval, one at the end) with done,
// total, failures and the devices in flight; done never goes back and the
// last one has every device.
func TestProgressEventsOffTerminal(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Scenario(t, progressLab), devsimtest.Options{})
	r := devsimtest.Run(t, cli.Env{ProgressEvery: time.Millisecond}, "plan", "-i", l.Inv, "-c", "2", "-o", "json")
	if r.Code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	var events []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(r.Stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stderr line is not JSON: %q", line)
		}
		if m["event"] == "progress" {
			events = append(events, m)
		}
	}
	if len(events) < 2 {
		t.Fatalf("%d progress events, want the first and the last at least:\n%s", len(events), r.Stderr)
	}
	last := -1.0
	for _, e := range events {
		done, _ := e["done"].(float64)
		if done < last || e["total"] != 5.0 || e["msg"] != "plan progress" {
			t.Errorf("progress event %v after done %v", e, last)
		}
		last = done
	}
	if first, end := events[0], events[len(events)-1]; first["done"] != 0.0 || end["done"] != 5.0 || end["in_flight"] != 0.0 {
		t.Errorf("first %v, last %v: want done 0 then 5 with none in flight", first, end)
	}
}

// -q on a terminal: no status line and no notes, only warnings; -v off a
// terminal adds nothing a script cannot parse (JSON Lines).
func TestQuietAndVerbose(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsimtest.Scenario(t, progressLab), devsimtest.Options{})
	r := devsimtest.Run(t, cli.Env{ErrTerminal: true}, "apply", "-i", l.Inv, "--journal", l.Path("q.jsonl"), "--yes", "-q")
	if r.Code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	if strings.Contains(r.Stderr, "apply [") || strings.Contains(r.Stderr, "journal:") || strings.Contains(r.Stderr, "\x1b[2K") {
		t.Errorf("-q printed progress or notes:\n%q", r.Stderr)
	}
	r = devsimtest.Run(t, cli.Env{}, "plan", "-i", l.Inv, "-v", "-o", "json")
	for _, line := range strings.Split(strings.TrimSpace(r.Stderr), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("-v off a terminal: %q is not JSON", line)
		}
	}
}
