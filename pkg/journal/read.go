package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/trustfix/trustfix/pkg/record"
)

// Problem is a journal line that was skipped because it is not a record,
// typically the fragment of a write cut short by a crash.
type Problem struct {
	Line   int    `json:"line"` // 1-based
	Reason string `json:"reason"`
}

// String reads e.g. `line 7: not a JSON record (interrupted write?): …`.
func (p Problem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Reason) }

// Read reads every record in the journal at path, in file order. Lines
// that are not records are returned as Problems, not errors; an empty
// file is an empty journal.
func Read(path string) ([]record.Record, []Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read journal: %w", err)
	}
	defer f.Close()
	recs, probs, err := ReadFrom(f)
	if err != nil {
		return nil, nil, fmt.Errorf("read journal %s: %w", path, err)
	}
	return recs, probs, nil
}

// ReadFrom is Read for any reader. Blank lines are ignored. A final line
// without "\n" is accepted when it is a whole record (Open would terminate
// it anyway) and is otherwise a Problem.
func ReadFrom(r io.Reader) ([]record.Record, []Problem, error) {
	var (
		recs  []record.Record
		probs []Problem
	)
	// bufio.Reader rather than Scanner: a line has no length limit.
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, nil, fmt.Errorf("line %d: %w", n, err)
		}
		complete := err == nil
		if len(bytes.TrimSpace(line)) > 0 {
			rec, reason := parse(line, complete)
			if reason != "" {
				probs = append(probs, Problem{Line: n, Reason: reason})
			} else {
				recs = append(recs, rec)
			}
		}
		if !complete {
			return recs, probs, nil
		}
	}
}

// parse decodes one line, or says why it is not a record.
func parse(line []byte, complete bool) (record.Record, string) {
	var rec record.Record
	if err := json.Unmarshal(line, &rec); err != nil {
		if !complete {
			return rec, "incomplete last line (interrupted write), skipped: " + err.Error()
		}
		return rec, "not a JSON record (interrupted write?), skipped: " + err.Error()
	}
	if rec.Name == "" {
		return rec, "record has no device name, skipped"
	}
	return rec, ""
}
