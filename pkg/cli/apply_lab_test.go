package cli_test

// Shared helpers for the end-to-end tests of apply, fix and report: a
// devsim lab of real SSH servers on loopback, an inventory that points at
// it, and cli.Run called in-process with buffers for streams. Nothing of
// trustfix is mocked; every wait is bounded by a guard, never a sleep.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/record"
)

// The lab's own, lab-only credentials (pkg/devsim/scenarios/default.yaml).
const (
	labPassword = "lab-Pa55-w0rd"
	labEnable   = "lab-En4ble-k3y"
	// identrustSHA1 is IdenTrust Commercial Root CA 1 (reference §0).
	identrustSHA1 = "DF717EAA4AD94EC9558499602D48DE5FBCF03A25"
	quovadisSHA1  = "CA3AFBCF1240364B44B216208880483919937CF7"
)

// guard bounds a wait so that a hang fails the test; it is never an
// assertion about speed.
const guard = 2 * time.Minute

// testLab is a running devsim lab with an inventory for it.
type testLab struct {
	*devsim.Lab
	dir   string // temp dir: inventory, known_hosts, journals
	inv   string // inventory path
	known string // known_hosts path
}

// startLab serves sc and writes its inventory; timeout is the per-device
// deadline the inventory gives ("" = devsim's default). The lab is closed
// when the test ends.
func startLab(t *testing.T, sc *devsim.Scenario, timeout string) *testLab {
	t.Helper()
	l, err := devsim.Start(sc, devsim.Options{})
	if err != nil {
		t.Fatalf("devsim.Start: %v", err)
	}
	t.Cleanup(l.Close)
	dir := t.TempDir()
	tl := &testLab{Lab: l, dir: dir, inv: filepath.Join(dir, "inventory.yaml"), known: filepath.Join(dir, "known_hosts")}
	inv := l.Inventory(devsim.InventoryOptions{KnownHosts: tl.known, Timeout: timeout})
	if err := os.WriteFile(tl.inv, inv, 0o600); err != nil {
		t.Fatal(err)
	}
	return tl
}

// setDevice adds fields (YAML lines such as "timeout: 3s") to one device
// of the lab's inventory.
func (l *testLab) setDevice(t *testing.T, name string, fields ...string) {
	t.Helper()
	b, err := os.ReadFile(l.inv)
	if err != nil {
		t.Fatal(err)
	}
	entry := "  - name: " + name + "\n"
	if !strings.Contains(string(b), entry) {
		t.Fatalf("no device %s in the inventory", name)
	}
	add := entry
	for _, f := range fields {
		add += "    " + f + "\n"
	}
	if err := os.WriteFile(l.inv, []byte(strings.Replace(string(b), entry, add, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// scenario parses an inline scenario; the lab's default credentials are
// added unless the YAML has its own defaults.
func scenario(t *testing.T, devicesYAML string) *devsim.Scenario {
	t.Helper()
	y := "defaults: {username: netops, password: " + labPassword + ", enable_password: " + labEnable + "}\n" + devicesYAML
	sc, err := devsim.ParseScenario(t.Name()+".yaml", []byte(y))
	if err != nil {
		t.Fatalf("scenario: %v", err)
	}
	return sc
}

// fromDefault is a one-device scenario: the named device of the default
// lab, optionally edited.
func fromDefault(t *testing.T, name string, edit ...func(*devsim.Spec)) *devsim.Scenario {
	t.Helper()
	sc := devsim.DefaultScenario()
	for _, sp := range sc.Devices {
		if sp.Name == name {
			for _, e := range edit {
				e(&sp)
			}
			sc.Devices = []devsim.Spec{sp}
			return sc
		}
	}
	t.Fatalf("no device %q in the default scenario", name)
	return nil
}

// result is one cli.Run.
type result struct {
	code           int
	stdout, stderr string
}

// lookupLab is an environment that holds the lab's password variables.
func lookupLab(k string) (string, bool) {
	switch k {
	case devsim.PasswordEnv:
		return labPassword, true
	case devsim.EnablePasswordEnv:
		return labEnable, true
	}
	return "", false
}

// syncBuffer is a bytes.Buffer safe for concurrent writers, as os.Stderr
// is: trustfix writes Env.Err from every device's goroutine (logs,
// progress, notes).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runCLI runs trustfix in-process with stdin not a terminal.
func runCLI(t *testing.T, env cli.Env, args ...string) result {
	t.Helper()
	var out, errb syncBuffer
	env.Out, env.Err = &out, &errb
	if env.In == nil {
		env.In = strings.NewReader("")
	}
	if env.LookupEnv == nil {
		env.LookupEnv = lookupLab
	}
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	code := cli.Run(ctx, args, env)
	if ctx.Err() != nil {
		t.Fatalf("trustfix %s: still running after %v", strings.Join(args, " "), guard)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// apply runs `trustfix apply -i INV --journal J --yes` plus extra flags.
func (l *testLab) apply(t *testing.T, journalName string, extra ...string) (result, string) {
	t.Helper()
	j := filepath.Join(l.dir, journalName)
	args := append([]string{"apply", "-i", l.inv, "--journal", j, "--yes"}, extra...)
	return runCLI(t, cli.Env{}, args...), j
}

// readJournal returns every record of a journal, failing on torn lines.
func readJournal(t *testing.T, path string) []record.Record {
	t.Helper()
	recs, problems, err := journal.Read(path)
	if err != nil {
		t.Fatalf("read journal: %v", err)
	}
	if len(problems) > 0 {
		t.Fatalf("journal %s has bad lines: %v", path, problems)
	}
	return recs
}

// last is the device's last journal record.
func last(t *testing.T, recs []record.Record, name string) record.Record {
	t.Helper()
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Name == name {
			return recs[i]
		}
	}
	t.Fatalf("no journal record for %s", name)
	return record.Record{}
}

// ended closes the lab, which waits for every session to end, and returns
// the device's final state: after it every SessionLog is complete.
func (l *testLab) ended(name string) devsim.State {
	l.Close()
	return l.Device(name).State()
}

// checkSessions fails for a session that ended in config mode, with a
// pending buffer or in a half paste. A session whose TCP connection the
// drop fault cut under it cannot say goodbye: it is skipped, and the
// caller proves the device rolled nothing in.
func checkSessions(t *testing.T, st devsim.State) {
	t.Helper()
	for _, s := range st.Sessions {
		if !s.Ended {
			t.Errorf("%s: session %d never ended", st.Name, s.ID)
			continue
		}
		if s.Dropped {
			continue
		}
		if s.EndedInConfig || s.PendingBuffer || s.HalfPaste {
			t.Errorf("%s: session %d left the device dirty: mode %q, in config %v, pending buffer %v, half paste %v\nlines: %v",
				st.Name, s.ID, s.EndMode, s.EndedInConfig, s.PendingBuffer, s.HalfPaste, tail(s.Lines, 12))
		}
	}
}

// tail is the last n lines a session received, for failure messages.
func tail(lines []devsim.Line, n int) []string {
	var out []string
	for _, l := range lines[max(0, len(lines)-n):] {
		out = append(out, l.Mode+"> "+l.Text)
	}
	return out
}

// sha1s lists a store's fingerprints, sorted, to compare stores.
func sha1s(store []devsim.CertInfo) []string {
	var out []string
	for _, c := range store {
		out = append(out, c.Store+"/"+c.SHA1)
	}
	slices.Sort(out)
	return out
}

// checkTranscript proves the record names a transcript that exists with
// mode 0600 and holds this device's apply session.
func checkTranscript(t *testing.T, rec record.Record) {
	t.Helper()
	if rec.Transcript == "" {
		t.Errorf("%s: record names no transcript", rec.Name)
		return
	}
	fi, err := os.Stat(rec.Transcript)
	if err != nil {
		t.Errorf("%s: transcript: %v", rec.Name, err)
		return
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: transcript %s has mode %v, want 0600", rec.Name, rec.Transcript, fi.Mode().Perm())
	}
	b, _ := os.ReadFile(rec.Transcript)
	if !strings.Contains(string(b), "===== trustfix apply "+rec.Name+" attempt") {
		t.Errorf("%s: transcript %s does not hold the apply session", rec.Name, rec.Transcript)
	}
}
