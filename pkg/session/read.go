package session

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scrapli/scrapligo/util"
)

// Every wait for output goes through read (converse.go): scrapligo's
// channel reads the transport and queues what comes, and we take it from
// the queue. Its own read functions poll that queue every ReadDelay (1 ms)
// for as long as an operation lasts, and match the prompt pattern over the
// last 256 bytes after every chunk; with hundreds of sessions that waiting
// and matching was most of trustfix's CPU (BENCHMARKS.md). Here a reader
// sleeps until the channel has queued something (the channel log, written
// right after each chunk is queued, wakes it), and the prompt is looked
// for in the last line only: a prompt ends the output.
//
// A chunk that ends a line does not wake the reader either: a prompt, a
// pager and a question all leave the device waiting on an unfinished
// line, so only such a chunk can end a wait. On a listing sent a line per
// packet that halves the goroutine switches per line (BENCHMARKS.md). Two
// waits do need complete lines: a caller's own patterns (the ASA's "…on a
// line by itself" before a paste), which wake on every chunk, and a device
// that ends with a newline after all (a prompt or a question followed by
// one): an idle reader looks again every lineWait.

// feed is the channel log: scrapligo writes every chunk to it right after
// queuing it. It wakes the session's reader and passes the chunk on to the
// transcript, buffered: one write per operation (or per 4 KiB) instead of
// one per line.
type feed struct {
	arrived chan struct{} // one token: output was queued or the stream ended
	// everyChunk: wake on a chunk that ends a line too (a read with the
	// caller's own patterns).
	everyChunk atomic.Bool
	woken      atomic.Int64 // wakes asked for (a test counts them)

	mu sync.Mutex
	w  *bufio.Writer // the transcript; nil without one
}

// transcriptBuffer bounds what a session's transcript holds back.
const transcriptBuffer = 4 << 10

func newFeed(transcript io.Writer) *feed {
	f := &feed{arrived: make(chan struct{}, 1)}
	if transcript != nil {
		f.w = bufio.NewWriterSize(transcript, transcriptBuffer)
	}
	return f
}

// Write implements io.Writer for scrapligo's channel log. It never fails:
// a transcript that cannot be written must not stop the session (the
// transcript's own writer records its errors).
func (f *feed) Write(p []byte) (int, error) {
	if f.w != nil {
		f.mu.Lock()
		_, _ = f.w.Write(p)
		f.mu.Unlock()
	}
	if f.everyChunk.Load() || !endsLine(p) {
		f.wake()
	}
	return len(p), nil
}

// endsLine reports whether a chunk ends with a complete line.
func endsLine(p []byte) bool { return len(p) > 0 && p[len(p)-1] == '\n' }

// lineWait is how long an idle reader may leave complete lines unread.
const lineWait = 200 * time.Millisecond

func (f *feed) wake() {
	f.woken.Add(1)
	select {
	case f.arrived <- struct{}{}:
	default:
	}
}

// flush writes what the transcript holds back.
func (f *feed) flush() {
	if f.w == nil {
		return
	}
	f.mu.Lock()
	_ = f.w.Flush()
	f.mu.Unlock()
}

// begin starts an operation: its output is counted from zero, and the
// previous operation's output goes to the transcript.
func (s *Session) begin() {
	s.sh.begin()
	s.feed.flush()
}

// idle waits, without polling, until the channel has queued output that
// may end a wait, ctx ends, or until has passed (0: lineWait): a read that
// watches for a question must look again once the output has been still
// long enough, and complete lines do not wake it.
func (s *Session) idle(ctx context.Context, until time.Duration) error {
	if s.sh.ended() {
		// The transport said EOF; scrapligo's reader is about to close the
		// channel, and no chunk will wake us: look again shortly.
		return sleep(ctx, s.drv.Channel.ReadDelay)
	}
	if until <= 0 || until > lineWait {
		until = lineWait
	}
	t := time.NewTimer(until)
	defer t.Stop()
	select {
	case <-s.feed.arrived:
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// echoEnd is where the echo of input ends in b: after the line break
// that follows it (the device's echo of Enter), or -1 until both have
// come. The echo is matched roughly within the depth bytes before a line
// break, as scrapligo's ReadUntilFuzzy does: a device may redraw or scroll
// a long line as it echoes it. Line breaks before from were looked at
// already; next is where the following call starts.
func echoEnd(b []byte, from int, input []byte, depth int) (end, next int) {
	for from < len(b) {
		i := bytes.IndexByte(b[from:], '\n')
		if i < 0 {
			return -1, from
		}
		brk := from + i
		if util.BytesRoughlyContains(input, b[max(0, brk-depth):brk]) {
			return brk + 1, brk + 1
		}
		from = brk + 1
	}
	return -1, from
}

// endsInPrompt reports whether b's last line is a prompt: the line after
// the last newline or, when b ends in one, the line it ends (a prompt
// pattern's trailing \s? may take that newline, as when scrapligo searches
// the tail). A complete line of output that merely looks like a prompt,
// followed by more output, is not the device waiting for us.
func (s *Session) endsInPrompt(b []byte) bool {
	end := len(b)
	if end > 0 && b[end-1] == '\n' {
		end--
	}
	start := bytes.LastIndexByte(b[:end], '\n') + 1
	return s.promptAtStart.Match(b[start:])
}

// anchoredPrompts is each prompt pattern anchored at the start of the
// text (by the pattern), so that matching a line tries one position.
var anchoredPrompts sync.Map

// anchorPrompt returns re anchored at the start of the text.
func anchorPrompt(re *regexp.Regexp) *regexp.Regexp {
	expr := re.String()
	if a, ok := anchoredPrompts.Load(expr); ok {
		return a.(*regexp.Regexp)
	}
	a, _ := anchoredPrompts.LoadOrStore(expr, regexp.MustCompile(`\A(?:`+expr+`)`))
	return a.(*regexp.Regexp)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
