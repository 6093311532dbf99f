package session

import (
	"errors"
	"fmt"
	"strings"
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
)

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
