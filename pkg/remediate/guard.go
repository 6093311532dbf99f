package remediate

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/session"
)

// errAborted is a step refused after the second signal.
var errAborted = errors.New("aborted by a second signal")

// guarded wraps the Shell a driver gets. Once hard is cancelled, only
// commands that back out are let through, so a sequence stops at its next
// step and its own guard still leaves config mode, ends a paste and
// discards buffers. Every error after which nothing more can be sent (the
// second signal, the connection lost, the device's deadline) is marked
// platform.ErrStopped, so that a driver never falls back to another
// method on a session that is over.
type guarded struct {
	platform.Shell
	ctx, hard context.Context
}

func guard(sh platform.Shell, ctx, hard context.Context) platform.Shell {
	return &guarded{Shell: sh, ctx: ctx, hard: hard}
}

// stopped is an error marked platform.ErrStopped; its text is unchanged.
type stopped struct{ error }

func (e stopped) Unwrap() error        { return e.error }
func (e stopped) Is(target error) bool { return target == platform.ErrStopped }

func (g *guarded) mark(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, errAborted) || errors.Is(err, session.ErrClosed) || g.ctx.Err() != nil {
		return stopped{err}
	}
	return err
}

func (g *guarded) aborting() bool { return g.hard != nil && g.hard.Err() != nil }

// retreat are the first words of commands that only ever back out.
var retreat = map[string]bool{"": true, "end": true, "exit": true, "abort": true, "discard-buffer": true, "top": true, "up": true, "quit": true, "no": true}

func (g *guarded) allowed(cmd string) bool {
	if !g.aborting() {
		return true
	}
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return true
	}
	if f[0] == "run" && len(f) > 1 && f[1] == "rm" { // removing our /tmp copy
		return true
	}
	return retreat[strings.ToLower(f[0])]
}

func (g *guarded) Show(cmd string) (string, error) {
	out, err := g.Shell.Show(cmd)
	return out, g.mark(err)
}

func (g *guarded) Send(cmd string) (string, error) {
	if !g.allowed(cmd) {
		return "", g.mark(errAborted)
	}
	out, err := g.Shell.Send(cmd)
	return out, g.mark(err)
}

func (g *guarded) SendExpect(cmd string, expect ...*regexp.Regexp) (string, error) {
	if !g.allowed(cmd) {
		return "", g.mark(errAborted)
	}
	out, err := g.Shell.SendExpect(cmd, expect...)
	return out, g.mark(err)
}

// Write lets through only what ends an open dialog: an empty line, quit,
// ENDOFBUF's alternative ^C.
func (g *guarded) Write(text string) error {
	if g.aborting() && strings.Trim(text, "\n") != "" && text != "\x03" && strings.TrimSpace(text) != "quit" {
		return g.mark(errAborted)
	}
	return g.mark(g.Shell.Write(text))
}

func (g *guarded) ReadUntil(expect ...*regexp.Regexp) (string, error) {
	out, err := g.Shell.ReadUntil(expect...)
	return out, g.mark(err)
}
