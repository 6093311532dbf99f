package session

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Question is a question a platform's CLI asks whose safe answer is known:
// data in the platform's Spec (pkg/platform), answered by every wait of a
// session. A question no entry matches is never answered (see
// ErrQuestion).
type Question struct {
	// After are the commands the question may follow, each as its first
	// words ("write memory"); none: after any command.
	After []string
	// Pattern matches the question: the last line of the output, where
	// the device waits.
	Pattern *regexp.Regexp
	// Answer is typed, then Enter ("" is Enter alone).
	Answer string
}

// ErrQuestion: the device asked a question the session has no safe answer
// for. The session cancelled it (^C, or the platform's way) and got the
// prompt back; nothing else was sent. Never retried, never a reason to try
// another method: the operator reads the question.
var ErrQuestion = errors.New("the device asked an unexpected question")

// QuestionError is an ErrQuestion with the device's words.
type QuestionError struct {
	Command  string // the command that was answered with the question
	Question string // the device's last line
	Cancel   string // how it was cancelled, for the message ("^C")
}

func (e *QuestionError) Error() string {
	return fmt.Sprintf("%q: %v: %q; answered %s (no answer is known to be safe), nothing else sent", e.Command, ErrQuestion, e.Question, e.Cancel)
}

// Unwrap makes errors.Is(err, ErrQuestion) hold.
func (e *QuestionError) Unwrap() error { return ErrQuestion }

// DefaultQuestionWait is how long output must stay still, with a tail that
// reads as a question and is no prompt, before the session decides the
// device is waiting for an answer. Seconds, not the device's deadline: an
// unknown question is decided quickly, and a device that merely pauses
// mid-output (a download) prints no question-like tail.
const DefaultQuestionWait = 2 * time.Second

// maxAnswers bounds the known questions answered in one wait: a device
// that asks again and again is not answered forever.
const maxAnswers = 8

// cancelWait bounds the wait for the prompt after cancelling a question.
const cancelWait = 10 * time.Second

// reQuestionMark are the bracketed choices these CLIs offer.
var reChoices = regexp.MustCompile(`(?i)[\[(](?:yes/no(?:/cancel)?|y/n|confirm|yes|no)[\])]`)

// looksLikeQuestion reports whether a line the device stopped at reads as
// a question: it ends in "?" or ":" (Destination filename [startup-config]?,
// [yes/no]:), or offers choices ([confirm], (y/n)).
func looksLikeQuestion(line string) bool {
	t := strings.TrimRight(line, " \t")
	if t == "" {
		return false
	}
	if strings.HasSuffix(t, "?") || strings.HasSuffix(t, ":") {
		return true
	}
	return reChoices.MatchString(t)
}

// after returns the entries of qs that command cmd may ask: a read
// chooses them once, not for every chunk it reads.
func after(qs []Question, cmd string) []*Question {
	var out []*Question
	for i, q := range qs {
		if len(q.After) == 0 || slices.ContainsFunc(q.After, func(a string) bool { return hasWords(cmd, a) }) {
			out = append(out, &qs[i])
		}
	}
	return out
}

// known returns the entry of qs that answers the line the device waits
// on, the last of tail. A complete line is nobody's question: the device
// waits on an unfinished one.
func known(qs []*Question, tail []byte) *Question {
	if len(qs) == 0 {
		return nil
	}
	line := tailLine(tail)
	if line == "" {
		return nil
	}
	for _, q := range qs {
		if q.Pattern.MatchString(line) {
			return q
		}
	}
	return nil
}

// hasWords reports whether cmd starts with the words of prefix.
func hasWords(cmd, prefix string) bool {
	c, p := strings.Fields(cmd), strings.Fields(prefix)
	if len(c) < len(p) {
		return false
	}
	for i := range p {
		if !strings.EqualFold(c[i], p[i]) {
			return false
		}
	}
	return true
}

// tailLine is the last line of b (the one the device waits on), without
// its trailing blanks.
func tailLine(b []byte) string {
	b = bytes.TrimRight(b, " \t")
	return string(b[bytes.LastIndexByte(b, '\n')+1:])
}

// cancelName is how a cancel keystroke reads in a message.
func cancelName(c string) string {
	if c == "\x03" {
		return "^C"
	}
	return fmt.Sprintf("%q", c)
}
