// Package journal is the durable record of a run: JSON Lines, one
// record.Record per device per attempt. Each line goes to disk in a single
// write(2) followed by fsync before Append returns, so a crash loses at most
// the line being written, and the next run can resume from what is on disk.
// A journal is only ever appended to: never rewritten, never truncated.
package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/safefile"
)

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("journal is closed")

// Journal is an open, locked journal file. Its methods are safe for
// concurrent use.
type Journal struct {
	path string
	h    hooks

	mu   sync.Mutex
	f    *os.File
	lock *os.File
	// torn is set when the file may end in a partial line; the next write
	// then starts with "\n" so the new record gets a line of its own.
	torn bool
	// err is sticky: after a failed write or fsync the state on disk is
	// unknown (and a retried fsync can falsely succeed), so no later record
	// may be reported as durable.
	err error
}

// hooks are the durability calls, replaceable by tests to count or fail
// them.
type hooks struct {
	syncFile func(*os.File) error
	syncDir  func(dir string) error
}

func defaultHooks() hooks {
	return hooks{syncFile: (*os.File).Sync, syncDir: syncDir}
}

// Open opens the journal at path for appending, creating it with mode 0600
// if it does not exist (an existing file keeps its mode and content). It
// takes an exclusive lock on path+".lock" so two runs cannot write one
// journal; a second Open, from this or another process, fails with an
// *InUseError naming the holder's pid. The kernel drops the lock when the
// holder dies, so a crashed run never blocks the next one. The lock file
// is left in place on Close: removing it would let two runs lock
// different inodes of the same name.
func Open(path string) (*Journal, error) {
	return open(path, defaultHooks())
}

func open(path string, h hooks) (*Journal, error) {
	lock, err := acquire(path)
	if err != nil {
		return nil, err
	}
	f, torn, err := openFile(path, h)
	if err != nil {
		release(lock)
		return nil, err
	}
	return &Journal{path: path, h: h, f: f, lock: lock, torn: torn}, nil
}

// openFile opens (or creates) the journal for appending and reports
// whether its last line is unterminated. A symbolic link or anything but a
// regular file at path is refused: lines must never land in another file.
func openFile(path string, h hooks) (*os.File, bool, error) {
	f, err := safefile.Open(path, os.O_RDWR|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o600)
	created := err == nil
	if errors.Is(err, fs.ErrExist) {
		f, err = safefile.Open(path, os.O_RDWR|os.O_APPEND, 0)
	}
	if err != nil {
		return nil, false, fmt.Errorf("open journal: %w", err)
	}
	if created {
		// The new directory entry must survive a crash too, or the
		// fsynced lines could vanish with the name that holds them.
		if err := h.syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, false, fmt.Errorf("open journal: sync directory: %w", err)
		}
		return f, false, nil
	}
	torn, err := endsTorn(f)
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("open journal: %w", err)
	}
	return f, torn, nil
}

// endsTorn reports whether a non-empty file does not end in "\n": the
// trace of a run killed in the middle of a write. It reads through the
// descriptor Open checked, not the name again.
func endsTorn(r *os.File) (bool, error) {
	st, err := r.Stat()
	if err != nil || st.Size() == 0 {
		return false, err
	}
	last := make([]byte, 1)
	if _, err := r.ReadAt(last, st.Size()-1); err != nil && err != io.EOF {
		return false, err
	}
	return last[0] != '\n', nil
}

// Path returns the journal's file name as given to Open.
func (j *Journal) Path() string { return j.path }

// Append writes rec as one line and fsyncs it; the record counts only
// once Append returns nil. After a write or fsync error every later Append
// fails with the same error.
func (j *Journal) Append(rec record.Record) error {
	if rec.Name == "" {
		return errors.New("journal: append: record has no device name")
	}
	line, err := json.Marshal(rec) // never contains a raw newline
	if err != nil {
		return fmt.Errorf("journal: append %q: %w", rec.Name, err)
	}
	return j.write(line, fmt.Sprintf("%q", rec.Name))
}

// write appends one line (JSON without a newline) and fsyncs it; what
// names it in errors.
func (j *Journal) write(line []byte, what string) error {
	buf := make([]byte, 0, len(line)+2)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return ErrClosed
	}
	if j.err != nil {
		return j.err
	}
	if j.torn {
		buf = append(buf, '\n')
	}
	buf = append(buf, line...)
	buf = append(buf, '\n')
	// One write(2) for the whole line: O_APPEND places it atomically at
	// the end, so concurrent writers cannot interleave inside a line.
	if _, err := j.f.Write(buf); err != nil {
		j.err = fmt.Errorf("journal: append %s: %w", what, err)
		return j.err
	}
	j.torn = false
	if err := j.h.syncFile(j.f); err != nil {
		j.err = fmt.Errorf("journal: append %s: fsync: %w", what, err)
		return j.err
	}
	return nil
}

// Close closes the journal and releases its lock. It is safe to call more
// than once.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	release(j.lock)
	j.lock = nil
	if err != nil {
		return fmt.Errorf("close journal: %w", err)
	}
	return nil
}
