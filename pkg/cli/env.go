package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"go.uber.org/zap"
	"golang.org/x/term"

	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/registry"
)

// Env is everything a command touches outside itself, built once (as the
// GitHub CLI's cmdutil.Factory) so tests can pass buffers, a fake
// environment, a fixed clock or their own platforms. Run fills what is
// left nil.
type Env struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// InTerminal and ErrTerminal say whether stdin / stderr are terminals
	// (confirmation prompts, the progress bar).
	InTerminal  bool
	ErrTerminal bool
	LookupEnv   func(string) (string, bool)
	// Now is the clock (run ids, record times, CA expiry).
	Now func() time.Time
	// Hard is cancelled by a second signal: devices in flight abort.
	Hard context.Context
	// ReadPassword reads a secret from the terminal without echo.
	ReadPassword func(prompt string) (string, error)
	// Registry holds the platforms (nil: every supported platform).
	Registry *platform.Registry
	// Logger logs to Err: JSON lines when Err is not a terminal (an
	// unattended run), warnings only on a terminal, where the progress bar
	// shows the rest.
	Logger *zap.Logger
}

// SystemEnv is the real process environment.
func SystemEnv() Env {
	return Env{
		In:           os.Stdin,
		Out:          os.Stdout,
		Err:          os.Stderr,
		InTerminal:   term.IsTerminal(int(os.Stdin.Fd())),
		ErrTerminal:  term.IsTerminal(int(os.Stderr.Fd())),
		LookupEnv:    os.LookupEnv,
		Now:          time.Now,
		Hard:         context.Background(),
		ReadPassword: readPassword,
	}
}

// readPassword turns echo off before it shows the prompt, so nothing typed
// after the prompt appears can be echoed.
func readPassword(prompt string) (string, error) {
	fd := int(os.Stdin.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return "", err
	}
	defer func() { _ = term.Restore(fd, old) }()
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{os.Stdin, os.Stderr}, "")
	pw, err := t.ReadPassword(prompt)
	fmt.Fprint(os.Stderr, "\r\n")
	return pw, err
}

func (e *Env) fill() error {
	if e.In == nil {
		e.In = os.Stdin
	}
	if e.Out == nil {
		e.Out = io.Discard
	}
	if e.Err == nil {
		e.Err = io.Discard
	}
	if e.LookupEnv == nil {
		e.LookupEnv = os.LookupEnv
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.Hard == nil {
		e.Hard = context.Background()
	}
	if e.Logger == nil {
		e.Logger = newLogger(e.Err, e.ErrTerminal)
	}
	if e.Registry == nil {
		r, err := registry.Default()
		if err != nil {
			return err
		}
		e.Registry = r
	}
	return nil
}
