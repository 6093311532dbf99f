package cli

import (
	"errors"
	"fmt"
)

// Exit codes (SPEC).
const (
	ExitOK      = 0 // every device fine: compliant, remediated or planned
	ExitInput   = 1 // bad usage or invalid input; nothing was touched
	ExitDevices = 2 // some devices failed or were unreachable, or hold the CA only until their next reload (a follow-up)
	ExitStopped = 3 // the run stopped early (max-failures, canary, credential circuit breaker, signal)
)

// errInput marks bad usage or input: exit 1, nothing touched.
type errInput struct{ err error }

func (e *errInput) Error() string { return e.err.Error() }
func (e *errInput) Unwrap() error { return e.err }

func inputErr(err error) error { return &errInput{err} }

func inputErrf(format string, a ...any) error { return &errInput{fmt.Errorf(format, a...)} }

// errDevicesFailed: the run finished but some devices failed, or need a
// follow-up nobody accepted (exit 2).
var errDevicesFailed = errors.New("some devices failed, were unreachable or need a follow-up")

// errStopped: the run stopped early (exit 3).
type errStopped struct{ reason string }

func (e *errStopped) Error() string { return "run stopped early: " + e.reason }

// exitCode maps the error a command returned to the process exit code.
func exitCode(err error) int {
	var in *errInput
	var st *errStopped
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &st):
		return ExitStopped
	case errors.Is(err, errDevicesFailed):
		return ExitDevices
	case errors.As(err, &in):
		return ExitInput
	}
	// Cobra's own flag and argument errors are usage errors too.
	return ExitInput
}
