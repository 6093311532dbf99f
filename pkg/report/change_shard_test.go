package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/shard"
)

// The change record of a sharded run says, in its facts and its notes,
// which shard is missing and which device two shards recorded.
func TestChangeRecordShards(t *testing.T) {
	files := shardJournals(t)
	for i, f := range files {
		for j := range f.Runs {
			f.Runs[j].Shard = &shard.Spec{Index: i, Count: 3, By: shard.ByName}
		}
	}
	for _, format := range ChangeFormats {
		var buf bytes.Buffer
		if err := RenderChange(&buf, format, changeOf(t, files)); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, want := range []string{
			"3, by name: MISSING 2/3",
			"shard 2/3 missing (no journal given holds it)",
			"ncs-core-1 was recorded by shards 0 and 1",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s change record lacks %q", format, want)
			}
		}
	}
	// All shards here: the facts say so, no note.
	var buf bytes.Buffer
	files[1].Runs[0].Shard.Count, files[0].Runs[0].Shard.Count = 2, 2
	files[1].Runs[1].Shard.Count, files[0].Runs[1].Shard.Count = 2, 2
	if err := RenderChange(&buf, Markdown, changeOf(t, files)); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.Contains(out, "2, by name: all here") || strings.Contains(out, "missing (no journal") {
		t.Errorf("complete sharded run:\n%s", out)
	}
}
