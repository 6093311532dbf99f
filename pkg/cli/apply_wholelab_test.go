package cli_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/report"
)

// TestApplyWholeLab runs the main job once against the whole default lab
// (every platform, look-alike and fault), with journal, transcripts and
// logs in a temp dir, plus `fix` runs whose passwords are typed at the
// prompt, and proves:
//   - no secret: neither lab password is in the journal, any transcript,
//     stdout, stderr (the zap logs) or any error message;
//   - the report: `trustfix report JOURNAL` gives the apply's own final
//     summary, in table, json and csv;
//   - every device is left clean: no session in config mode, pending or
//     mid-paste, and the trust store of every device not remediated is
//     exactly as it was.
func TestApplyWholeLab(t *testing.T) {
	t.Parallel()
	l := devsimtest.Start(t, devsim.DefaultScenario(), devsimtest.Options{})
	// The host that never speaks SSH would hold the run for two 10s
	// handshakes; its own short deadline keeps the test quick.
	l.SetDevice(t, "c9200-dark-06", "timeout: 3s", "retries: 0")
	initial := map[string]devsim.State{}
	for _, d := range l.Devices() {
		initial[d.Name()] = d.State()
	}
	transcripts := filepath.Join(l.Dir, "transcripts")
	apply, j := apply(t, l, "night.jsonl", "--transcripts", transcripts)
	if apply.Code != cli.ExitDevices {
		t.Fatalf("apply: exit %d, want %d (the lab fails some devices on purpose)\nstdout:\n%s\nstderr:\n%s",
			apply.Code, cli.ExitDevices, apply.Stdout, apply.Stderr)
	}
	recs := readJournal(t, j)
	want := map[string]record.Outcome{
		"ie3400-dock-01": record.Remediated, "c8kv-wan-01": record.Remediated, "ess3300-rail-02": record.Remediated,
		"xr-core-01": record.Remediated, "xr-edge-02": record.Remediated, "asa-edge-1": record.Remediated,
		"asa-vpn-2": record.Remediated, "fp4120-a": record.Remediated,
		"c9300-core-01": record.AlreadyCompliant, "xr-peer-03": record.AlreadyCompliant, "asa-dmz-4": record.AlreadyCompliant,
		"isr-branch-07": record.Failed, "c9500-dist-04": record.Failed, "c9200-auth-05": record.Failed,
		"c9200-dark-06": record.Failed, "fp9300-b": record.Failed,
		"asa-ctx-3": record.Skipped, "c2960x-legacy-01": record.Skipped, "ftd-branch-1": record.Skipped,
		"cer-pub-01": record.Skipped, "esa-mail-01": record.Skipped, "wsa-proxy-01": record.Skipped,
	}
	for name, o := range want {
		if r := last(t, recs, name); r.Outcome != o {
			t.Errorf("%s: outcome %q (%s), want %q", name, r.Outcome, r.Error, o)
		}
	}

	// fix from a laptop: the password and enable password typed at the
	// prompt (not from the environment), on the device that dropped the
	// apply's connection and on the one that refuses the login.
	typed := func(prompt string) (string, error) {
		if strings.HasPrefix(prompt, "Enable") {
			return devsimtest.EnablePassword, nil
		}
		return devsimtest.Password, nil
	}
	fixJournal := filepath.Join(l.Dir, "fix.jsonl")
	var fixes []devsimtest.Result
	for _, name := range []string{"c9500-dist-04", "c9200-auth-05"} {
		env := cli.Env{In: strings.NewReader("y\n"), InTerminal: true, ReadPassword: typed,
			LookupEnv: func(string) (string, bool) { return "", false }}
		res := devsimtest.Run(t, env, "fix", "127.0.0.1", "--port", strconv.Itoa(l.Device(name).Port()), "--username", "netops",
			"--known-hosts", l.Known, "--journal", fixJournal, "--transcripts", transcripts)
		fixes = append(fixes, res)
	}
	if fixes[0].Code != 0 || !strings.Contains(fixes[0].Stdout, "remediated") {
		t.Errorf("fix c9500-dist-04: exit %d\n%s%s", fixes[0].Code, fixes[0].Stdout, fixes[0].Stderr)
	}
	if fixes[1].Code != cli.ExitDevices || !strings.Contains(fixes[1].Stdout+fixes[1].Stderr, "auth") {
		t.Errorf("fix c9200-auth-05: exit %d, want %d and an authentication failure\n%s%s", fixes[1].Code, cli.ExitDevices, fixes[1].Stdout, fixes[1].Stderr)
	}

	t.Run("no secrets", func(t *testing.T) {
		texts := map[string]string{"apply stdout": apply.Stdout, "apply stderr": apply.Stderr}
		for i, f := range fixes {
			texts["fix "+strconv.Itoa(i)+" stdout"] = f.Stdout
			texts["fix "+strconv.Itoa(i)+" stderr"] = f.Stderr
		}
		var errs []string
		for _, r := range append(recs, readJournal(t, fixJournal)...) {
			errs = append(errs, r.Error, r.Reason, r.Fallback)
		}
		texts["journal error and reason fields"] = strings.Join(errs, "\n")
		files := []string{j, fixJournal}
		n := 0
		err := filepath.WalkDir(l.Dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".log") {
				files = append(files, p)
				n++
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n < 15 {
			t.Errorf("only %d transcripts found under %s", n, l.Dir)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts[f] = string(b)
		}
		// Sanity: the secrets would be found if they were there.
		if !strings.Contains(texts[j], "c9200-auth-05") {
			t.Fatal("the journal does not look like a journal")
		}
		for name, text := range texts {
			for _, pw := range []string{devsimtest.Password, devsimtest.EnablePassword} {
				if i := strings.Index(text, pw); i >= 0 {
					t.Errorf("%s holds a lab password: …%s…", name, text[max(0, i-60):min(len(text), i+len(pw)+20)])
				}
			}
		}
	})

	t.Run("report matches the apply summary", func(t *testing.T) {
		// The apply's own final summary: the block after the device rows.
		applySummary := summaryBlock(t, apply.Stdout)
		t.Logf("apply summary:\n%s", applySummary)

		table := devsimtest.Run(t, cli.Env{}, "report", j)
		if table.Code != apply.Code {
			t.Errorf("report exit %d, apply exit %d", table.Code, apply.Code)
		}
		compareSummaries(t, "report -o table", summaryBlock(t, table.Stdout), applySummary)

		js := devsimtest.Run(t, cli.Env{}, "report", j, "-o", "json")
		var doc struct {
			Devices []record.Record `json:"devices"`
			Summary report.Summary  `json:"summary"`
		}
		if err := json.Unmarshal([]byte(js.Stdout), &doc); err != nil {
			t.Fatalf("report -o json: %v\n%s", err, js.Stdout)
		}
		if !reflect.DeepEqual(doc.Summary, report.Summarise(doc.Devices)) {
			t.Errorf("report -o json: the summary does not count its devices:\n%+v", doc.Summary)
		}
		var rendered bytes.Buffer
		if err := report.Render(&rendered, report.Table, doc.Devices, report.Options{Apply: true, Summary: true}); err != nil {
			t.Fatal(err)
		}
		compareSummaries(t, "report -o json", summaryBlock(t, rendered.String()), applySummary)
		if doc.Summary.Total != len(want) || len(doc.Devices) != len(want) {
			t.Errorf("report -o json: %d devices, total %d, want %d", len(doc.Devices), doc.Summary.Total, len(want))
		}

		c := devsimtest.Run(t, cli.Env{}, "report", j, "-o", "csv")
		rows, err := csv.NewReader(strings.NewReader(c.Stdout)).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("report -o csv: %v\n%s", err, c.Stdout)
		}
		col := func(name string) int { return slices.Index(rows[0], name) }
		byOutcome := map[record.Outcome]int{}
		byPlatform := map[string]map[record.Outcome]int{}
		for _, r := range rows[1:] {
			o, p := record.Outcome(r[col("outcome")]), r[col("platform")]
			byOutcome[o]++
			if byPlatform[p] == nil {
				byPlatform[p] = map[record.Outcome]int{}
			}
			byPlatform[p][o]++
		}
		if len(rows)-1 != doc.Summary.Total {
			t.Errorf("report -o csv: %d rows, want %d", len(rows)-1, doc.Summary.Total)
		}
		for _, o := range record.Outcomes {
			if byOutcome[o] != doc.Summary.ByOutcome[o] {
				t.Errorf("report -o csv: %d %s, the summary says %d", byOutcome[o], o, doc.Summary.ByOutcome[o])
			}
		}
		for p, pc := range doc.Summary.ByPlatform {
			for o, n := range pc.ByOutcome {
				if byPlatform[p][o] != n {
					t.Errorf("report -o csv: %s %s %d, the summary says %d", p, o, byPlatform[p][o], n)
				}
			}
		}
	})

	t.Run("every device left clean", func(t *testing.T) {
		fixed := map[string]bool{"c9500-dist-04": true}
		l.Close() // waits for every session to end
		for _, d := range l.Devices() {
			st := d.State()
			devsimtest.CheckClean(t, st)
			o := last(t, recs, d.Name()).Outcome
			if o == record.Remediated || fixed[d.Name()] {
				if !devsim.Has(st.TrustStore, identrustSHA1) {
					t.Errorf("%s: %s, but the CA is not in its trust store", d.Name(), o)
				}
				continue
			}
			if !slices.Equal(sha1s(st.TrustStore), sha1s(initial[d.Name()].TrustStore)) || st.Unsaved {
				t.Errorf("%s: %s, but its trust store changed or is unsaved", d.Name(), o)
			}
			if o != record.Failed && len(st.MutatingCommands()) > 0 {
				t.Errorf("%s: %s, but it received %q", d.Name(), o, st.MutatingCommands())
			}
		}
	})
}

// summaryBlock is the summary that ends a table: from "Devices:" on.
func summaryBlock(t *testing.T, out string) string {
	t.Helper()
	i := strings.Index(out, "\nDevices:")
	if i < 0 {
		t.Fatalf("no summary in:\n%s", out)
	}
	return out[i+1:]
}

// compareSummaries compares two summary blocks line by line: report keeps
// inventory order, as apply does.
func compareSummaries(t *testing.T, what, got, want string) {
	t.Helper()
	if strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("%s: summary\n%s\napply's:\n%s", what, got, want)
	}
}
