// Package session drives one device's CLI: our own SSH transport (host-key
// policy, legacy algorithms, jump host, handshake deadline, keepalives)
// under a scrapligo network driver loaded from platforms/, with paging off,
// enable done, a redacted transcript and a watchdog for the device deadline.
package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scrapli/scrapligo/driver/network"
	"github.com/scrapli/scrapligo/driver/options"
	"github.com/scrapli/scrapligo/util"

	"github.com/trustfix/trustfix/platforms"
)

// Options tune a session.
type Options struct {
	// Profile is the platform's; nil connects with the pre-detection
	// definition (any supported CLI's prompt): call Use once the platform
	// is known.
	Profile *Profile
	// Handshake bounds TCP connect + SSH handshake + login (default 10s).
	Handshake time.Duration
	// Deadline closes the session when it passes (the device's deadline).
	Deadline time.Time
	// OpTimeout bounds one command (default 60s).
	OpTimeout time.Duration
	// KeepAlive is the SSH keepalive interval (default 30s; <0 disables).
	KeepAlive time.Duration
	// ReadDelay is scrapligo's poll interval (default 1ms).
	ReadDelay time.Duration
	// Transcript receives everything the device sends. Wrap it in a
	// secret.Redactor writer: echoed input can hold secrets.
	Transcript io.Writer
	// OnWarning receives operator-relevant notes (e.g. paging fallback).
	OnWarning func(string)
	// KnownHosts is the run's known_hosts reader, shared by its sessions
	// (nil: one for this session alone).
	KnownHosts *KnownHosts
	// ReadOnly refuses every command line that is not on the platform's
	// read-only list (show, dir, terminal settings, scope navigation):
	// `plan` cannot change a device.
	ReadOnly bool
	// QuestionWait is how long output must stay still at a question-like
	// tail before the device counts as asking (default
	// DefaultQuestionWait).
	QuestionWait time.Duration
	// AbortGrace is how long a session stays open once ctx is cancelled
	// (the second signal), so a sequence's guard can back out; then the
	// connection is closed (default DefaultAbortGrace). A cancel during
	// Open closes at once: there is nothing to back out of.
	AbortGrace time.Duration
}

// DefaultAbortGrace bounds the backing out after a second signal: long
// enough for a guard's few commands, short enough that the process ends
// within seconds even when a device stops answering.
const DefaultAbortGrace = 5 * time.Second

// ErrReadOnly is a command refused by a read-only session.
var ErrReadOnly = errors.New("refused in a read-only session")

// Session is one logged-in CLI session. It is for one goroutine, except
// Close, which any goroutine may call.
type Session struct {
	target Target
	opt    Options
	drv    *network.Driver
	sh     *shell
	feed   *feed // the channel log: wakes readers, buffers the transcript
	// promptAtStart is the prompt pattern anchored at the start of the
	// text: the last line is matched against it.
	promptAtStart *regexp.Regexp
	platform      string
	// readOnly is what a read-only session may send now: show only before
	// the platform is known, then the profile's list.
	readOnly *regexp.Regexp
	// pager is true while paging is on: reads answer the pager's prompt.
	pager  bool
	prompt string
	// lastCmd is the last command sent: it scopes the known questions of
	// a read that follows raw input (a paste).
	lastCmd string
	// questions are the platform's known questions; cancel how it cancels
	// any other ("" is ^C).
	questions []Question
	cancelQ   string
	stop      chan struct{}
	// cancel releases the session's context; unwatch stops the watcher
	// that closes the connection when that context ends.
	cancel    context.CancelFunc
	unwatch   func() bool
	expired   atomic.Bool // the device's deadline closed the session
	aborted   atomic.Bool // ctx was cancelled: closing after AbortGrace
	mu        sync.Mutex
	grace     *time.Timer // closes the session AbortGrace after a cancel
	closeOnce sync.Once
}

// Open connects and logs in. With a known platform it also enables and
// turns paging off (Use). Every stage has a deadline: TCP, handshake and
// login share Handshake; the session, PTY and shell requests get
// Handshake again; the first prompt and every command OpTimeout; and all of
// them the device's Deadline and ctx. A stage that runs out is interrupted
// by closing the connection under it.
func Open(ctx context.Context, t Target, opt Options) (*Session, error) {
	if opt.Handshake <= 0 {
		opt.Handshake = 10 * time.Second
	}
	if opt.OpTimeout <= 0 {
		opt.OpTimeout = 60 * time.Second
	}
	if opt.KeepAlive == 0 {
		opt.KeepAlive = 30 * time.Second
	}
	if opt.ReadDelay <= 0 {
		opt.ReadDelay = time.Millisecond
	}
	if opt.AbortGrace <= 0 {
		opt.AbortGrace = DefaultAbortGrace
	}
	cancel := context.CancelFunc(func() {})
	if !opt.Deadline.IsZero() {
		ctx, cancel = context.WithDeadline(ctx, opt.Deadline)
	}
	if !opt.Deadline.IsZero() && time.Until(opt.Deadline) < opt.Handshake {
		opt.Handshake = max(time.Until(opt.Deadline), time.Millisecond)
	}
	if opt.KnownHosts == nil {
		opt.KnownHosts = &KnownHosts{}
	}
	t.Keys.Warn, t.JumpKeys.Warn = opt.OnWarning, opt.OnWarning
	client, closeAll, err := dial(ctx, t, opt.Handshake, opt.KnownHosts)
	if err != nil {
		cancel()
		if !opt.Deadline.IsZero() && !time.Now().Before(opt.Deadline) && errors.Is(err, ErrUnreachable) {
			return nil, fmt.Errorf("%w during the SSH handshake: %w", ErrDeadline, err)
		}
		return nil, err
	}
	sctx, scancel := context.WithTimeout(ctx, opt.Handshake)
	sh, step, err := openShell(sctx, client, closeAll)
	scancel()
	if err != nil {
		closeAll()
		cancel()
		return nil, shellError(ctx, step, opt.Handshake, err)
	}
	s := &Session{target: t, opt: opt, sh: sh, feed: newFeed(opt.Transcript), pager: true, stop: make(chan struct{}), cancel: cancel}
	sh.feed = s.feed
	if opt.KeepAlive > 0 {
		go keepalive(client, opt.KeepAlive, s.stop)
	}
	// Closing the shell is the only way to interrupt scrapligo (no
	// context): while logging in, ctx ending closes it at once.
	s.unwatch = context.AfterFunc(ctx, func() { s.expire(ctx); _ = s.sh.Close() })
	if err := s.start(); err != nil {
		s.Close()
		return nil, err
	}
	if opt.Profile != nil {
		if err := s.Use(*opt.Profile); err != nil {
			s.Close()
			return nil, err
		}
	}
	if !s.unwatch() { // ctx ended as the login finished
		s.Close()
		return nil, s.wrap("login", ErrClosed)
	}
	// From here a cancel leaves AbortGrace for backing out.
	s.unwatch = context.AfterFunc(ctx, func() { s.ended(ctx) })
	return s, nil
}

// shellError words a failed session/PTY/shell request.
func shellError(ctx context.Context, step string, limit time.Duration, err error) error {
	stage := step + " request"
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("opening a shell: %w (no answer to the %s)", ErrDeadline, stage)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("opening a shell: %w", stageTimeout(stage, limit))
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("opening a shell: %w", ErrAborted)
	}
	return fmt.Errorf("%w: opening a shell: %s request: %v", ErrUnreachable, step, err)
}

// expire records why ctx ended: the device's deadline, or a cancel.
func (s *Session) expire(ctx context.Context) {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		s.expired.Store(true)
	} else {
		s.aborted.Store(true)
	}
}

// ended runs when the session's context ends after Open: the deadline
// closes the session now; a cancel (second signal) leaves AbortGrace for
// the guards to back out, then closes it (at once when read-only: there is
// nothing to back out of).
func (s *Session) ended(ctx context.Context) {
	s.expire(ctx)
	if s.expired.Load() || s.opt.ReadOnly {
		_ = s.sh.Close()
		return
	}
	t := time.AfterFunc(s.opt.AbortGrace, func() { _ = s.sh.Close() })
	s.mu.Lock()
	s.grace = t
	s.mu.Unlock()
}

func (s *Session) start() error {
	id, def := "auto", []byte(nil)
	s.readOnly = readOnlyRE(nil)
	if p := s.opt.Profile; p != nil {
		id, def = p.Platform, p.Definition
		s.readOnly = readOnlyRE(p.ReadOnly)
	} else {
		var err error
		if def, err = platforms.Definition(platforms.Auto); err != nil {
			return err
		}
	}
	drv, err := s.newDriver(id, def)
	if err != nil {
		return err
	}
	s.drv = drv
	s.promptAtStart = anchorPrompt(drv.Channel.PromptPattern)
	if s.opt.Profile != nil {
		s.platform = id // Use need not load the same definition again
	}
	if err := s.drv.Open(); err != nil {
		return s.wrap("open", err)
	}
	// The device prints its banner and prompt on its own; sending a return
	// here would leave a second prompt queued in front of the first command.
	// (ReadUntil's bound is OpTimeout; a flood stops at MaxOutput.)
	if _, err := s.readUntil(false, nil); err != nil {
		return fmt.Errorf("waiting for the first prompt: %w", err)
	}
	return nil
}

// newDriver builds a scrapligo network driver from our definition, on our
// transport. Definitions are loaded from bytes: passing a name would pick
// scrapligo's built-in one.
func (s *Session) newDriver(id string, def []byte) (*network.Driver, error) {
	opts := []util.Option{
		options.WithCustomTransport(s.sh),
		options.WithPort(s.target.Port),
		options.WithTermWidth(termWidth),
		options.WithTimeoutOps(s.opt.OpTimeout),
		options.WithReadDelay(s.opt.ReadDelay),
		// Prompts are short: searching the last 256 bytes instead of 1000
		// after every chunk halves the regexp work on long listings.
		options.WithPromptSearchDepth(256),
		options.WithAuthSecondary(s.target.EnablePassword.Reveal()),
	}
	opts = append(opts, options.WithChannelLog(s.feed))
	d, err := networkDriver(def, s.target.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("platform %s: %w", id, err)
	}
	return d, nil
}

// allowed refuses a command that is not one printable line, and in a
// read-only session one that is not on the platform's read-only list.
func (s *Session) allowed(cmd string) error {
	if !printable(cmd) {
		return fmt.Errorf("%q: %w", cmd, ErrCommand)
	}
	if s.opt.ReadOnly && !readOnlyAllows(s.readOnly, cmd) {
		return fmt.Errorf("%q: %w", cmd, ErrReadOnly)
	}
	return nil
}

// Platform is the platform the session speaks ("" before Use).
func (s *Session) Platform() string { return s.platform }

// Prompt is the last prompt seen.
func (s *Session) Prompt() string { return s.prompt }

// Close leaves the device and closes the connection. Idempotent; callers
// leave config mode first (the remediate guard does).
func (s *Session) Close() {
	s.closeOnce.Do(func() {
		if s.unwatch != nil {
			s.unwatch()
		}
		s.mu.Lock()
		if s.grace != nil {
			s.grace.Stop()
		}
		s.mu.Unlock()
		close(s.stop)
		if s.drv != nil && s.sh.IsAlive() {
			// A device that stopped reading could block the write: it gets
			// a moment, then the connection is closed under it.
			t := time.AfterFunc(closeWait, func() { _ = s.sh.Close() })
			if s.drv.Channel.Write(append([]byte("exit"), s.drv.Channel.ReturnChar...), false) == nil {
				s.sh.waitEnd(closeWait)
			}
			t.Stop()
		}
		_ = s.sh.Close()
		if s.drv != nil {
			_ = s.drv.Channel.Close()
		}
		s.feed.flush()
		s.cancel()
	})
}

// closeWait bounds the polite "exit" on Close, and the wait for the
// device to end the session after it.
const closeWait = 2 * time.Second

// Alive reports whether the connection is still up.
func (s *Session) Alive() bool { return s.sh.IsAlive() }

// wrap turns scrapligo and transport errors into our sentinels.
func (s *Session) wrap(op string, err error) error {
	pastDeadline := !s.opt.Deadline.IsZero() && !time.Now().Before(s.opt.Deadline)
	switch {
	case s.sh.overflowed():
		return fmt.Errorf("%s: %w", op, ErrOutputLimit)
	case s.expired.Load(), pastDeadline:
		return fmt.Errorf("%s: %w", op, ErrDeadline)
	case s.aborted.Load() && !s.sh.IsAlive():
		return fmt.Errorf("%s: %w", op, ErrAborted)
	case errors.Is(err, util.ErrTimeoutError):
		return fmt.Errorf("%s: %w", op, ErrTimeout)
	case !s.sh.IsAlive(), errors.Is(err, util.ErrConnectionError), errors.Is(err, io.EOF):
		return fmt.Errorf("%s: %w", op, ErrClosed)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// failed turns output that holds one of the platform's failure markers
// (scrapligo's failed-when-contains: "% Invalid input", "ERROR:", ...)
// into a CommandError.
func failed(cmd, out string, markers []string) error {
	match := util.StringContainsAnySubStrs(out, markers)
	if match == "" {
		return nil
	}
	return &CommandError{Command: cmd, Match: match, Output: out}
}

// Send runs a command and waits for any prompt of the platform. A device
// error in the output ("% Invalid input", "ERROR:", ...) is a CommandError
// even though the device answered.
func (s *Session) Send(cmd string) (string, error) {
	return s.SendExpect(cmd)
}

// Show runs a read-only command (platform.Reader).
func (s *Session) Show(cmd string) (string, error) { return s.Send(cmd) }

// SendExpect runs a command and waits for the prompt or one of the extra
// patterns (a question the command asks, which the caller answers).
// Patterns must be anchored: they are searched in the tail of the output
// as it arrives. Meanwhile the platform's known questions are answered and
// any other question is cancelled (a *QuestionError).
func (s *Session) SendExpect(cmd string, expect ...*regexp.Regexp) (string, error) {
	if err := s.allowed(cmd); err != nil {
		return "", err
	}
	return s.exchange(cmd, expect)
}

// trimPrompt removes and remembers a trailing prompt line.
func (s *Session) trimPrompt(out string) string {
	i := strings.LastIndex(out, "\n")
	last := out[i+1:]
	if s.drv.Channel.PromptPattern.MatchString(last) {
		s.prompt = last
		return strings.TrimRight(out[:max(i, 0)], "\n")
	}
	return out
}

// Write sends raw keystrokes (a paste burst, ^C) without waiting.
func (s *Session) Write(text string) error {
	if s.opt.ReadOnly {
		return fmt.Errorf("raw input: %w", ErrReadOnly)
	}
	return s.write(text)
}

// write is Write without the read-only gate (enable's password).
func (s *Session) write(text string) error {
	if err := s.drv.Channel.Write([]byte(text), false); err != nil {
		return s.wrap("write", err)
	}
	return nil
}

// ReadUntil reads until one of the patterns or the prompt appears (after
// raw input: a paste), handling questions as SendExpect does.
func (s *Session) ReadUntil(expect ...*regexp.Regexp) (string, error) {
	return s.readUntil(true, expect)
}

// AtPrompt reports whether text ends with one of the platform's prompts.
func (s *Session) AtPrompt(text string) bool {
	i := strings.LastIndex(text, "\n")
	return s.drv.Channel.PromptPattern.MatchString(text[i+1:])
}

// Refresh sends a bare return and returns the prompt the device shows.
func (s *Session) Refresh() (string, error) {
	s.begin()
	p, err := s.drv.GetPrompt()
	if err != nil {
		return "", s.wrap("prompt", err)
	}
	s.prompt = p
	return p, nil
}

// Hostname is the device's name as its prompt shows it: IOS XR's
// RP/0/RSP0/CPU0:host#, FXOS's host /scope* # , IOS's and ASA's host#.
func (s *Session) Hostname() string {
	p := strings.TrimSpace(s.prompt)
	if strings.HasPrefix(p, "RP/") || strings.HasPrefix(p, "LC/") {
		p = p[strings.LastIndex(p, ":")+1:]
	}
	end := strings.IndexAny(p, " (*#>")
	if end < 0 {
		return p
	}
	return p[:end]
}
