package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/shard"
)

// indexEnv is the lab's environment with JOB_COMPLETION_INDEX set to v
// ("" leaves it unset).
func indexEnv(v string) cli.Env {
	return cli.Env{LookupEnv: func(name string) (string, bool) {
		if name == shard.IndexEnv {
			return v, v != ""
		}
		return devsimtest.LookupEnv(name)
	}}
}

// TestShardInput: a bad --shard, --shard-by or --run-id is exit 1 with
// one line, before any device is connected to; plan --shard K/N plans
// exactly the devices of shard K, and the N plans cover the fleet once.
func TestShardInput(t *testing.T) {
	t.Parallel()
	l := startFlLab(t, flMix("s", 12), "", flLabOptions{})
	for _, c := range []struct {
		env  string
		args []string
		msg  string
	}{
		{"", []string{"plan", "--shard", "index/4"}, "$JOB_COMPLETION_INDEX is not set"},
		{"4", []string{"plan", "--shard", "index/4"}, `($JOB_COMPLETION_INDEX="4"): K must be 0 to 3`},
		{"", []string{"plan", "--shard", "4/4"}, "K must be 0 to 3"},
		{"", []string{"plan", "--shard", "1"}, "want K/N"},
		{"", []string{"plan", "--shard", "0/0"}, "N must be a whole number of at least 1"},
		{"", []string{"plan", "--shard-by", "group"}, "--shard-by needs --shard"},
		{"", []string{"plan", "--shard", "0/2", "--shard-by", "site"}, `--shard-by "site": want name|group`},
		{"", []string{"apply", "--yes", "--journal", l.Path("x.jsonl"), "--run-id", "../etc"}, `--run-id "../etc"`},
		{"", []string{"apply", "--yes", "--journal", l.Path("y.jsonl"), "--shard", "index/2"}, "$JOB_COMPLETION_INDEX is not set"},
		{"", []string{"plan", "--captures", l.Dir, "--shard", "0/2"}, "cannot be combined with --captures"},
	} {
		res := devsimtest.Run(t, indexEnv(c.env), append(c.args, "-i", l.Inv)...)
		msg := strings.TrimSpace(res.Stderr)
		if res.Code != cli.ExitInput || !strings.Contains(msg, c.msg) || strings.Count(msg, "\n") > 0 {
			t.Errorf("%v (index %q): exit %d, stderr %q; want exit 1 and one line with %q", c.args, c.env, res.Code, msg, c.msg)
		}
	}
	for name, st := range l.states() {
		if st.Connections != 0 {
			t.Errorf("%s: %d connections after bad input", name, st.Connections)
		}
	}

	if err := os.Mkdir(l.Path("empty"), 0o700); err != nil {
		t.Fatal(err)
	}
	if res := devsimtest.Run(t, cli.Env{}, "report", l.Path("empty")); res.Code != cli.ExitInput || !strings.Contains(res.Stderr, "no journals (*.jsonl)") {
		t.Errorf("report of an empty directory: exit %d\n%s", res.Code, res.Stderr)
	}

	// More shards than devices: an empty shard runs nothing, writes its
	// run lines (report counts it as there) and succeeds.
	empty := -1
	for k := range 40 {
		has := false
		for _, name := range l.names {
			has = has || shard.Of(name, 40) == k
		}
		if !has {
			empty = k
			break
		}
	}
	j := l.Path("empty.jsonl")
	res := devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--shard", fmt.Sprintf("%d/40", empty), "--journal", j, "--yes")
	if res.Code != 0 {
		t.Fatalf("empty shard %d/40: exit %d\n%s", empty, res.Code, res.Stderr)
	}
	f, err := journal.ReadFile(j)
	if err != nil || len(f.Runs) != 2 || f.Runs[0].Shard == nil || f.Runs[0].Shard.Index != empty || len(f.Records) != 0 {
		t.Errorf("empty shard's journal: %+v, %v", f, err)
	}

	seen := map[string]int{}
	for k := range 3 {
		res := devsimtest.Run(t, indexEnv(fmt.Sprint(k)), "plan", "-i", l.Inv, "--shard", "index/3", "-l", "!s-12", "-o", "json")
		if res.Code != 0 {
			t.Fatalf("plan shard %d: exit %d\n%s", k, res.Code, res.Stderr)
		}
		var doc struct{ Devices []record.Record }
		if err := json.Unmarshal([]byte(res.Stdout), &doc); err != nil {
			t.Fatal(err)
		}
		for _, r := range doc.Devices {
			seen[r.Name]++
			if shard.Of(r.Name, 3) != k {
				t.Errorf("plan shard %d/3 planned %s (shard %d)", k, r.Name, shard.Of(r.Name, 3))
			}
		}
	}
	for _, name := range l.names {
		want := 1
		if name == "s-12" { // excluded by -l before the split
			want = 0
		}
		if seen[name] != want {
			t.Errorf("%s planned by %d shards, want %d", name, seen[name], want)
		}
	}
}

// A stopped shard prints the command that resumes it: the shard as
// resolved (index/N needs the pod's variable), its split and run id.
func TestShardResumeCommand(t *testing.T) {
	t.Parallel()
	l := startFlLab(t, append([]flDev{{name: "bad", template: "xe", faults: "auth_fail: true"}}, flMix("ok", 2)...), "", flLabOptions{})
	res := devsimtest.Run(t, indexEnv("0"), "apply", "-i", l.Inv, "--shard", "index/1", "--shard-by", "group", "--run-id", "night-1",
		"--journal", l.journal, "--yes", "-c", "1", "--max-failures", "1")
	if res.Code != cli.ExitStopped {
		t.Fatalf("exit %d, want %d\n%s", res.Code, cli.ExitStopped, res.Stderr)
	}
	want := "trustfix apply -i " + l.Inv + " --shard 0/1 --shard-by group --run-id night-1 --journal " + l.journal + " --resume --yes -c 1 --max-failures 1"
	if !strings.Contains(res.Stderr, want) {
		t.Errorf("resume command: want %q in\n%s", want, res.Stderr)
	}
	f, err := journal.ReadFile(l.journal)
	if err != nil || len(f.Runs) == 0 || f.Runs[0].Run.ID != "night-1" || *f.Runs[0].Shard != (shard.Spec{Index: 0, Count: 1, By: shard.ByGroup}) {
		t.Errorf("run-start %+v, %v", f.Runs, err)
	}
}
