package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"time"

	"go.uber.org/zap"
	"golang.org/x/term"

	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/report"
)

// Env is everything a command touches outside itself, built once (as the
// GitHub CLI's cmdutil.Factory) so tests can pass buffers, a fake
// environment, a fixed clock or their own platforms. Run fills what is
// left nil.
type Env struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// InTerminal, OutTerminal and ErrTerminal say whether stdin, stdout
	// and stderr are terminals (confirmation prompts; tables cut to the
	// width and colour; the progress line).
	InTerminal  bool
	OutTerminal bool
	ErrTerminal bool
	// OutWidth and ErrWidth give the terminal's width in columns (0:
	// unknown); consulted only for a terminal.
	OutWidth func() int
	ErrWidth func() int
	// ProgressEvery is how often an unattended run (stderr not a
	// terminal) logs a progress event (default 15s).
	ProgressEvery time.Duration
	// Operator names who runs trustfix, for the journal's run header
	// (default: user@host).
	Operator  func() string
	LookupEnv func(string) (string, bool)
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

	// Set by the root command's flags and by fill.
	color     string // --color: auto, always, never
	verbosity int    // -q: -1, default 0, -v: 1
	ownLogger bool   // Logger was built here: the flags may rebuild it
	console   *console
	flags     func() (color string, verbosity int)
}

// applyFlags takes --color, -v and -q once they are parsed, and rebuilds
// the logger at the level they ask (unless the caller gave its own).
func (e *Env) applyFlags() {
	if e.flags == nil {
		return
	}
	color, v := e.flags()
	e.color = color
	if v != e.verbosity && e.ownLogger {
		e.verbosity = v
		e.Logger = newLogger(e.Err, e.ErrTerminal, v)
	}
	e.verbosity = v
}

// SystemEnv is the real process environment.
func SystemEnv() Env {
	return Env{
		In:           os.Stdin,
		Out:          os.Stdout,
		Err:          os.Stderr,
		InTerminal:   term.IsTerminal(int(os.Stdin.Fd())),
		OutTerminal:  term.IsTerminal(int(os.Stdout.Fd())),
		ErrTerminal:  term.IsTerminal(int(os.Stderr.Fd())),
		OutWidth:     termWidth(os.Stdout),
		ErrWidth:     termWidth(os.Stderr),
		LookupEnv:    os.LookupEnv,
		Now:          time.Now,
		Hard:         context.Background(),
		ReadPassword: readPassword,
	}
}

// termWidth reads the width of the terminal on f each time (it may be
// resized during a run); 0 when it cannot.
func termWidth(f *os.File) func() int {
	return func() int {
		w, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return w
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
	if e.ErrTerminal && e.console == nil {
		// Everything written to stderr on a terminal goes through the
		// console, so that no line breaks the progress line.
		e.console = &console{w: e.Err}
		e.Err = e.console
	}
	if e.OutWidth == nil {
		e.OutWidth = func() int { return 0 }
	}
	if e.ErrWidth == nil {
		e.ErrWidth = func() int { return 0 }
	}
	if e.ProgressEvery <= 0 {
		e.ProgressEvery = 15 * time.Second
	}
	if e.Operator == nil {
		e.Operator = operator
	}
	if e.color == "" {
		e.color = colorAuto
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
		e.Logger = newLogger(e.Err, e.ErrTerminal, e.verbosity)
		e.ownLogger = true
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

// --color values.
const (
	colorAuto   = "auto"
	colorAlways = "always"
	colorNever  = "never"
)

// colorFor says whether output to a stream gets colour: --color always or
// never decides; auto colours a terminal unless NO_COLOR is set to
// anything (no-color.org) or TERM is dumb.
func (e *Env) colorFor(terminal bool) bool {
	switch e.color {
	case colorAlways:
		return true
	case colorNever:
		return false
	}
	if v, ok := e.LookupEnv("NO_COLOR"); ok && v != "" {
		return false
	}
	if v, _ := e.LookupEnv("TERM"); v == "dumb" {
		return false
	}
	return terminal
}

// widthFor is the width a table on a stream is laid out for: 0 (cut
// nothing) off a terminal; the terminal's width, else $COLUMNS, else 120
// on one whose size cannot be read.
func (e *Env) widthFor(terminal bool, size func() int) int {
	if !terminal {
		return 0
	}
	if w := size(); w > 0 {
		return w
	}
	if v, ok := e.LookupEnv("COLUMNS"); ok {
		if w, err := strconv.Atoi(v); err == nil && w > 0 {
			return w
		}
	}
	return 120
}

// tableOptions are the report options for records written to stdout.
func (e *Env) tableOptions(apply bool) report.Options {
	return report.Options{Apply: apply, Summary: true, Width: e.widthFor(e.OutTerminal, e.OutWidth), Color: e.colorFor(e.OutTerminal)}
}

// errTableOptions are those for a table written to stderr (apply's plan
// before the confirmation, fix's plan).
func (e *Env) errTableOptions(apply bool) report.Options {
	return report.Options{Apply: apply, Summary: true, Width: e.widthFor(e.ErrTerminal, e.ErrWidth), Color: e.colorFor(e.ErrTerminal)}
}

// operator is user@host, for the change record.
func operator() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return name + "@" + host
}
