package journal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
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

// acquire locks journal+".lock" without blocking and writes our pid into
// it for the message another run will print.
func acquire(journal string) (*os.File, error) {
	name := journal + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
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

// release empties and closes the lock file; closing drops the lock. The
// pid goes first so a stale one never names a run that has ended.
func release(f *os.File) {
	if f == nil {
		return
	}
	_ = f.Truncate(0)
	_ = f.Close()
}

func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

// readPID returns the pid in a lock file, or 0: the holder may not have
// written it yet.
func readPID(f *os.File) int {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 64))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
