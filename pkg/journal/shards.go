package journal

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/trustfix/trustfix/pkg/shard"
)

// ShardSet is one sharded run (its run-start lines carry --shard K/N) as
// the journals given hold it.
type ShardSet struct {
	RunID string
	Count int // N
	By    shard.By
	// Journals are, per shard index, the journals holding its run lines.
	Journals map[int][]string
	// Missing are the indexes (0 … N-1) no journal given holds: the
	// shard never started, or its journal was not given.
	Missing []int
	// Mismatch names journals of the run whose N or split differs from
	// the first one's: shards of different splits do not add up.
	Mismatch []string
}

// Overlap is a device recorded by more than one shard of one run: the
// shards did not split the same selection (another inventory, -l, N or
// --shard-by).
type Overlap struct {
	Device   string
	RunID    string
	Shards   []int
	Journals []string // one per shard, in the order of Shards
}

// shardSets finds the sharded runs of files and the devices two shards
// of one run recorded; devices gives the order of the overlaps.
func shardSets(files []*File, devices []Entry) ([]ShardSet, []Overlap) {
	sets := map[string]*ShardSet{}
	type src struct{ path, run string }
	shardOf := map[src]int{}
	for _, f := range files {
		for _, r := range f.Runs {
			if r.Event != RunStart || r.Shard == nil {
				continue
			}
			s := sets[r.Run.ID]
			if s == nil {
				s = &ShardSet{RunID: r.Run.ID, Count: r.Shard.Count, By: r.Shard.By, Journals: map[int][]string{}}
				sets[r.Run.ID] = s
			}
			if r.Shard.Count != s.Count || r.Shard.By != s.By {
				s.Mismatch = appendNew(s.Mismatch, fmt.Sprintf("%s (shard %s, the others of %d)", f.Path, r.Shard, s.Count))
				continue
			}
			s.Journals[r.Shard.Index] = appendNew(s.Journals[r.Shard.Index], f.Path)
			shardOf[src{f.Path, r.Run.ID}] = r.Shard.Index
		}
	}
	// Which shards recorded each device, per run.
	type seen struct {
		shards   []int
		journals []string
	}
	byDevice := map[string]map[string]*seen{}
	for _, f := range files {
		for _, rec := range Latest(f.Records) {
			if rec.Run == nil {
				continue
			}
			k, ok := shardOf[src{f.Path, rec.Run.ID}]
			if !ok {
				continue
			}
			runs := byDevice[rec.Name]
			if runs == nil {
				runs = map[string]*seen{}
				byDevice[rec.Name] = runs
			}
			s := runs[rec.Run.ID]
			if s == nil {
				s = &seen{}
				runs[rec.Run.ID] = s
			}
			if !slices.Contains(s.shards, k) {
				s.shards, s.journals = append(s.shards, k), append(s.journals, f.Path)
			}
		}
	}
	var overlaps []Overlap
	for _, e := range devices {
		runs := byDevice[e.Record.Name]
		for _, id := range slices.Sorted(maps.Keys(runs)) {
			if s := runs[id]; len(s.shards) > 1 {
				overlaps = append(overlaps, Overlap{Device: e.Record.Name, RunID: id, Shards: s.shards, Journals: s.journals})
			}
		}
	}
	var out []ShardSet
	for _, id := range slices.Sorted(maps.Keys(sets)) {
		s := sets[id]
		for k := range s.Count {
			if len(s.Journals[k]) == 0 {
				s.Missing = append(s.Missing, k)
			}
		}
		out = append(out, *s)
	}
	return out, overlaps
}

// shardsEnded says, for a sharded run (ok), whether it ended: in every
// journal that holds it, its last run-start line is followed by its
// run-end line. A shard killed and then resumed (the same run id, the
// same journal) has ended once the resume did.
func shardsEnded(files []*File, id string) (ended, ok bool) {
	ended = true
	for _, f := range files {
		open, holds := false, false
		for _, r := range f.Runs {
			if r.Run.ID != id {
				continue
			}
			switch r.Event {
			case RunStart:
				holds, open = true, true
				ok = ok || r.Shard != nil
			case RunEnd:
				open = false
			}
		}
		if holds && open {
			ended = false
		}
	}
	return ended && ok, ok
}

// ErrShardMismatch matches (with errors.Is) CheckShard's refusals.
var ErrShardMismatch = errors.New("journal belongs to another shard")

// CheckShard refuses to resume a journal written by another shard of a
// run, or by a run without shards when want is one (and the other way
// round): each shard continues its own journal, with the same --shard
// and --shard-by, or devices would be skipped or done twice. A journal
// without run lines passes (nothing says what wrote it).
func CheckShard(f *File, want *shard.Spec) error {
	for _, r := range f.Runs {
		if r.Event != RunStart || sameShard(r.Shard, want) {
			continue
		}
		hint := "resume each shard with its own journal and the same --shard and --shard-by"
		switch {
		case want == nil:
			return fmt.Errorf("%w: %s was written by shard %s of run %s; this run has no --shard: %s", ErrShardMismatch, f.Path, r.Shard, r.Run.ID, hint)
		case r.Shard == nil:
			return fmt.Errorf("%w: %s was written by run %s without --shard; this run is shard %s: start a new journal for each shard", ErrShardMismatch, f.Path, r.Run.ID, want)
		}
		return fmt.Errorf("%w: %s was written by shard %s of run %s; this run is shard %s: %s", ErrShardMismatch, f.Path, r.Shard, r.Run.ID, want, hint)
	}
	return nil
}

func sameShard(a, b *shard.Spec) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// ShardRunID is the run id of the last sharded run-start line in f
// ("" if none): a shard that resumes keeps its run's id, so the merged
// report still sees one run.
func ShardRunID(f *File) string {
	id := ""
	for _, r := range f.Runs {
		if r.Event == RunStart && r.Shard != nil {
			id = r.Run.ID
		}
	}
	return id
}

// ShardList is "0, 2 and 3" for messages.
func ShardList(ks []int, n int) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = fmt.Sprintf("%d/%d", k, n)
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
