package cli_test

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// TestResumeAfterAnEdit: a journal belongs to its CA and each device's
// name, host and port, not to the inventory's bytes. The night's first run
// did two of three devices; then, at 3 a.m., a comment is added and one
// done device's port changes (the device is now reached through a
// forwarder). The resume continues: the moved device runs again and says
// why (in the log and its record), the other done device is not touched,
// the device the journal never had runs. Later the moved device leaves the
// inventory: it stays in the output as not selected, and nothing contacts
// it.
func TestResumeAfterAnEdit(t *testing.T) {
	t.Parallel()
	const moved, kept, added = "ie3400-dock-01", "xr-core-01", "fp4120-a"
	l := devsimtest.Start(t, devsimtest.Default(t, []string{moved, kept, added}), devsimtest.Options{})
	j := l.Path("night.jsonl")

	res := devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", j, "--yes", "-l", moved+","+kept)
	if res.Code != 0 {
		t.Fatalf("first run: exit %d\n%s\n%s", res.Code, res.Stdout, res.Stderr)
	}
	before := l.Settle(t)

	fwd := newFlGate(t, "127.0.0.1:"+strconv.Itoa(l.Device(moved).Port()), func() bool { return false })
	_, port, _ := net.SplitHostPort(fwd.addr())
	l.EditInventory(t, func(inv string) string { return "# 03:10 moved " + moved + " behind the console server\n" + inv })
	l.SetDevice(t, moved, "port: "+port)

	res = devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", j, "--yes", "--resume", "-o", "json")
	if res.Code != 0 {
		t.Fatalf("resume after the edit: exit %d, want 0\n%s\n%s", res.Code, res.Stdout, res.Stderr)
	}
	if !strings.Contains(res.Stderr, fmt.Sprintf("resume: %s: port %d → %s since the journal: it runs again", moved, l.Device(moved).Port(), port)) {
		t.Errorf("the log does not say the moved device runs again:\n%s", res.Stderr)
	}
	after := l.Settle(t)
	if after[kept].Connections != before[kept].Connections {
		t.Errorf("%s: %d connections after the resume (was %d): a done device was touched", kept, after[kept].Connections, before[kept].Connections)
	}
	if after[moved].Connections <= before[moved].Connections || after[added].Logins == 0 {
		t.Errorf("%s: connections %d → %d; %s: %d logins; want both run", moved, before[moved].Connections, after[moved].Connections, added, after[added].Logins)
	}
	recs := readJournal(t, j)
	m := last(t, recs, moved)
	if m.Port != mustAtoi(t, port) || m.Outcome != record.AlreadyCompliant || !strings.Contains(m.Reason, "since the journal: run again") {
		t.Errorf("%s: port %d outcome %q reason %q; want the new port, already-compliant, and why it ran", moved, m.Port, m.Outcome, m.Reason)
	}
	if a := last(t, recs, added); a.Outcome != record.Remediated {
		t.Errorf("%s: outcome %q error %q, want remediated", added, a.Outcome, a.Error)
	}
	var doc struct {
		Devices []record.Record `json:"devices"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &doc); err != nil || len(doc.Devices) != 3 {
		t.Fatalf("output: %v, %d devices; want all three\n%s", err, len(doc.Devices), res.Stdout)
	}

	// The moved device leaves the inventory: not selected, never touched.
	l.EditInventory(t, func(inv string) string {
		start := strings.Index(inv, "  - name: "+moved+"\n")
		end := start + len("  - name: "+moved+"\n")
		for end < len(inv) && strings.HasPrefix(inv[end:], "    ") {
			end += strings.IndexByte(inv[end:], '\n') + 1
		}
		return inv[:start] + inv[end:]
	})
	conns := l.Settle(t)[moved].Connections
	res = devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", j, "--yes", "--resume", "-o", "json")
	if res.Code != 0 {
		t.Fatalf("resume without %s: exit %d\n%s\n%s", moved, res.Code, res.Stdout, res.Stderr)
	}
	doc.Devices = nil
	if err := json.Unmarshal([]byte(res.Stdout), &doc); err != nil {
		t.Fatal(err)
	}
	var gone *record.Record
	for i, d := range doc.Devices {
		if d.Name == moved {
			gone = &doc.Devices[i]
		}
	}
	if gone == nil || !gone.NotSelected || !strings.Contains(gone.Reason, "not selected") {
		t.Errorf("%s: %+v; want it listed, marked not selected", moved, gone)
	}
	if !strings.Contains(res.Stdout, `"not_selected": [`) {
		t.Errorf("the summary does not name the device not selected:\n%s", res.Stdout)
	}
	if got := l.Settle(t)[moved].Connections; got != conns {
		t.Errorf("%s: contacted %d times although it left the inventory", moved, got-conns)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
