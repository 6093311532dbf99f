package journal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/record"
)

func newPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "journal.jsonl")
}

func mustOpen(t *testing.T, path string) *Journal {
	t.Helper()
	j, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func mustRead(t *testing.T, path string) ([]record.Record, []Problem) {
	t.Helper()
	recs, probs, err := Read(path)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return recs, probs
}

func rec(name string, o record.Outcome) record.Record {
	return record.Record{Name: name, Host: "192.0.2.1", Port: 22, Platform: "iosxe", Verdict: record.Remediate, Outcome: o,
		Run: &record.RunInfo{ID: "run-1", Inventory: "inv", CAFingerprint: "ca"}}
}

// full sets every field, so a round trip proves nothing is dropped.
func full() record.Record {
	at := time.Date(2025, 3, 14, 2, 10, 0, 0, time.UTC)
	end := at.Add(95 * time.Second)
	return record.Record{
		Name: "ie3400-dock-01", Host: "10.20.0.11", Port: 2222, Platform: "iosxe", Version: "17.3.4",
		Model: "IE-3400-8P2S", Hostname: "dock-01", Serial: "FOC1234X0AB",
		CAPresent: record.Bool(true), QuoVadisPresent: record.Bool(false),
		Verdict: record.Remediate, Method: record.MethodTerminal, Persistent: record.Bool(true),
		Reason: "terminal works offline", Error: "",
		Advisory: &record.Advisory{Notice: "FN72298", Affected: true, Fixed: "17.6.1 or later", Note: "upgrade"},
		Outcome:  record.Remediated, Stage: "done", Fallback: "url",
		Proof:   &record.Proof{Subject: "CN=IdenTrust Commercial Root CA 1", Serial: "0A0142800000014523C844B500000002", Fingerprint: "DF717EAA4AD94EC9558499602D48DE5FBCF03A25"},
		Started: &at, Finished: &end, Attempts: 2, Transcript: "transcripts/ie3400-dock-01.log",
		Run: &record.RunInfo{ID: "r1", Inventory: "abc", CAFingerprint: "DF71"},
	}
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	path := newPath(t)
	j := mustOpen(t, path)
	for _, name := range []string{path, path + ".lock"} {
		st, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(name), got)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	// An existing journal keeps its mode: the operator chose it.
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	mustOpen(t, path)
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("existing file mode changed to %v", st.Mode().Perm())
	}
}

func TestAppendRoundTrip(t *testing.T) {
	path := newPath(t)
	j := mustOpen(t, path)
	want := []record.Record{full(), rec("b", record.Failed)}
	for _, r := range want {
		if err := j.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	got, probs := mustRead(t, path)
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	if err := j.Append(record.Record{Host: "x"}); err == nil {
		t.Error("Append accepted a record without a name")
	}
}

func TestConcurrentAppendsWriteWholeLines(t *testing.T) {
	path := newPath(t)
	j := mustOpen(t, path)
	const writers, each = 32, 40
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				r := rec(fmt.Sprintf("dev-%02d-%02d", w, i), record.Remediated)
				r.Transcript = strings.Repeat("x", 100*(i+1)) // varied lengths
				if err := j.Append(r); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	recs, probs := mustRead(t, path)
	if len(probs) != 0 || len(recs) != writers*each {
		t.Fatalf("got %d records and problems %v, want %d and none", len(recs), probs, writers*each)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Name] = true
	}
	if len(seen) != writers*each {
		t.Errorf("%d distinct devices, want %d", len(seen), writers*each)
	}
}

func TestTornLastLineIsKeptAndSkipped(t *testing.T) {
	path := newPath(t)
	fragment := `{"name":"asa-edge-1","host":"10.0.1.1","po`
	if err := os.WriteFile(path, []byte(`{"name":"a"}`+"\n"+fragment), 0o600); err != nil {
		t.Fatal(err)
	}
	recs, probs := mustRead(t, path)
	if len(recs) != 1 || len(probs) != 1 || probs[0].Line != 2 || !strings.Contains(probs[0].Reason, "incomplete last line") {
		t.Fatalf("before Open: records %v, problems %v", recs, probs)
	}

	j := mustOpen(t, path)
	if err := j.Append(rec("b", record.Remediated)); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	j = mustOpen(t, path) // ends in "\n" now: no blank line follows
	if err := j.Append(rec("c", record.Remediated)); err != nil {
		t.Fatal(err)
	}

	raw, _ := os.ReadFile(path)
	if !bytes.HasPrefix(raw, []byte(`{"name":"a"}`+"\n"+fragment+"\n{")) {
		t.Errorf("fragment not kept on its own line:\n%s", raw)
	}
	if n := bytes.Count(raw, []byte("\n")); n != 4 {
		t.Errorf("%d lines, want 4:\n%s", n, raw)
	}
	recs, probs = mustRead(t, path)
	if names := names(recs); names != "a b c" {
		t.Errorf("records %q, want a b c", names)
	}
	if len(probs) != 1 || probs[0].Line != 2 || !strings.Contains(probs[0].Reason, "not a JSON record") {
		t.Errorf("problems %v, want line 2 only", probs)
	}
}

func names(recs []record.Record) string {
	var s []string
	for _, r := range recs {
		s = append(s, r.Name)
	}
	return strings.Join(s, " ")
}

func TestLockRefusesSecondOpen(t *testing.T) {
	path := newPath(t)
	j := mustOpen(t, path)
	if b, _ := os.ReadFile(path + ".lock"); strings.TrimSpace(string(b)) != fmt.Sprint(os.Getpid()) {
		t.Errorf("lock file holds %q, want our pid", b)
	}

	_, err := Open(path)
	var inUse *InUseError
	if !errors.Is(err, ErrInUse) || !errors.As(err, &inUse) {
		t.Fatalf("second Open: %v, want an InUseError", err)
	}
	if want := fmt.Sprintf("%s is in use by another trustfix run (pid %d)", path, os.Getpid()); err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}

	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := j.Append(rec("a", "")); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
	if b, _ := os.ReadFile(path + ".lock"); strings.TrimSpace(string(b)) != "" {
		t.Errorf("lock file still names a pid after Close: %q", b)
	}
	mustOpen(t, path)
}

func TestInUseErrorWithoutPID(t *testing.T) {
	err := &InUseError{Path: "journal.jsonl"}
	if got := err.Error(); got != "journal.jsonl is in use by another trustfix run (pid unknown)" {
		t.Errorf("got %q", got)
	}
}

func TestOpenFailsCleanly(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "missing", "journal.jsonl")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
	dir := t.TempDir() // a directory where the journal should be
	if _, err := Open(dir); err == nil {
		t.Error("Open of a directory succeeded")
	}
	if _, err := Open(dir); errors.Is(err, ErrInUse) {
		t.Error("a failed Open kept the lock")
	}
}

// counting replaces the durability calls, to prove they happen.
type counting struct {
	mu        sync.Mutex
	files     int
	dirs      []string
	failFiles error
}

func (c *counting) hooks() hooks {
	return hooks{
		syncFile: func(f *os.File) error {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.files++
			if c.failFiles != nil {
				return c.failFiles
			}
			return f.Sync()
		},
		syncDir: func(dir string) error {
			c.dirs = append(c.dirs, dir)
			return syncDir(dir)
		},
	}
}

func TestFsync(t *testing.T) {
	path := newPath(t)
	c := &counting{}
	j, err := open(path, c.hooks())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := j.Append(rec(fmt.Sprint(i), "")); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	if c.files != 3 || !reflect.DeepEqual(c.dirs, []string{filepath.Dir(path)}) {
		t.Errorf("synced files %d times (want 3) and dirs %v (want the journal's, once)", c.files, c.dirs)
	}

	// Reopening an existing journal creates no entry: no directory sync.
	c = &counting{failFiles: errors.New("EIO")}
	j, err = open(path, c.hooks())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if len(c.dirs) != 0 {
		t.Errorf("reopen synced %v", c.dirs)
	}
	err1 := j.Append(rec("x", ""))
	if err1 == nil || !strings.Contains(err1.Error(), "fsync: EIO") {
		t.Fatalf("Append with failing fsync: %v", err1)
	}
	if err2 := j.Append(rec("y", "")); err2 != err1 || c.files != 1 {
		t.Errorf("Append after a failed fsync: %v (fsyncs %d), want the first error again", err2, c.files)
	}
}
