package cli_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/shard"
)

// TestShardsAsProcesses is a night split over four processes, as the
// pods of a Kubernetes Indexed Job run it: four `trustfix apply --shard
// index/4` with JOB_COMPLETION_INDEX=0..3 over one lab of 100 devices.
// It proves that
//   - each device is in exactly one shard's journal (the shard the
//     documented hash gives it) and was logged into by that shard alone:
//     its lab login count is what one single-process run of the same
//     fleet gives it;
//   - report over three of the four journals names the missing shard and
//     exits 2;
//   - a shard killed with SIGKILL mid-run (held by a gate on one of its
//     devices, so "mid-run" is a state), then run again alone with
//     --resume, completes the night; resuming it as another shard is
//     refused;
//   - the merged report of the four journals is one run and, device by
//     device, the single-process run's result.
func TestShardsAsProcesses(t *testing.T) {
	t.Parallel()
	const n, killed = 4, 2
	fleetDevs := flMix("fleet", 100)
	// The gated device: the first that needs the CA in the shard to kill.
	gated := ""
	for _, d := range fleetDevs {
		if d.template == "xe" && shard.Of(d.name, n) == killed {
			gated = d.name
			break
		}
	}
	if gated == "" {
		t.Fatal("no iosxe device in shard 2")
	}

	// The reference: one process, the whole fleet, on a lab of its own.
	single := startFlLab(t, fleetDevs, "1ms", flLabOptions{})
	ref := flStart(t, "apply", "-i", single.Inv, "--journal", single.journal, "--yes", "-c", "40")
	if code := ref.wait(); code != 0 {
		t.Fatalf("single-process apply exit %d; stderr:\n%s", code, ref.stderrText())
	}
	refState := single.Settle(t)
	refRecs, _ := flJournal(t, single.journal)
	want := flFinal(refRecs)

	// The night in four shards.
	l := startFlLab(t, fleetDevs, "1ms", flLabOptions{Gates: map[string]func(*devsim.Device) func() bool{gated: flAfterImport}})
	journals := make([]string, n)
	args := func(k int, extra ...string) []string {
		journals[k] = l.Path(fmt.Sprintf("shard-%d.jsonl", k))
		return append([]string{"apply", "-i", l.Inv, "--shard", "index/4", "--journal", journals[k], "--yes", "-c", "10"}, extra...)
	}
	procs := make([]*flProc, n)
	for k := range n {
		procs[k] = flStartEnv(t, nil, []string{fmt.Sprintf("%s=%d", shard.IndexEnv, k)}, args(k)...)
	}
	for k, p := range procs {
		if k == killed {
			continue
		}
		if code := p.wait(); code != 0 {
			t.Fatalf("shard %d exit %d; stderr:\n%s", k, code, p.stderrText())
		}
	}
	// Kill shard 2 once it has journaled a device and sits in the middle
	// of the gated device's change.
	devsimtest.Eventually(t, "shard 2 to be under way", func() bool {
		select {
		case <-l.gates[gated].held():
		default:
			return false
		}
		recs, _ := flJournal(t, journals[killed])
		return len(recs) > 0
	})
	procs[killed].signal(syscall.SIGKILL)
	if code := procs[killed].wait(); code != -1 {
		t.Fatalf("shard 2 exit %d, want killed", code)
	}
	afterKill := l.Settle(t)
	killedRecs, _ := flJournal(t, journals[killed])
	doneBeforeKill := flFinal(killedRecs)
	t.Logf("shard 2 killed with %d devices finished", len(doneBeforeKill))

	// The morning report over the three journals there are: shard 2 is
	// named and the night is not complete.
	rep := flStart(t, "report", journals[0], journals[1], journals[3])
	if code := rep.wait(); code != cli.ExitDevices {
		t.Errorf("report without shard 2: exit %d, want %d", code, cli.ExitDevices)
	}
	if !strings.Contains(rep.stderrText(), "shard 2/4 missing") {
		t.Errorf("report without shard 2 does not name it; stderr:\n%s", rep.stderrText())
	}

	// Shard 2's journal is its own: resuming it as shard 1 is refused
	// before any device is touched.
	wrong := flStartEnv(t, nil, []string{shard.IndexEnv + "=1"}, "apply", "-i", l.Inv, "--shard", "index/4", "--journal", journals[killed], "--yes", "--resume")
	if code := wrong.wait(); code != cli.ExitInput || !strings.Contains(wrong.stderrText(), "written by shard 2/4") {
		t.Errorf("shard 1 resuming shard 2's journal: exit %d; stderr:\n%s", code, wrong.stderrText())
	}

	// Only index 2 runs again, with --resume, and the night completes.
	l.gates[gated].release()
	again := flStartEnv(t, nil, []string{fmt.Sprintf("%s=%d", shard.IndexEnv, killed)}, args(killed, "--resume")...)
	if code := again.wait(); code != 0 {
		t.Fatalf("shard 2 resumed: exit %d; stderr:\n%s", code, again.stderrText())
	}
	final := l.Settle(t)

	// Each device in exactly one journal: the shard the hash gives it.
	runIDs := map[string]bool{}
	where := map[string]int{}
	for k, path := range journals {
		f, err := journal.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range f.Runs {
			runIDs[r.Run.ID] = true
			if r.Event == journal.RunStart && (r.Shard == nil || r.Shard.Index != k || r.Shard.Count != n) {
				t.Errorf("%s: run-start shard %v, want %d/%d", path, r.Shard, k, n)
			}
		}
		for name := range flFinal(f.Records) {
			if prev, ok := where[name]; ok && prev != k {
				t.Errorf("%s is in the journals of shards %d and %d", name, prev, k)
			}
			where[name] = k
			if got := shard.Of(name, n); got != k {
				t.Errorf("%s ran in shard %d, the hash gives %d", name, k, got)
			}
		}
	}
	if len(runIDs) != 1 {
		t.Errorf("the shards wrote %d run ids, want one: %v", len(runIDs), runIDs)
	}
	for k := range n {
		if !slices.Contains(slices.Collect(maps.Values(where)), k) {
			t.Errorf("shard %d ran no device", k)
		}
	}

	// Logins: as many as the single-process run made, so one shard each;
	// shard 2's devices done before the kill were not logged into again.
	for _, d := range fleetDevs {
		name := d.name
		if _, ok := where[name]; !ok {
			t.Errorf("%s is in no journal", name)
			continue
		}
		got, ref := final[name].Logins, refState[name].Logins
		switch {
		case where[name] != killed:
			if got != ref {
				t.Errorf("%s (shard %d): %d logins, the single-process run made %d", name, where[name], got, ref)
			}
		case doneBeforeKill[name].Name != "":
			if got != afterKill[name].Logins || got != ref {
				t.Errorf("%s finished before the kill, yet %d logins after the resume (%d at the kill, single run %d)", name, got, afterKill[name].Logins, ref)
			}
		case got < 1:
			t.Errorf("%s: never logged into", name)
		}
	}

	// The merged report is one run, device by device the single run's.
	// (The lab's directory stands for the *.jsonl journals in it.)
	merged := flStart(t, "report", "-o", "json", l.Dir)
	if code := merged.wait(); code != 0 {
		t.Fatalf("report of the four shards: exit %d; stderr:\n%s", code, merged.stderrText())
	}
	var doc struct {
		Devices []record.Record `json:"devices"`
	}
	if err := json.Unmarshal(merged.stdout.Bytes(), &doc); err != nil {
		t.Fatalf("report -o json: %v", err)
	}
	if len(doc.Devices) != len(fleetDevs) {
		t.Fatalf("merged report has %d devices, want %d", len(doc.Devices), len(fleetDevs))
	}
	for i, r := range doc.Devices {
		if r.Name != fleetDevs[i].name {
			t.Errorf("merged report row %d is %s, want %s (inventory order)", i, r.Name, fleetDevs[i].name)
		}
		w := want[r.Name]
		if r.Name == gated {
			// Killed between import and save: the resume finds the CA
			// there and only saves (verdict compliant, no method).
			if r.Outcome != record.Remediated {
				t.Errorf("%s: outcome %s after the resume, want remediated", r.Name, r.Outcome)
			}
			continue
		}
		if r.Outcome != w.Outcome || r.Verdict != w.Verdict || r.Method != w.Method || r.Platform != w.Platform || r.Stage != w.Stage {
			t.Errorf("%s: sharded %s/%s/%s/%s/%s, single run %s/%s/%s/%s/%s", r.Name,
				r.Platform, r.Verdict, r.Outcome, r.Method, r.Stage, w.Platform, w.Verdict, w.Outcome, w.Method, w.Stage)
		}
		if !flCAIn(final[r.Name].SavedStore) {
			t.Errorf("%s: no CA in the saved configuration", r.Name)
		}
	}
	if _, err := os.Stat(filepath.Join(journals[killed] + ".d")); err != nil {
		t.Errorf("shard 2's transcripts: %v", err)
	}
}
