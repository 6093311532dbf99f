package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// Sentinels that decide verdicts and retries. Classify with errors.Is.
var (
	// ErrAuth: the device refused the credentials (login or enable). Never
	// retried: retries lock accounts.
	ErrAuth = errors.New("authentication failed")
	// ErrHostKey: the host key is unknown (strict) or changed. Never retried.
	ErrHostKey = errors.New("host key verification failed")
	// ErrUnreachable: TCP or the SSH handshake failed before any login.
	// Safe to retry.
	ErrUnreachable = errors.New("unreachable")
	// ErrDeadline: the device's deadline passed and the session was closed.
	ErrDeadline = errors.New("device deadline exceeded")
	// ErrClosed: the connection went away mid-session.
	ErrClosed = errors.New("connection lost")
	// ErrTimeout: the device did not answer an operation in time.
	ErrTimeout = errors.New("device did not answer in time")
	// ErrOutputLimit: the device sent more than MaxOutput in one operation
	// without giving its prompt back; the session was closed. A device
	// that floods is not retried.
	ErrOutputLimit = fmt.Errorf("output exceeded %d MiB without a prompt", MaxOutput>>20)
	// ErrAborted: the run was aborted (its context cancelled, e.g. by a
	// second signal) and the session closed, at once or once its grace for
	// backing out had passed. It matches context.Canceled.
	ErrAborted = fmt.Errorf("aborted: session closed (%w)", context.Canceled)
	// ErrLocal: a resource of this machine ran out (open files, memory,
	// sockets). It says nothing about the device: never a verdict of
	// unreachable, never retried per device.
	ErrLocal = errors.New("local resource exhausted")
	// ErrCommand: a command that is not one line of printable text; it is
	// never sent (a newline would make it two commands).
	ErrCommand = errors.New("not a single printable command line")
)

// localError wraps err in ErrLocal, with what to do about it, when it is a
// resource of this machine running out; nil otherwise.
func localError(err error) error {
	switch {
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return fmt.Errorf("%w: %v: raise ulimit -n or lower -c", ErrLocal, err)
	case errors.Is(err, syscall.ENOBUFS), errors.Is(err, syscall.ENOMEM), errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Errorf("%w: %v: lower -c", ErrLocal, err)
	}
	return nil
}

// LocalError is localError for callers outside the package (a transcript
// that cannot be opened for lack of file descriptors).
func LocalError(err error) error { return localError(err) }

// CommandError is a command the device rejected (scrapligo Response.Failed:
// "% Invalid input", "ERROR:", "Command authorization failed", ...).
type CommandError struct {
	Command string
	Match   string // the failure marker found
	Output  string
}

func (e *CommandError) Error() string {
	line := firstLineWith(e.Output, e.Match)
	if line == "" {
		line = e.Match
	}
	return fmt.Sprintf("%q rejected: %s", e.Command, line)
}

// DeviceOutput is what the device printed.
func (e *CommandError) DeviceOutput() string { return e.Output }

func firstLineWith(out, s string) string {
	for _, l := range strings.Split(out, "\n") {
		if s != "" && strings.Contains(l, s) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}
