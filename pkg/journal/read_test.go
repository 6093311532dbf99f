package journal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFrom(t *testing.T) {
	long := `{"name":"big","transcript":"` + strings.Repeat("y", 1<<20) + `"}`
	tests := []struct {
		name      string
		in        string
		names     string
		problems  []int // line numbers
		reasonHas string
	}{
		{name: "empty"},
		{name: "blank lines ignored", in: "\n" + `{"name":"a"}` + "\n\n  \n" + `{"name":"b"}` + "\n", names: "a b"},
		{name: "CRLF", in: `{"name":"a"}` + "\r\n" + `{"name":"b"}` + "\r\n", names: "a b"},
		{name: "torn middle line", in: `{"name":"a"}` + "\n" + `{"name":"b","ho` + "\n" + `{"name":"c"}` + "\n",
			names: "a c", problems: []int{2}, reasonHas: "not a JSON record"},
		{name: "torn last line", in: `{"name":"a"}` + "\n" + `{"name":"b","ho`,
			names: "a", problems: []int{2}, reasonHas: "incomplete last line"},
		{name: "whole last line without newline", in: `{"name":"a"}` + "\n" + `{"name":"b"}`, names: "a b"},
		{name: "not an object", in: "42\n" + `{"name":"a"}` + "\n", names: "a", problems: []int{1}, reasonHas: "not a JSON record"},
		{name: "no name", in: `{"host":"10.0.0.1"}` + "\n", problems: []int{1}, reasonHas: "no device name"},
		{name: "line longer than bufio.Scanner allows", in: long + "\n", names: "big"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, probs, err := ReadFrom(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := names(recs); got != tc.names {
				t.Errorf("records %q, want %q", got, tc.names)
			}
			if len(probs) != len(tc.problems) {
				t.Fatalf("problems %v, want lines %v", probs, tc.problems)
			}
			for i, p := range probs {
				if p.Line != tc.problems[i] || !strings.Contains(p.Reason, tc.reasonHas) {
					t.Errorf("problem %v, want line %d with %q", p, tc.problems[i], tc.reasonHas)
				}
				if !strings.HasPrefix(p.String(), "line ") {
					t.Errorf("String() = %q", p)
				}
			}
		})
	}
}

func TestRead(t *testing.T) {
	if _, _, err := Read(filepath.Join(t.TempDir(), "nope.jsonl")); err == nil {
		t.Error("Read of a missing file succeeded")
	}
	path := newPath(t)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	recs, probs := mustRead(t, path)
	if len(recs) != 0 || len(probs) != 0 {
		t.Errorf("empty journal: %v %v", recs, probs)
	}
}

// The shared fixture is what a crash leaves behind: it must stay readable.
func TestReadFixture(t *testing.T) {
	recs, probs := mustRead(t, filepath.Join("..", "..", "testdata", "journal", "torn.jsonl"))
	if got := names(recs); got != "ie3400-dock-01 asa-edge-1 ie3400-dock-01" {
		t.Errorf("records %q", got)
	}
	if len(probs) != 1 || probs[0].Line != 3 {
		t.Errorf("problems %v, want line 3", probs)
	}
}
