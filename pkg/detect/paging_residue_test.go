package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pagerResidue is what an IOS pager leaves at the start of the line that
// follows a page break once the marker and its rub-out are removed: the
// " --More-- " marker's own spaces. A device that refuses `terminal length
// 0` (AAA) breaks pages wherever its screen ends, so any line can get it.
const pagerResidue = "  "

// withResidue returns text with the residue inserted at the start of line i.
func withResidue(text string, i int) string {
	lines := strings.Split(text, "\n")
	lines[i] = pagerResidue + lines[i]
	return strings.Join(lines, "\n")
}

// TestParseVersionPagerResidue: a page break before any line of show
// version changes none of the facts.
func TestParseVersionPagerResidue(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/parsers/version/*.txt")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "unknown_") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := CleanCapture(string(b), "show version")
		want, werr := ParseVersion(text)
		for i := range strings.Count(text, "\n") {
			got, err := ParseVersion(withResidue(text, i))
			if got != want || (err == nil) != (werr == nil) {
				t.Errorf("%s: residue before line %d (%q):\n got  %+v %v\n want %+v %v", filepath.Base(f), i+1, strings.Split(text, "\n")[i], got, err, want, werr)
			}
		}
	}
}
