package remediate

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/platform"
)

// errAborted is a step refused after the second signal.
var errAborted = errors.New("aborted by a second signal")

// aborting wraps a Shell: once hard is cancelled, only commands that back
// out are let through, so a sequence stops at its next step and its guard
// still leaves config mode, ends a paste and discards buffers.
type aborting struct {
	platform.Shell
	hard context.Context
}

func guard(sh platform.Shell, hard context.Context) platform.Shell {
	if hard == nil {
		return sh
	}
	return &aborting{Shell: sh, hard: hard}
}

// retreat are the first words of commands that only ever back out.
var retreat = map[string]bool{"": true, "end": true, "exit": true, "abort": true, "discard-buffer": true, "top": true, "up": true, "quit": true, "no": true}

func (g *aborting) allowed(cmd string) bool {
	if g.hard.Err() == nil {
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

func (g *aborting) Send(cmd string) (string, error) {
	if !g.allowed(cmd) {
		return "", errAborted
	}
	return g.Shell.Send(cmd)
}

func (g *aborting) SendExpect(cmd string, expect ...*regexp.Regexp) (string, error) {
	if !g.allowed(cmd) {
		return "", errAborted
	}
	return g.Shell.SendExpect(cmd, expect...)
}

// Write lets through only what ends an open dialog: an empty line, quit,
// ENDOFBUF's alternative ^C.
func (g *aborting) Write(text string) error {
	if g.hard.Err() != nil && strings.Trim(text, "\n") != "" && text != "\x03" && strings.TrimSpace(text) != "quit" {
		return errAborted
	}
	return g.Shell.Write(text)
}
