package platform

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/session"
)

// Question is a device question as an anchored, quoted pattern: it must end
// the output (scrapligo's ChannelResponse is a regexp, and "[yes/no]"
// unquoted would match at once).
func Question(text string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)` + regexp.QuoteMeta(text) + `\s*$`)
}

// Paste writes lines as one burst followed by end (the platform's
// terminator), then reads until a question or the prompt.
func Paste(sh Shell, lines []string, end string, expect ...*regexp.Regexp) (string, error) {
	if err := sh.Write(strings.Join(lines, "\n") + "\n" + end); err != nil {
		return "", err
	}
	return sh.ReadUntil(expect...)
}

// StepError says which step of a sequence failed.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return e.Step + ": " + e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// Step wraps err with the step name (nil stays nil).
func Step(step string, err error) error {
	if err == nil {
		return nil
	}
	return &StepError{Step: step, Err: err}
}

// ErrRejected is a device's refusal of an import (its own message follows).
var ErrRejected = errors.New("the device rejected the import")

// Rejected quotes the device's failure line.
func Rejected(out string, fallback string) error {
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "%") || strings.HasPrefix(t, "ERROR") || strings.HasPrefix(t, "Error") ||
			strings.Contains(t, "not FIPS compliant") || strings.HasPrefix(t, "cp:") {
			return fmt.Errorf("%w: %s", ErrRejected, t)
		}
	}
	return fmt.Errorf("%w: %s", ErrRejected, fallback)
}

// Continues reports whether a sequence may go on after err: err is nil or
// the device's answer (a refusal, a failure line), which a driver may
// judge by reading the device's state, or fall back from. It may not
// after ErrStopped (nothing more may be sent) nor after a question the
// session cancelled (session.ErrQuestion: the operator must read it).
func Continues(err error) bool {
	return !errors.Is(err, ErrStopped) && !errors.Is(err, session.ErrQuestion)
}

// Refused reports whether err is the device refusing a command (its CLI
// printed an error marker: session.CommandError), rather than a failure
// of the session.
func Refused(err error) bool {
	var refused *session.CommandError
	return errors.As(err, &refused)
}

// ErrConflict: the device holds something that stops the sequence (a
// trustpoint of our name with another certificate).
var ErrConflict = errors.New("conflict on the device")

// ErrNotSupported: the platform or mode does not offer the method.
var ErrNotSupported = errors.New("not supported")

// lastLine is the last non-empty line of out.
func lastLine(out string) string {
	out = strings.TrimRight(out, "\n ")
	return out[strings.LastIndex(out, "\n")+1:]
}

// LastLine exposes lastLine for the platform packages.
func LastLine(out string) string { return lastLine(out) }

// Says reports whether the device's answer behind err (its output, or the
// error's own text) contains text.
func Says(err error, text string) bool {
	return err != nil && strings.Contains(Output(err)+err.Error(), text)
}

// WriteMemory saves the running configuration where `write memory` does
// (IOS XE, ASA): the device's [OK] is the proof; its questions are the
// Spec's to answer.
func WriteMemory(sh Shell) error {
	out, err := sh.Send("write memory")
	if err == nil && !strings.Contains(out, "[OK]") {
		err = Rejected(out, "no [OK]")
	}
	return Step("write memory", err)
}

// Output is the device output carried by err (a rejected command), or "".
func Output(err error) string {
	var o interface{ DeviceOutput() string }
	if errors.As(err, &o) {
		return o.DeviceOutput()
	}
	return ""
}
