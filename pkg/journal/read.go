package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
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
// that are not records are returned as Problems, not errors; run lines
// (Run) are skipped; an empty file is an empty journal.
func Read(path string) ([]record.Record, []Problem, error) {
	f, err := ReadFile(path)
	if err != nil && !errors.Is(err, ErrNotJournal) {
		return nil, nil, err
	}
	return f.Records, f.Problems, nil
}

// File is one journal as read: its device records and run lines in file
// order, and the lines that are neither.
type File struct {
	Path     string
	Records  []record.Record
	Runs     []Run
	Problems []Problem
}

// ReadFile reads the journal at path. A file whose first line is not a
// trustfix line (a device record or a run line) is not a journal: the
// error matches ErrNotJournal and names the file and the line; the
// records are read anyway (File is never nil). Lines further on that are
// not ours are Problems: a write a crash cut short.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return &File{Path: path}, fmt.Errorf("read journal: %w", err)
	}
	defer fh.Close()
	f, first, err := readFrom(fh)
	f.Path = path
	if err != nil {
		return f, fmt.Errorf("read journal %s: %w", path, err)
	}
	if first != nil {
		return f, fmt.Errorf("%s:%d: %w (want the JSON Lines that trustfix apply or fix --journal writes): %s", path, first.Line, ErrNotJournal, first.Reason)
	}
	return f, nil
}

// ReadFrom is Read for any reader. Blank lines are ignored. A final line
// without "\n" is accepted when it is a whole record (Open would terminate
// it anyway) and is otherwise a Problem.
func ReadFrom(r io.Reader) ([]record.Record, []Problem, error) {
	f, _, err := readFrom(r)
	if err != nil {
		return nil, nil, err
	}
	return f.Records, f.Problems, nil
}

// readFrom reads every line; first is the problem of the first non-blank
// line when that line is not ours (the file is not a journal).
func readFrom(r io.Reader) (*File, *Problem, error) {
	f := &File{}
	var first *Problem
	seen := false
	// bufio.Reader rather than Scanner: a line has no length limit.
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return f, nil, fmt.Errorf("line %d: %w", n, err)
		}
		complete := err == nil
		if len(bytes.TrimSpace(line)) > 0 {
			kind := kindOf(line)
			if !seen && kind == notOurs && complete {
				first = &Problem{Line: n, Reason: firstLineReason(line)}
			}
			seen = true
			if kind == runLine {
				var run Run
				if json.Unmarshal(line, &run) == nil {
					f.Runs = append(f.Runs, run)
				}
			} else if rec, reason := parse(line, complete); reason != "" {
				f.Problems = append(f.Problems, Problem{Line: n, Reason: reason})
			} else {
				f.Records = append(f.Records, rec)
			}
		}
		if !complete {
			return f, first, nil
		}
	}
}

// firstLineReason says what the first line of a file that is not a
// journal looks like, briefly.
func firstLineReason(line []byte) string {
	var v any
	if json.Unmarshal(line, &v) != nil {
		return "its first line is not JSON"
	}
	if _, ok := v.(map[string]any); !ok {
		return "its first line is not a JSON object"
	}
	return "its first line is neither a device record nor a run line"
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
