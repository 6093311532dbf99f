package sanitize

import (
	"io"
	"sync"
)

// Writer sanitises a stream (as Text does a string) on its way to an
// underlying writer: a sequence split across writes is still removed whole.
// It is safe for concurrent use.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	f   filter
	buf []byte
	err error
}

// NewWriter returns a sanitising writer in front of w. Close it when the
// stream ends: an incomplete UTF-8 sequence is held back until then.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write sanitises p and writes the result. It reports len(p) unless the
// underlying writer fails; after that every call returns the same error.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	w.buf = w.f.feed(w.buf[:0], p)
	if err := w.flush(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes what is held back. It does not close the underlying writer.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	w.buf = w.f.end(w.buf[:0])
	return w.flush()
}

func (w *Writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	if _, err := w.w.Write(w.buf); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Limit is a writer that passes at most n bytes to w, then writes note once
// and drops the rest, reporting success: a transcript that reaches its cap
// must not fail the session that feeds it.
type Limit struct {
	mu   sync.Mutex
	w    io.Writer
	left int64
	note string
	cut  bool
}

// NewLimit returns a writer that passes at most n bytes to w.
func NewLimit(w io.Writer, n int64, note string) *Limit {
	return &Limit{w: w, left: n, note: note}
}

// Write implements io.Writer.
func (l *Limit) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cut {
		return len(p), nil
	}
	if int64(len(p)) <= l.left {
		l.left -= int64(len(p))
		_, err := l.w.Write(p)
		return len(p), err
	}
	head := p[:l.left]
	l.left, l.cut = 0, true
	if _, err := l.w.Write(append(append([]byte(nil), head...), l.note...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Cut reports whether the limit was reached.
func (l *Limit) Cut() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cut
}
