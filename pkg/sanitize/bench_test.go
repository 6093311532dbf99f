package sanitize

import (
	"io"
	"os"
	"testing"
)

// BenchmarkWriter is the transcript's cost: a real trust-store listing
// through the sanitising writer.
func BenchmarkWriter(b *testing.B) {
	listing, err := os.ReadFile("../../testdata/parsers/trust/asa/trustpool_large.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(listing)))
	w := NewWriter(io.Discard)
	for b.Loop() {
		_, _ = w.Write(listing)
	}
}
