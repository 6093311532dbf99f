package secret

import (
	"bytes"
	"slices"
	"sync"
	"sync/atomic"
)

// Mask replaces every occurrence of a secret in redacted output.
const Mask = "********"

// Redactor masks a set of secrets in bytes, strings and streams. Empty
// secrets are ignored; at each position the longest matching secret wins.
// A Redactor is safe for concurrent use, and a nil *Redactor redacts nothing.
//
// A one-character secret masks every occurrence of that character: safety
// over readability.
type Redactor struct {
	mu  sync.Mutex // serialises Add
	set atomic.Pointer[set]
}

// set is an immutable snapshot of the secrets, longest first.
type set struct {
	secrets [][]byte
	first   [256]bool // first[b]: some secret starts with byte b
}

// NewRedactor returns a Redactor for secrets.
func NewRedactor(secrets ...Secret) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add adds secrets to the set. Streams made by Writer see them from their
// next Write.
func (r *Redactor) Add(secrets ...Secret) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.load()
	next := &set{}
	seen := map[string]bool{}
	add := func(b []byte) {
		if len(b) == 0 || seen[string(b)] {
			return
		}
		seen[string(b)] = true
		next.secrets = append(next.secrets, b)
		next.first[b[0]] = true
	}
	for _, b := range old.secrets {
		add(b)
	}
	for _, s := range secrets {
		add([]byte(s.Reveal()))
	}
	slices.SortStableFunc(next.secrets, func(a, b []byte) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return bytes.Compare(a, b)
	})
	r.set.Store(next)
}

// load returns the current snapshot; never nil.
func (r *Redactor) load() *set {
	if r == nil {
		return &set{}
	}
	if s := r.set.Load(); s != nil {
		return s
	}
	return &set{}
}

// Redact returns b with every secret replaced by Mask. When b holds no
// secret it is returned as is.
func (r *Redactor) Redact(b []byte) []byte {
	s := r.load()
	if !s.contains(b) {
		return b
	}
	out, _ := s.scan(make([]byte, 0, len(b)), b, true)
	return out
}

// RedactString is Redact for strings.
func (r *Redactor) RedactString(str string) string {
	s := r.load()
	b := []byte(str)
	if !s.contains(b) {
		return str
	}
	out, _ := s.scan(make([]byte, 0, len(b)), b, true)
	return string(out)
}

// contains reports whether some secret occurs in b.
func (s *set) contains(b []byte) bool {
	for _, sec := range s.secrets {
		if bytes.Contains(b, sec) {
			return true
		}
	}
	return false
}

// scan appends buf to dst with secrets masked. When final is false it stops
// at the first position where a secret may start but buf ends before that
// can be decided; it returns how many bytes of buf it consumed, and the rest
// must be presented again with more data. With final set it consumes all.
func (s *set) scan(dst, buf []byte, final bool) ([]byte, int) {
	start := 0
	for i := 0; i < len(buf); {
		if !s.first[buf[i]] {
			i++
			continue
		}
		n, undecided := s.matchAt(buf[i:], final)
		switch {
		case undecided:
			return append(dst, buf[start:i]...), i
		case n > 0:
			dst = append(dst, buf[start:i]...)
			dst = append(dst, Mask...)
			i += n
			start = i
		default:
			i++
		}
	}
	return append(dst, buf[start:]...), len(buf)
}

// matchAt returns the length of the longest secret at the start of b, or
// undecided when a secret at least as long as any match could still start
// here once more bytes arrive.
func (s *set) matchAt(b []byte, final bool) (n int, undecided bool) {
	for _, sec := range s.secrets { // longest first
		if len(b) >= len(sec) {
			if bytes.Equal(b[:len(sec)], sec) {
				return len(sec), false
			}
		} else if !final && bytes.HasPrefix(sec, b) {
			return 0, true
		}
	}
	return 0, false
}
