package journal

import (
	"fmt"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/record"
)

// Reading a journal while a run appends to it (`trustfix report` at 3 a.m.,
// or a resume's tests polling) sees a prefix of the records in write
// order; a line caught half-written can only be the last one, reported as
// a problem, never as an error or a wrong record.
func TestReadWhileAppending(t *testing.T) {
	path := newPath(t)
	j := mustOpen(t, path)
	const n = 300
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for i := range n {
			r := rec(fmt.Sprintf("dev-%04d", i), record.Remediated)
			r.Reason = strings.Repeat("x", (i%7)*700) // lines of a few KiB
			if err := j.Append(r); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for last := false; ; {
		select {
		case <-finished:
			last = true // one more read sees everything
		default:
		}
		recs, probs, err := Read(path)
		if err != nil {
			t.Fatalf("Read during appends: %v", err)
		}
		for i, r := range recs {
			if want := fmt.Sprintf("dev-%04d", i); r.Name != want {
				t.Fatalf("record %d is %q, want %q: not a prefix in write order", i, r.Name, want)
			}
		}
		for _, p := range probs {
			if p.Line != len(recs)+1 || !strings.Contains(p.Reason, "incomplete last line") {
				t.Fatalf("problem %v with %d records: only the last line may be caught half-written", p, len(recs))
			}
		}
		if last {
			if len(recs) != n || len(probs) != 0 {
				t.Errorf("after the appends: %d records, problems %v", len(recs), probs)
			}
			break
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
}
