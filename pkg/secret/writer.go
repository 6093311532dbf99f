package secret

import (
	"errors"
	"io"
	"sync"
)

// ErrClosed is returned by Write and Flush after Close.
var ErrClosed = errors.New("secret: write to closed redacting writer")

// Writer redacts a stream on its way to an underlying writer. A secret split
// across Write calls is still masked: bytes that may be the start of a secret
// are held back (never more than the longest secret less one byte) until the
// next Write decides them, or Flush/Close releases them. A Writer is safe for
// concurrent use.
type Writer struct {
	mu      sync.Mutex
	r       *Redactor
	w       io.Writer
	pending []byte
	err     error
	closed  bool
}

// Writer returns a redacting writer in front of w. Call Flush or Close when
// the stream ends, or held-back bytes are lost.
func (r *Redactor) Writer(w io.Writer) *Writer {
	return &Writer{r: r, w: w}
}

// Write masks secrets in p and writes what can be decided to the underlying
// writer. It returns len(p) unless the underlying writer fails; after such a
// failure every call returns that error.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, ErrClosed
	}
	if w.err != nil {
		return 0, w.err
	}
	w.pending = append(w.pending, p...)
	if err := w.drain(false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes the held-back bytes, treating the stream as ended for any
// secret they might begin.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	return w.drain(true)
}

// Close flushes and ends the stream. It does not close the underlying
// writer. Closing twice is not an error.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	return w.drain(true)
}

// drain scans pending, writes the decided part and keeps the rest.
func (w *Writer) drain(final bool) error {
	out, n := w.r.load().scan(nil, w.pending, final)
	rest := copy(w.pending, w.pending[n:])
	w.pending = w.pending[:rest]
	if len(out) == 0 {
		return nil
	}
	if _, err := w.w.Write(out); err != nil {
		w.err = err
		return err
	}
	return nil
}
