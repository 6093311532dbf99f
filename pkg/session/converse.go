package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/scrapli/scrapligo/util"
)

// Every wait for output goes through read: it ends at the prompt or at one
// of the caller's patterns, reads through the pager while paging is on,
// answers the questions the platform's data knows, and stops at once at
// any other question (output still, a question-like tail, no prompt):
// cancelled with ^C, never waited out until the device's deadline.
// scrapligo's channel does the reading; this loop is ours because its
// reads can neither be told "quiet for a while" nor answer on the way.

// wait shapes one read.
type wait struct {
	cmd       string           // the command being answered: scopes the known questions
	echo      string           // input whose echo comes first: dropped, and nothing ends the read before it
	expect    []*regexp.Regexp // the caller's own patterns: they end the read
	questions bool             // answer known questions, cancel unknown ones
}

// exchange sends cmd and its Enter in one write, as Netmiko's
// send_command does (ktbyers/netmiko, netmiko/base_connection.py), and
// reads the answer through read, which waits for the command's echo
// before anything may end it. scrapligo's SendCommand makes the same check
// with a round trip more: it reads the echo back before sending Enter.
func (s *Session) exchange(cmd string, expect []*regexp.Regexp) (string, error) {
	s.begin()
	s.lastCmd = cmd
	op := fmt.Sprintf("%q", cmd)
	ctx, cancel := context.WithTimeout(context.Background(), s.opt.OpTimeout)
	defer cancel()
	ch := s.drv.Channel
	if err := ch.Write(append([]byte(cmd), ch.ReturnChar...), false); err != nil {
		return "", s.wrap(op, err)
	}
	b, paged, err := s.read(ctx, wait{cmd: cmd, echo: cmd, expect: expect, questions: true})
	if err != nil {
		return "", s.readError(op, err)
	}
	out := string(b)
	if paged {
		out = stripPager(out)
	}
	out = trimLines(out)
	return s.trimPrompt(out), failed(cmd, out, s.drv.FailedWhenContains)
}

// readUntil reads until the prompt or one of expect; questions says
// whether device questions are handled (not while waiting for the first
// prompt: a login banner may end in a colon).
func (s *Session) readUntil(questions bool, expect []*regexp.Regexp) (string, error) {
	s.begin()
	ctx, cancel := context.WithTimeout(context.Background(), s.opt.OpTimeout)
	defer cancel()
	b, _, err := s.read(ctx, wait{cmd: s.lastCmd, expect: expect, questions: questions})
	if err != nil {
		return string(b), s.readError("read", err)
	}
	return s.trimPrompt(string(b)), nil
}

// readError words a failed read: a question keeps its own words.
func (s *Session) readError(op string, err error) error {
	var qe *QuestionError
	if errors.As(err, &qe) && !errors.Is(err, ErrClosed) {
		return err
	}
	return s.wrap(op, timedOut(err))
}

func timedOut(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return util.ErrTimeoutError
	}
	return err
}

// read collects output until the prompt or a pattern of w.expect shows in
// its tail. See the comment at the top of the file.
func (s *Session) read(ctx context.Context, w wait) (b []byte, paged bool, err error) {
	ch := s.drv.Channel
	// Complete lines may end this wait only through the caller's patterns
	// (read.go).
	s.feed.everyChunk.Store(len(w.expect) > 0)
	from, answers := 0, 0 // from: output before it was answered (pager, question)
	var questions []*Question
	if w.questions && !s.opt.ReadOnly {
		questions = after(s.questions, w.cmd)
	}
	echo, scanned := []byte(w.echo), 0
	still := time.Now()
	for {
		if err := ctx.Err(); err != nil {
			return b, paged, err
		}
		nb, err := ch.Read()
		if err != nil {
			return b, paged, err
		}
		if len(nb) == 0 {
			watch := w.questions && len(echo) == 0 && len(b) > from
			if watch && time.Since(still) >= s.questionWait() {
				if line := tailLine(b[from:]); looksLikeQuestion(line) && !s.isPrompt(line) {
					return b, paged, s.cancelQuestion(w.cmd, line)
				}
				watch = false // looked at: nothing to do until more output comes
			}
			var until time.Duration // 0: until output comes
			if watch {
				until = max(s.questionWait()-time.Since(still), ch.ReadDelay)
			}
			if err := s.idle(ctx, until); err != nil {
				return b, paged, err
			}
			continue
		}
		still = time.Now()
		b = append(b, nb...)
		if len(echo) > 0 {
			// Before the echo, output is what the last command left:
			// a prompt there is not this command's end.
			var end int
			end, scanned = echoEnd(b, scanned, echo, max(ch.PromptSearchDepth, 2*len(echo)))
			if end < 0 {
				continue
			}
			b, echo = b[end:], nil
		}
		if s.endsInPrompt(b[from:]) {
			return b, paged, nil
		}
		tail := searchTail(b[from:], ch.PromptSearchDepth)
		for _, p := range w.expect {
			if p.Match(tail) {
				return b, paged, nil
			}
		}
		if s.pager && reMore.Match(tail) {
			if err := ch.Write([]byte(" "), false); err != nil {
				return b, paged, err
			}
			from, paged = len(b), true
			continue
		}
		if answers >= maxAnswers {
			continue
		}
		// questions is empty in a read-only session: it answers nothing,
		// and an unknown question is cancelled.
		if q := known(questions, tail); q != nil {
			if err := ch.Write([]byte(q.Answer+"\n"), false); err != nil {
				return b, paged, err
			}
			from = len(b)
			answers++
		}
	}
}

// cancelQuestion cancels a question nobody can answer safely and waits,
// briefly, for the prompt. Without it the session is closed: the device is
// in a state no further command may be sent into.
func (s *Session) cancelQuestion(cmd, line string) error {
	cancel := s.cancelQ
	if cancel == "" {
		cancel = "\x03"
	}
	qe := &QuestionError{Command: cmd, Question: line, Cancel: cancelName(cancel)}
	if err := s.write(cancel); err != nil {
		return fmt.Errorf("%w; %w", qe, err)
	}
	ctx, stop := context.WithTimeout(context.Background(), min(s.opt.OpTimeout, cancelWait))
	defer stop()
	b, _, err := s.read(ctx, wait{})
	if err != nil {
		_ = s.sh.Close()
		return fmt.Errorf("%w; no prompt after %s, session closed: %w", qe, qe.Cancel, ErrClosed)
	}
	s.trimPrompt(string(b))
	return qe
}

func (s *Session) questionWait() time.Duration {
	if s.opt.QuestionWait > 0 {
		return s.opt.QuestionWait
	}
	return DefaultQuestionWait
}

func (s *Session) isPrompt(line string) bool { return s.drv.Channel.PromptPattern.MatchString(line) }

// searchTail is the part of b a prompt is searched in: its last depth
// bytes, from a line start (as scrapligo searches).
func searchTail(b []byte, depth int) []byte {
	if depth <= 0 || len(b) <= depth {
		return b
	}
	t := b[len(b)-depth:]
	if i := bytes.IndexByte(t, '\n'); i > 0 {
		t = t[i:]
	}
	return t
}

// trimLines is scrapligo's output clean-up: trailing blanks off every
// line, surrounding newlines off the whole.
func trimLines(out string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}
