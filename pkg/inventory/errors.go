package inventory

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every error Load, Parse and Limit
// return: the input is bad and nothing was touched (exit code 1).
var ErrInvalid = errors.New("invalid inventory")

// Error is a located inventory error. It prints as one line,
// "FILE:LINE: FIELD: MESSAGE" (FILE as the caller gave it); LINE is left out
// when unknown (0) and FIELD when empty.
type Error struct {
	File  string // the path as given to Load/Parse
	Line  int    // 1-based; 0 when the error is about the whole file
	Field string // e.g. "devices[3].platform", "defaults.password_env", "yaml"
	Msg   string // one line, never a secret value
	Err   error  // the underlying error, if any (e.g. *secret.EnvError, fs.ErrNotExist)
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + oneLine(e.Msg))
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// LimitError is a --limit entry that matches nothing or is a bad pattern.
type LimitError struct {
	Entry string // the entry as given, e.g. "cmapus" or "!core-*"
	Msg   string
}

// Error implements error: `--limit "cmapus": matches no device or group`.
func (e *LimitError) Error() string {
	return fmt.Sprintf("--limit %s: %s", quote(e.Entry), oneLine(e.Msg))
}

// Is reports whether target is ErrInvalid.
func (e *LimitError) Is(target error) bool { return target == ErrInvalid }

// quote renders a user value for a message: Go-quoted (so always one line)
// and cut to 60 runes.
func quote(s string) string {
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return strconv.Quote(s)
}

// oneLine folds line breaks so a message stays on one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
}

// suggest returns ` (did you mean "x"?)` for the candidate closest to s when
// it is within edit distance 2 (and closer than len(s)), else "".
func suggest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := levenshtein(s, c); d < bestD && d < len(s) {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// levenshtein is the edit distance between a and b (bytes), giving up at 3.
func levenshtein(a, b string) int {
	if d := len(a) - len(b); d > 2 || d < -2 {
		return 3
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
