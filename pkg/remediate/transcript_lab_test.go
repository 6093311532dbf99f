package remediate_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/remediate"
	"github.com/trustfix/trustfix/pkg/session"
)

// startHostileXE is startXE's device with hostile behaviour.
func startHostileXE(t *testing.T, h string) (*devsim.Device, inventory.Device) {
	t.Helper()
	_, dev, d := startScenarioXE(t, strings.Replace(oneXE, "quovadis: true}", "quovadis: true, faults: {hostile: "+h+"}}", 1))
	return dev, d
}

// A device's transcript is capped across its attempts: a device that
// floods fails at the output cap, and its transcript stops at
// MaxTranscript with a note, however much it already held.
func TestTranscriptCapped(t *testing.T) {
	_, d := startHostileXE(t, `{flood_at: "show crypto"}`)
	dir := t.TempDir()
	run := &record.RunInfo{ID: "run-1"}
	path := filepath.Join(dir, "run-1", "xe1.log")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	// Earlier attempts already wrote all but 1 MiB of the cap.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(remediate.MaxTranscript - 1<<20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r := &remediate.Runner{Registry: registry.Default(), CA: cert.Default(), TranscriptDir: dir, Run: run}
	rec := r.Device(context.Background(), d, 2).Record
	want := fmt.Sprintf("output exceeded %d MiB without a prompt", session.MaxOutput>>20)
	if !strings.Contains(rec.Error, want) || rec.Transcript != path {
		t.Fatalf("error %q transcript %q: want %q in %s", rec.Error, rec.Transcript, want, path)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	note := fmt.Sprintf("[trustfix: transcript cut at %d MiB]", remediate.MaxTranscript>>20)
	if st.Size() > remediate.MaxTranscript+int64(len(note))+2 {
		t.Errorf("transcript is %d bytes, cap %d", st.Size(), remediate.MaxTranscript)
	}
	tail := make([]byte, 200)
	f, _ = os.Open(path)
	defer f.Close()
	n, _ := f.ReadAt(tail, st.Size()-int64(len(tail)))
	if !strings.Contains(string(tail[:n]), note) {
		t.Errorf("transcript does not end with the note: %q", tail[:n])
	}
}

// The transcript path is built from a sanitised name inside the run's
// folder; a run folder that is a symbolic link is not written through.
func TestTranscriptPath(t *testing.T) {
	_, d := startHostileXE(t, `{}`)
	dir := t.TempDir()
	d.Name = "../../escape me"
	r := &remediate.Runner{Registry: registry.Default(), CA: cert.Default(), TranscriptDir: dir, Run: &record.RunInfo{ID: "run-1"}}
	rec := r.Device(context.Background(), d, 1).Record
	if rec.Error != "" || filepath.Dir(rec.Transcript) != filepath.Join(dir, "run-1") || strings.Contains(filepath.Base(rec.Transcript), "..") {
		t.Fatalf("error %q, transcript %q: want a file inside %s", rec.Error, rec.Transcript, filepath.Join(dir, "run-1"))
	}

	elsewhere := t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(dir, "run-2")); err != nil {
		t.Fatal(err)
	}
	r.Run = &record.RunInfo{ID: "run-2"}
	d.Name = "xe1"
	rec = r.Device(context.Background(), d, 1).Record
	if rec.Transcript != "" {
		t.Errorf("transcript %q written through a symbolic link", rec.Transcript)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("%d files written where the link points", len(ents))
	}
}
