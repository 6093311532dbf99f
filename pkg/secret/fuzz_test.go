package secret

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzWriter writes data through a redacting writer in arbitrary chunks and
// checks that no secret survives and that streaming gives the same bytes as
// redacting the whole input at once.
func FuzzWriter(f *testing.F) {
	f.Add([]byte("Password: hunter2\nrouter#"), "hunter2", "enable-pw", []byte{3, 7, 1})
	f.Add([]byte("passpassword pass"), "pass", "password", []byte{1})
	f.Add([]byte("aaaaaaaaab"), "aab", "aaab", []byte{2, 2, 2})
	f.Add([]byte("xyxyxyz"), "xyz", "yx", []byte{0, 1, 5})

	f.Fuzz(func(t *testing.T, data []byte, s1, s2 string, cuts []byte) {
		// A secret containing the mask character could be re-formed by the
		// mask next to plain text ("*x" in "********x"); nothing is leaked
		// then, but the property below would not hold.
		var secrets []string
		for _, s := range []string{s1, s2} {
			if s != "" && !strings.Contains(s, "*") {
				secrets = append(secrets, s)
			}
		}
		r := NewRedactor(New(s1), New(s2))

		var buf bytes.Buffer
		w := r.Writer(&buf)
		rest := data
		for i := 0; len(rest) > 0; i++ {
			n := len(rest)
			if len(cuts) > 0 {
				n = min(int(cuts[i%len(cuts)]), len(rest))
			}
			if _, err := w.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
			if len(cuts) > 0 && i > 4*len(data)+8 {
				_, _ = w.Write(rest) // all-zero cuts: finish
				break
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}

		for _, s := range secrets {
			if bytes.Contains(buf.Bytes(), []byte(s)) {
				t.Fatalf("secret %q in output %q", s, buf.Bytes())
			}
		}
		if whole := r.Redact(data); !bytes.Equal(buf.Bytes(), whole) {
			t.Fatalf("stream %q != whole %q", buf.Bytes(), whole)
		}
	})
}
