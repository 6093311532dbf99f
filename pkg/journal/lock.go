package journal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"

	"github.com/trustfix/trustfix/pkg/safefile"
)

// ErrInUse matches (with errors.Is) the error Open returns when another
// trustfix run holds the journal.
var ErrInUse = errors.New("journal is in use by another trustfix run")

// InUseError is Open's error when another run holds the journal's lock.
type InUseError struct {
	Path string // the journal, as given to Open
	PID  int    // the holder's pid, 0 when it could not be read
}

// Error reads e.g. `journal.jsonl is in use by another trustfix run (pid 1234)`.
func (e *InUseError) Error() string {
	who := "pid unknown"
	if e.PID > 0 {
		who = "pid " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("%s is in use by another trustfix run (%s)", e.Path, who)
}

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// maxLockSize is more than our pid field ever fills: a bigger file at the
// lock's name is not our lock, and we would overwrite its first bytes.
const maxLockSize = 64

// acquire locks journal+".lock" without blocking and writes our pid into
// it for the message another run will print. The lock file must be a
// regular file of its own (not a symbolic link, not a hard link to another
// name, no bigger than a pid): its first bytes are overwritten.
func acquire(journal string) (*os.File, error) {
	name := journal + ".lock"
	f, err := safefile.Open(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock journal: %w", err)
	}
	if st, err := f.Stat(); err != nil || st.Size() > maxLockSize || links(st) > 1 {
		f.Close()
		if err == nil {
			err = fmt.Errorf("%s is not a trustfix lock file (%d bytes, %d links); refusing to write to it", name, st.Size(), links(st))
		}
		return nil, fmt.Errorf("lock journal: %w", err)
	}
	busy, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock journal: %s: %w", name, err)
	}
	if busy {
		pid := readPID(f)
		f.Close()
		return nil, &InUseError{Path: journal, PID: pid}
	}
	if err := writePID(f); err != nil {
		f.Close() // closing the descriptor drops the lock
		return nil, fmt.Errorf("lock journal: %s: %w", name, err)
	}
	return f, nil
}

// release blanks the pid and closes the lock file; closing drops the
// lock. The pid goes first so a stale one never names a run that has
// ended. The file is overwritten in place, never truncated.
func release(f *os.File) {
	if f == nil {
		return
	}
	_, _ = f.WriteAt(pidField(""), 0)
	_ = f.Close()
}

// pidField is the fixed-width record at the start of the lock file, so a
// shorter pid overwrites a longer one without truncating the file.
func pidField(pid string) []byte {
	return []byte(fmt.Sprintf("%-15s\n", pid))
}

func writePID(f *os.File) error {
	_, err := f.WriteAt(pidField(strconv.Itoa(os.Getpid())), 0)
	return err
}

// readPID returns the pid on the lock file's first line, or 0: the holder
// may not have written it yet.
func readPID(f *os.File) int {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, maxLockSize))
	if err != nil {
		return 0
	}
	b, _, _ = bytes.Cut(b, []byte("\n"))
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// links is the file's hard-link count (1 where the system does not say).
func links(st os.FileInfo) uint64 {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Nlink)
	}
	return 1
}
