package journal

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/shard"
)

// shardFile is the journal of shard k of n of run "night": a run-start
// naming devs, a record per device, and a run-end when ended.
func shardFile(path string, k, n int, ended bool, devs ...string) *File {
	run := record.RunInfo{ID: "night", Inventory: "inv", CAFingerprint: "ca"}
	at := time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC)
	f := &File{Path: path}
	start := Run{Event: RunStart, Run: run, Time: at, Shard: &shard.Spec{Index: k, Count: n, By: shard.ByName}}
	for i, d := range devs {
		start.Devices = append(start.Devices, DeviceRef{Name: d, Position: i + 1})
		fin := at.Add(time.Minute)
		f.Records = append(f.Records, record.Record{Name: d, Verdict: record.Remediate, Outcome: record.Remediated, Run: &run, Finished: &fin})
	}
	f.Runs = append(f.Runs, start)
	if ended {
		f.Runs = append(f.Runs, Run{Event: RunEnd, Run: run, Time: at.Add(time.Hour)})
	}
	return f
}

func TestMergeShards(t *testing.T) {
	files := []*File{
		shardFile("s0.jsonl", 0, 4, true, "a", "b"),
		shardFile("s1.jsonl", 1, 4, true, "c"),
		shardFile("s3.jsonl", 3, 4, true, "d", "b"), // b is also in shard 0
	}
	m := Merge(files)
	if len(m.Shards) != 1 {
		t.Fatalf("shard sets %+v", m.Shards)
	}
	s := m.Shards[0]
	if s.RunID != "night" || s.Count != 4 || len(s.Missing) != 1 || s.Missing[0] != 2 {
		t.Errorf("shards: %+v, want shard 2 of 4 missing", s)
	}
	if len(m.Overlaps) != 1 || m.Overlaps[0].Device != "b" || len(m.Overlaps[0].Shards) != 2 || m.Overlaps[0].Shards[0] != 0 || m.Overlaps[0].Shards[1] != 3 {
		t.Errorf("overlaps %+v, want b in shards 0 and 3", m.Overlaps)
	}
	if len(m.Runs) != 1 || !m.Runs[0].Ended {
		t.Errorf("runs %+v: want one ended run", m.Runs)
	}
	if got := ShardList([]int{0, 2, 3}, 4); got != "0/4, 2/4 and 3/4" {
		t.Errorf("ShardList: %q", got)
	}

	// All four, no overlap; a shard killed and resumed in its own journal
	// (two starts, one end) has ended; one still killed has not.
	resumed := shardFile("s2.jsonl", 2, 4, true, "e")
	resumed.Runs = append([]Run{resumed.Runs[0]}, resumed.Runs...)
	m = Merge([]*File{shardFile("s0.jsonl", 0, 4, true, "a"), shardFile("s1.jsonl", 1, 4, true, "c"), resumed, shardFile("s3.jsonl", 3, 4, true, "d")})
	if len(m.Shards[0].Missing) != 0 || len(m.Overlaps) != 0 || !m.Runs[0].Ended || len(m.Devices) != 4 {
		t.Errorf("complete night: shards %+v overlaps %+v ended %v devices %d", m.Shards, m.Overlaps, m.Runs[0].Ended, len(m.Devices))
	}
	m = Merge([]*File{shardFile("s0.jsonl", 0, 2, true, "a"), shardFile("s1.jsonl", 1, 2, false, "c")})
	if m.Runs[0].Ended {
		t.Error("a run with a killed shard counts as ended")
	}

	// Another N in the same run id is a mismatch, not a shard.
	m = Merge([]*File{shardFile("s0.jsonl", 0, 2, true, "a"), shardFile("x.jsonl", 1, 3, true, "c")})
	if len(m.Shards[0].Mismatch) != 1 || !strings.Contains(m.Shards[0].Mismatch[0], "x.jsonl") || len(m.Shards[0].Missing) != 1 {
		t.Errorf("mismatch: %+v", m.Shards[0])
	}
}

func TestCheckShard(t *testing.T) {
	f := shardFile("s1.jsonl", 1, 4, true, "c")
	if err := CheckShard(f, &shard.Spec{Index: 1, Count: 4, By: shard.ByName}); err != nil {
		t.Errorf("same shard refused: %v", err)
	}
	if id := ShardRunID(f); id != "night" {
		t.Errorf("ShardRunID = %q", id)
	}
	for _, c := range []struct {
		want *shard.Spec
		msg  string
	}{
		{&shard.Spec{Index: 2, Count: 4, By: shard.ByName}, "written by shard 1/4 of run night; this run is shard 2/4"},
		{&shard.Spec{Index: 1, Count: 5, By: shard.ByName}, "this run is shard 1/5"},
		{&shard.Spec{Index: 1, Count: 4, By: shard.ByGroup}, "this run is shard 1/4 by group"},
		{nil, "this run has no --shard"},
	} {
		err := CheckShard(f, c.want)
		if !errors.Is(err, ErrShardMismatch) || !strings.Contains(err.Error(), c.msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckShard(%v): %v, want %q", c.want, err, c.msg)
		}
	}
	plain := &File{Path: "p.jsonl", Runs: []Run{{Event: RunStart, Run: record.RunInfo{ID: "r"}}}}
	if err := CheckShard(plain, &shard.Spec{Index: 0, Count: 2}); !errors.Is(err, ErrShardMismatch) || !strings.Contains(err.Error(), "without --shard") {
		t.Errorf("unsharded journal resumed as a shard: %v", err)
	}
	if err := CheckShard(plain, nil); err != nil {
		t.Errorf("unsharded journal, unsharded run: %v", err)
	}
}
