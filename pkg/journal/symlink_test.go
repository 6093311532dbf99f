package journal

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/safefile"
)

// victim is a file a symbolic link points at; untouched reports whether it
// still has its content and modification time.
type victim struct {
	path string
	data []byte
	mod  time.Time
}

func newVictim(t *testing.T, dir, name string) victim {
	t.Helper()
	v := victim{path: filepath.Join(dir, name), data: []byte("precious: not a journal\n")}
	if err := os.WriteFile(v.path, v.data, 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(v.path, old, old); err != nil {
		t.Fatal(err)
	}
	v.mod = old
	return v
}

func (v victim) check(t *testing.T) {
	t.Helper()
	st, err := os.Stat(v.path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(v.path)
	if string(got) != string(v.data) || !st.ModTime().Equal(v.mod) {
		t.Errorf("%s was touched: %q, modified %v (want %v)", v.path, got, st.ModTime(), v.mod)
	}
}

// A journal or lock path that is a symbolic link is refused, and the file
// it points at is neither appended to nor truncated.
func TestSymlinksRefused(t *testing.T) {
	for _, which := range []string{"journal", "lock"} {
		t.Run(which, func(t *testing.T) {
			dir := t.TempDir()
			v := newVictim(t, dir, "victim.txt")
			path := filepath.Join(dir, "journal.jsonl")
			link := path
			if which == "lock" {
				link = path + ".lock"
			}
			if err := os.Symlink(v.path, link); err != nil {
				t.Fatal(err)
			}
			j, err := Open(path)
			if err == nil {
				_ = j.Append(rec("a", ""))
				j.Close()
				t.Fatal("Open followed a symbolic link")
			}
			if !errors.Is(err, safefile.ErrSymlink) {
				t.Errorf("error %v, want a refused symbolic link", err)
			}
			v.check(t)
			if which == "lock" {
				if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("the journal was created although its lock was refused: %v", err)
				}
			}
		})
	}
}

// A FIFO at the journal's name does not block Open, and a lock file with a
// second hard link (another file's bytes) is not written to.
func TestNotRegularRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.jsonl")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, safefile.ErrNotRegular) {
		t.Errorf("journal is a FIFO: %v, want refused", err)
	}

	dir = t.TempDir()
	v := newVictim(t, dir, "victim.txt")
	path = filepath.Join(dir, "journal.jsonl")
	if err := os.Link(v.path, path+".lock"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil {
		t.Fatal("a hard-linked lock file was used")
	}
	v.check(t)
}
