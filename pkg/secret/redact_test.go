package secret

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestRedact(t *testing.T) {
	r := NewRedactor(New("pass"), New("password"), New(""), New("s3cr3t"), New("pass"))
	tests := []struct{ in, want string }{
		{"", ""},
		{"nothing here", "nothing here"},
		{"Password: s3cr3t\n", "Password: ********\n"},
		{"password", "********"},         // longest wins: no "word" left over
		{"passpass", "****************"}, // adjacent
		{"passwor", "********wor"},       // not the long one, but the short one
		{"xs3cr3ts3cr3tx", "x****************x"},
	}
	for _, tt := range tests {
		if got := r.RedactString(tt.in); got != tt.want {
			t.Errorf("RedactString(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := string(r.Redact([]byte(tt.in))); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}

	var nilR *Redactor
	if nilR.RedactString("pass") != "pass" || NewRedactor().RedactString("pass") != "pass" {
		t.Error("empty redactor changed its input")
	}
}

func TestRedactorAdd(t *testing.T) {
	r := NewRedactor()
	var buf bytes.Buffer
	w := r.Writer(&buf)
	_, _ = w.Write([]byte("enable: "))
	r.Add(New("en4ble"))
	_, _ = w.Write([]byte("en4ble\n"))
	_ = w.Close()
	if got := buf.String(); got != "enable: ********\n" {
		t.Fatalf("got %q", got)
	}
}

func TestWriterSplitAcrossWrites(t *testing.T) {
	const secret = "Tr0ub4dor&3"
	r := NewRedactor(New(secret))
	in := "Password: " + secret + "\nrouter# show run | i " + secret + "\n"
	want := "Password: ********\nrouter# show run | i ********\n"

	// Every split point, and every byte on its own.
	for cut := 0; cut <= len(in); cut++ {
		var buf bytes.Buffer
		w := r.Writer(&buf)
		for _, part := range []string{in[:cut], in[cut:]} {
			if n, err := w.Write([]byte(part)); err != nil || n != len(part) {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Fatalf("cut %d: got %q", cut, buf.String())
		}
	}
	var buf bytes.Buffer
	w := r.Writer(&buf)
	for i := range len(in) {
		_, _ = w.Write([]byte{in[i]})
		if strings.Contains(buf.String(), "Tr0ub") {
			t.Fatalf("secret prefix emitted before it was decided: %q", buf.String())
		}
	}
	_ = w.Flush()
	if buf.String() != want {
		t.Fatalf("bytewise: got %q", buf.String())
	}
}

func TestWriterHoldsBackOnlyPossiblePrefixes(t *testing.T) {
	r := NewRedactor(New("secret"))
	var buf bytes.Buffer
	w := r.Writer(&buf)
	_, _ = w.Write([]byte("hello sec"))
	if buf.String() != "hello " {
		t.Fatalf("before flush: %q", buf.String())
	}
	_ = w.Flush() // the stream ends: "sec" was not the secret
	if buf.String() != "hello sec" {
		t.Fatalf("after flush: %q", buf.String())
	}
	_, _ = w.Write([]byte("ret"))
	_ = w.Close()
	if buf.String() != "hello secret" {
		t.Fatalf("after close: %q", buf.String())
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

func TestWriterStickyError(t *testing.T) {
	boom := errors.New("disk full")
	w := NewRedactor(New("x")).Writer(failWriter{boom})
	if _, err := w.Write([]byte("abc")); !errors.Is(err, boom) {
		t.Fatalf("first write: %v", err)
	}
	if _, err := w.Write([]byte("abc")); !errors.Is(err, boom) {
		t.Fatalf("second write: %v", err)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Fatalf("close: %v", err)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func TestConcurrent(t *testing.T) {
	r := NewRedactor(New("alpha-secret"))
	var out lockedBuffer
	w := r.Writer(&out)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				_, _ = w.Write([]byte("line alpha-secret\n"))
				_ = r.RedactString("alpha-secret beta-secret")
				if i == 0 {
					r.Add(New("beta-secret"))
				}
			}
		}()
	}
	wg.Wait()
	_ = w.Close()
	if strings.Contains(out.b.String(), "alpha-secret") {
		t.Fatal("secret leaked under concurrency")
	}
}
