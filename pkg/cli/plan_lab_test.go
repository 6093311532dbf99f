package cli_test

import (
	"encoding/csv"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// labWant is what plan must say about one device of the default lab.
type labWant struct {
	name       string
	platform   string // as detected (inventory "auto" devices too)
	version    string // exactly as the device prints it
	verdict    string
	method     string
	persistent string // true | false | null
	ca         string // ca_present: true | false | null
	notice     string // advisory notice; "" when advisory is null
	affected   bool
}

// defaultLab is every device of pkg/devsim/scenarios/default.yaml (whose
// comments say why) in inventory order: the served devices, then the
// inventory-only appliances.
var defaultLab = []labWant{
	{"ie3400-dock-01", "iosxe", "17.03.04a", "remediate", "terminal", "true", "false", "FN72298", true},
	{"c9300-core-01", "iosxe", "17.06.04", "compliant", "", "null", "true", "FN72323", false},
	// platform auto, and its listing holds "c8kv-wan-01#" (the prompt trap)
	{"c8kv-wan-01", "iosxe", "16.12.04", "remediate", "terminal", "true", "false", "FN72323", true},
	// legacy SSH only: the inventory says legacy_algorithms: true
	{"isr-branch-07", "iosxe", "17.03.03", "remediate", "terminal", "true", "false", "FN72323", true},
	// AAA refuses paging; its IdenTrust look-alike must not count
	{"ess3300-rail-02", "iosxe", "17.05.01", "remediate", "terminal", "true", "false", "FN72298", true},
	{"c9500-dist-04", "iosxe", "17.03.03", "remediate", "terminal", "true", "false", "FN72323", true},
	{"c9200-auth-05", "iosxe", "", "auth-failed", "", "null", "null", "", false},
	{"c9200-dark-06", "iosxe", "", "unreachable", "", "null", "null", "", false},
	// bundle_file on harddisk: → file
	{"xr-core-01", "iosxr", "7.3.2", "remediate", "file", "true", "false", "FN72290", true},
	// no bundle file → url; apply falls back to terminal when it fails,
	// which a reload loses: persistent is the worst case
	{"xr-edge-02", "iosxr", "6.5.3", "remediate", "url", "false", "false", "FN72290", true},
	{"xr-peer-03", "iosxr", "7.5.2", "compliant", "", "null", "true", "FN72290", false},
	{"asa-edge-1", "asa", "9.16(3)19", "remediate", "terminal", "true", "false", "FN72103", false},
	// FIPS: IdenTrust is SHA-256 signed, so it is accepted
	{"asa-vpn-2", "asa", "9.8(4)10", "remediate", "terminal", "true", "false", "FN72103", true},
	// multiple-context mode: manual
	{"asa-ctx-3", "asa", "9.12(4)", "unsupported", "", "null", "null", "", false},
	{"asa-dmz-4", "asa", "9.18(2)", "compliant", "", "null", "true", "FN72103", false},
	{"fp4120-a", "fxos", "2.10(1.159)", "remediate", "terminal", "true", "false", "FN72103", false},
	// a trustpoint of our name already holds another chain
	{"fp9300-b", "fxos", "2.8(1.105)", "error", "", "null", "false", "FN72103", false},
	{"c2960x-legacy-01", "ios", "15.2(7)E3", "unsupported", "", "null", "null", "", false},
	{"ftd-branch-1", "ftd", "7.0.1", "unsupported", "", "null", "null", "", false},
	{"cer-pub-01", "cer", "12.5(1)SU3", "upgrade-required", "", "null", "null", "FN72289", true},
	{"esa-mail-01", "esa", "13.0.0-283", "upgrade-required", "", "null", "null", "FN72113", true},
	{"wsa-proxy-01", "wsa", "11.7.2-011", "upgrade-required", "", "null", "null", "FN72113", true},
}

// defaultLabFallback are the plan's fallbacks, shown in METHOD as
// "url→terminal" and in JSON as fallback_method.
var defaultLabFallback = map[string]string{"xr-edge-02": "terminal"}

// defaultLabFailed are the devices that make plan exit 2.
var defaultLabFailed = []string{"c9200-auth-05", "c9200-dark-06", "fp9300-b"}

// silentTimeout is the silent device's deadline in these tests; the
// session's own handshake limit is 10s, so finishing well under that
// proves the device deadline bounds the handshake.
const silentTimeout = 2 * time.Second

// TestPlanDefaultLab plans the whole default lab over real SSH in every
// output format, then proves from the devices' side that nothing changed.
func TestPlanDefaultLab(t *testing.T) {
	t.Parallel()
	// The silent device gets a short deadline and no retry: that is the
	// deadline under test, and it keeps each run short.
	pl := devsimtest.Start(t, devsimtest.Default(t, nil), devsimtest.Options{Timeout: "30s"})
	pl.SetDevice(t, "c9200-dark-06", "timeout: 2s", "retries: 0")
	var order []string
	for _, w := range defaultLab {
		order = append(order, w.name)
	}
	var mu sync.Mutex
	planned := map[string]int{} // runs that included each device
	countRuns := func(names []string) {
		mu.Lock()
		defer mu.Unlock()
		for _, n := range names {
			planned[n]++
		}
	}

	// The runs share the lab and run at once: they are independent reads,
	// and together they take the silent device's deadline once, not four
	// times.
	t.Run("runs", func(t *testing.T) {
		t.Run("json", planDefaultJSON(pl, order, countRuns))
		t.Run("table", planDefaultTable(pl, order, countRuns))
		t.Run("csv", planDefaultCSV(pl, order, countRuns))
		t.Run("healthy-limit-exits-0", planHealthyLimit(pl, countRuns))
	})

	t.Run("read-only", func(t *testing.T) {
		// Close waits for every session to end: the logs are complete.
		pl.Close()
		checkReadOnly(t, pl.Lab, planned)
	})
}

func planDefaultJSON(pl *devsimtest.Lab, order []string, countRuns func([]string)) func(*testing.T) {
	return func(t *testing.T) {
		t.Parallel()
		r := devsimtest.Run(t, cli.Env{}, "plan", "-i", pl.Inv, "-o", "json", "-c", "25")
		countRuns(order)
		if r.Code != cli.ExitDevices {
			t.Errorf("exit %d, want %d (the lab has failing devices)\nstderr:\n%s", r.Code, cli.ExitDevices, r.Stderr)
		}
		doc := decodePlan(t, r.Stdout)
		if got := doc.names(); !slices.Equal(got, order) {
			t.Fatalf("devices %v\nwant (inventory order) %v", got, order)
		}
		got := doc.byName()
		for _, w := range defaultLab {
			checkLabDevice(t, w, got[w.name], pl)
		}
		checkSummary(t, doc)
		// The AAA-refuses-paging device is planned through the pager, and
		// the operator is told.
		if !strings.Contains(r.Stderr, `"device":"ess3300-rail-02"`) || !strings.Contains(r.Stderr, "paging stays on") {
			t.Errorf("no paging warning for ess3300-rail-02 on stderr:\n%s", r.Stderr)
		}
	}
}

func planDefaultTable(pl *devsimtest.Lab, order []string, countRuns func([]string)) func(*testing.T) {
	return func(t *testing.T) {
		t.Parallel()
		r := devsimtest.Run(t, cli.Env{}, "plan", "-i", pl.Inv, "-o", "table", "-c", "25")
		countRuns(order)
		if r.Code != cli.ExitDevices {
			t.Errorf("exit %d, want %d", r.Code, cli.ExitDevices)
		}
		checkTable(t, r.Stdout)
	}
}

func planDefaultCSV(pl *devsimtest.Lab, order []string, countRuns func([]string)) func(*testing.T) {
	return func(t *testing.T) {
		t.Parallel()
		r := devsimtest.Run(t, cli.Env{}, "plan", "-i", pl.Inv, "-o", "csv", "-c", "25")
		countRuns(order)
		if r.Code != cli.ExitDevices {
			t.Errorf("exit %d, want %d", r.Code, cli.ExitDevices)
		}
		checkCSV(t, r.Stdout)
	}
}

// planHealthyLimit: limited to devices that are fine (compliant,
// remediate, unsupported, upgrade-required), plan exits 0.
func planHealthyLimit(pl *devsimtest.Lab, countRuns func([]string)) func(*testing.T) {
	return func(t *testing.T) {
		t.Parallel()
		healthy := []string{"ie3400-dock-01", "c9300-core-01", "xr-core-01", "xr-edge-02", "xr-peer-03", "asa-dmz-4", "fp4120-a", "c2960x-legacy-01", "cer-pub-01"}
		r := devsimtest.Run(t, cli.Env{}, "plan", "-i", pl.Inv, "-o", "json", "-l", "ie3400-dock-01,c9300-core-01,xr-*,asa-dmz-4,fp4120-a,c2960x-legacy-01,cer-pub-01")
		countRuns(healthy)
		if r.Code != cli.ExitOK {
			t.Errorf("exit %d, want 0 (compliant, remediate, unsupported and upgrade-required are all fine)\nstderr:\n%s", r.Code, r.Stderr)
		}
		if got := decodePlan(t, r.Stdout).names(); !slices.Equal(got, healthy) {
			t.Errorf("devices %v, want %v", got, healthy)
		}
	}
}

// checkLabDevice compares one device object with the table, and what the
// device itself says in show version (hostname, serial, model) where the
// platform prints it.
func checkLabDevice(t *testing.T, w labWant, got planDevice, pl *devsimtest.Lab) {
	t.Helper()
	if got.Name == "" {
		t.Errorf("%s: missing from the plan", w.name)
		return
	}
	adv, affected := "", false
	if got.Advisory != nil {
		adv, affected = got.Advisory.Notice, got.Advisory.Affected
	}
	type row struct{ platform, version, verdict, method, persistent, ca, notice string }
	have := row{got.Platform, got.Version, got.Verdict, got.Method, boolStr(got.Persistent), boolStr(got.CAPresent), adv}
	want := row{w.platform, w.version, w.verdict, w.method, w.persistent, w.ca, w.notice}
	if have != want {
		t.Errorf("%s:\n got  %+v\n want %+v\n reason %q error %q", w.name, have, want, got.Reason, got.Error)
	}
	if affected != w.affected {
		t.Errorf("%s: advisory affected %v, want %v (%+v)", w.name, affected, w.affected, got.Advisory)
	}
	failed := slices.Contains(defaultLabFailed, w.name)
	if failed != (got.Error != "") {
		t.Errorf("%s: error %q; a device should carry an error exactly when it failed", w.name, got.Error)
	}
	if w.verdict == "remediate" && got.Reason == "" {
		t.Errorf("%s: remediate without a reason", w.name)
	}
	d := pl.Device(w.name)
	if d == nil { // inventory-only appliance: never contacted
		if got.Host == "127.0.0.1" {
			t.Errorf("%s: an inventory-only appliance points at the lab", w.name)
		}
		return
	}
	if got.Host != "127.0.0.1" || got.Port != d.Port() {
		t.Errorf("%s: host %s port %d, want 127.0.0.1 port %d", w.name, got.Host, got.Port, d.Port())
	}
	sp := d.Spec()
	switch {
	case failed: // never got as far as show version
	case slices.Contains([]string{"iosxe", "asa", "ios", "ftd"}, w.platform): // show version names host, serial and model
		if got.Hostname != sp.Hostname || got.Serial != sp.Serial || got.Model != sp.Model {
			t.Errorf("%s: hostname %q serial %q model %q, want %q %q %q", w.name, got.Hostname, got.Serial, got.Model, sp.Hostname, sp.Serial, sp.Model)
		}
	case w.platform == "iosxr": // the model only: XR prints no host or serial there
		if got.Model != sp.Model {
			t.Errorf("%s: model %q, want %q", w.name, got.Model, sp.Model)
		}
	}
	switch w.name {
	case "c9200-auth-05":
		if !strings.Contains(got.Error, "authentication failed") {
			t.Errorf("%s: error %q, want an authentication failure", w.name, got.Error)
		}
	case "c9200-dark-06":
		if !strings.Contains(got.Error, "handshake timed out") {
			t.Errorf("%s: error %q, want the handshake timeout", w.name, got.Error)
		}
		// The deadline is the behaviour under test; the bound is generous
		// (a loaded CI machine) and still far below the 10s handshake limit
		// the session would use without a deadline.
		if got.Started == nil || got.Finished == nil {
			t.Errorf("%s: no started/finished", w.name)
		} else if took := got.Finished.Sub(*got.Started); took > silentTimeout+3*time.Second {
			t.Errorf("%s: failed after %v; its deadline is %v", w.name, took, silentTimeout)
		}
	case "fp9300-b":
		if !strings.Contains(got.Error, "already exists") {
			t.Errorf("%s: error %q, want the trustpoint conflict", w.name, got.Error)
		}
	}
}

func checkSummary(t *testing.T, doc planDoc) {
	t.Helper()
	s := doc.Summary
	if total, _ := s["total"].(float64); int(total) != len(defaultLab) {
		t.Errorf("summary.total %v, want %d", s["total"], len(defaultLab))
	}
	want := map[string]int{}
	for _, w := range defaultLab {
		want[w.verdict]++
	}
	by, _ := s["by_verdict"].(map[string]any)
	for _, v := range []string{"compliant", "remediate", "upgrade-required", "unsupported", "unreachable", "auth-failed", "error"} {
		if n, _ := by[v].(float64); int(n) != want[v] {
			t.Errorf("summary.by_verdict.%s = %v, want %d", v, by[v], want[v])
		}
	}
	var failed []string
	list, _ := s["failed"].([]any)
	for _, f := range list {
		failed = append(failed, f.(string))
	}
	if !slices.Equal(failed, defaultLabFailed) {
		t.Errorf("summary.failed %v, want %v", failed, defaultLabFailed)
	}
}

// checkTable reads the table's device rows by the header's column offsets
// (every column before ADVISORY is ASCII, so offsets are bytes).
func checkTable(t *testing.T, out string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	head := lines[0]
	vcol, ccol, mcol := strings.Index(head, "VERDICT"), strings.Index(head, " CA ")+1, strings.Index(head, "METHOD")
	if !strings.HasPrefix(head, "NAME") || vcol < 0 || ccol < 1 || mcol < 0 {
		t.Fatalf("no table header: %q", head)
	}
	cell := func(l string, at int) string {
		if at >= len(l) {
			return ""
		}
		return strings.Fields(l[at:] + " ")[0]
	}
	rows := lines[1:]
	if len(rows) < len(defaultLab) {
		t.Fatalf("%d lines after the header, want %d device rows:\n%s", len(rows), len(defaultLab), out)
	}
	caCell := map[string]string{"true": "yes", "false": "no", "null": "?"}
	for i, w := range defaultLab {
		l := rows[i]
		if cell(l, 0) != w.name {
			t.Errorf("row %d is %q, want device %s", i+1, l, w.name)
			continue
		}
		method := w.method
		if method == "" {
			method = "-"
		}
		if fb := defaultLabFallback[w.name]; fb != "" {
			method += "→" + fb
		}
		if got := cell(l, vcol); got != w.verdict {
			t.Errorf("%s: VERDICT %q, want %q\n%s", w.name, got, w.verdict, l)
		}
		if got := cell(l, ccol); got != caCell[w.ca] {
			t.Errorf("%s: CA %q, want %q", w.name, got, caCell[w.ca])
		}
		if got := cell(l, mcol); got != method {
			t.Errorf("%s: METHOD %q, want %q", w.name, got, method)
		}
	}
	if rows[len(defaultLab)] != "" {
		t.Errorf("after the %d device rows: %q, want the blank line before the summary", len(defaultLab), rows[len(defaultLab)])
	}
	if !strings.Contains(out, fmt.Sprintf("\nFailed:     %d\n", len(defaultLabFailed))) {
		t.Errorf("summary does not count the failed devices %v:\n%s", defaultLabFailed, out)
	}
	list := out[strings.Index(out, "\nFailed:\n")+1:]
	for _, n := range defaultLabFailed {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(n) + `  +\S+  +\S`).MatchString(list) {
			t.Errorf("the failed list lacks %s with its verdict and reason:\n%s", n, list)
		}
	}
}

// checkCSV reads the CSV by its header names.
func checkCSV(t *testing.T, out string) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, out)
	}
	if len(recs) != len(defaultLab)+1 {
		t.Fatalf("%d CSV rows, want a header and %d devices", len(recs), len(defaultLab))
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"name", "host", "port", "platform", "version", "model", "hostname", "ca_present", "verdict", "method", "persistent", "advisory_notice", "error"} {
		if _, ok := col[h]; !ok {
			t.Errorf("CSV header lacks %q: %v", h, recs[0])
		}
	}
	csvBool := map[string]string{"true": "true", "false": "false", "null": ""}
	for i, w := range defaultLab {
		r := recs[i+1]
		got := []string{r[col["name"]], r[col["platform"]], r[col["version"]], r[col["verdict"]], r[col["method"]], r[col["persistent"]], r[col["ca_present"]], r[col["advisory_notice"]]}
		want := []string{w.name, w.platform, w.version, w.verdict, w.method, csvBool[w.persistent], csvBool[w.ca], w.notice}
		if !slices.Equal(got, want) {
			t.Errorf("CSV row %d:\n got  %q\n want %q", i+1, got, want)
		}
	}
}

// readOnlyFirstWords are the only commands a plan may type: show
// commands, terminal settings, enable, FXOS scope navigation and leaving.
var readOnlyFirstWords = []string{"show", "terminal", "enable", "scope", "top", "up", "exit", "dir", ""}

// checkReadOnly proves, from the devices' own records, that plan changed
// nothing: no state-changing command, no line but read-only ones, every
// session ended outside config mode with nothing pending, each device
// logged in to once per run (no retries), auth never retried, the silent
// device given up on, the trust stores as they started.
func checkReadOnly(t *testing.T, lab *devsim.Lab, planned map[string]int) {
	t.Helper()
	for _, d := range lab.Devices() {
		st := d.State()
		runs := planned[st.Name]
		if cmds := st.MutatingCommands(); len(cmds) > 0 {
			t.Errorf("%s: plan sent state-changing commands %q", st.Name, cmds)
		}
		if st.Unsaved {
			t.Errorf("%s: running configuration differs from startup after plan", st.Name)
		}
		for _, s := range st.Sessions {
			if !s.Ended {
				t.Errorf("%s: session %d never ended", st.Name, s.ID)
			}
			if s.EndedInConfig || s.PendingBuffer || s.HalfPaste {
				t.Errorf("%s: session %d ended in mode %q (config %v, pending %v, half paste %v)", st.Name, s.ID, s.EndMode, s.EndedInConfig, s.PendingBuffer, s.HalfPaste)
			}
			for _, l := range s.Lines {
				if l.Hidden { // the enable password, masked by the lab
					continue
				}
				f := strings.Fields(strings.ToLower(l.Text))
				first := ""
				if len(f) > 0 {
					first = f[0]
				}
				if !slices.Contains(readOnlyFirstWords, first) {
					t.Errorf("%s: session %d: plan typed %q in mode %s", st.Name, s.ID, l.Text, l.Mode)
				}
			}
		}
		sp := d.Spec()
		switch {
		case sp.Faults.Silent:
			if st.Connections != runs || len(st.Sessions) != 0 {
				t.Errorf("%s: %d connections, %d sessions; want %d connections (one per run, retries: 0) and no session", st.Name, st.Connections, len(st.Sessions), runs)
			}
		case sp.Faults.AuthFail:
			// Never retried: the inventory allows one retry, auth must not use it.
			if st.AuthFailed != runs || st.Logins != 0 || st.Connections != runs {
				t.Errorf("%s: %d refused logins, %d logins, %d connections; want %d, 0, %d (auth failures are never retried)", st.Name, st.AuthFailed, st.Logins, st.Connections, runs, runs)
			}
		default:
			if st.Logins != runs || st.Connections != runs || len(st.Sessions) != runs {
				t.Errorf("%s: %d logins, %d connections, %d sessions; want %d of each (one per run)", st.Name, st.Logins, st.Connections, len(st.Sessions), runs)
			}
		}
	}
}

// TestSDWANControllerIsUnsupported: an IOS XE router in SD-WAN controller
// mode is ruled out by the IOS XE Spec's version blocker (FN72323's
// workaround there is manual), whether the inventory names iosxe or
// auto; one that already holds the CA is compliant. apply skips it and
// changes nothing.
func TestSDWANControllerIsUnsupported(t *testing.T) {
	t.Parallel()
	lab := devsimtest.Start(t, devsimtest.Scenario(t, `devices:
  - {name: cedge-1, platform: iosxe, version: 17.03.04a, model: C8300-1N1S-6T, quovadis: true, faults: {controller_mode: true}}
  - {name: cedge-2, platform: iosxe, inventory_platform: auto, version: 17.06.03a, model: C8000V, quovadis: true, faults: {controller_mode: true}}
  - {name: cedge-3, platform: iosxe, version: 17.03.04a, model: C8300-1N1S-6T, identrust: true, faults: {controller_mode: true}}
  - {name: edge-4, platform: iosxe, inventory_platform: auto, version: 17.03.04a, model: C8300-1N1S-6T, quovadis: true}
`), devsimtest.Options{})
	const reason = "SD-WAN controller mode: the trustpoint workaround is manual (FN72323)"
	want := map[string]planDevice{
		"cedge-1": {Platform: "iosxe", Verdict: "unsupported", Reason: reason, CAPresent: record.Bool(false)},
		"cedge-2": {Platform: "iosxe", Verdict: "unsupported", Reason: reason, CAPresent: record.Bool(false)},
		"cedge-3": {Platform: "iosxe", Verdict: "compliant", CAPresent: record.Bool(true)},
		"edge-4":  {Platform: "iosxe", Verdict: "remediate", Method: "terminal", CAPresent: record.Bool(false)},
	}
	r := devsimtest.Run(t, cli.Env{}, "plan", "-i", lab.Inv, "-o", "json")
	if r.Code != cli.ExitOK {
		t.Fatalf("plan: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	got := decodePlan(t, r.Stdout).byName()
	for name, w := range want {
		g := got[name]
		if g.Platform != w.Platform || g.Verdict != w.Verdict || g.Method != w.Method || boolStr(g.CAPresent) != boolStr(w.CAPresent) ||
			(w.Reason != "" && g.Reason != w.Reason) || (w.Reason == "" && strings.Contains(g.Reason, "SD-WAN")) {
			t.Errorf("%s: %s %s %q ca %s, want %s %s %q ca %s", name, g.Platform, g.Verdict, g.Reason, boolStr(g.CAPresent),
				w.Platform, w.Verdict, w.Reason, boolStr(w.CAPresent))
		}
		if g.Advisory == nil || g.Advisory.Notice != "FN72323" {
			t.Errorf("%s: advisory %+v, want FN72323", name, g.Advisory)
		}
	}

	res, j := apply(t, lab, "run.jsonl", "-l", "cedge-1,cedge-2,cedge-3")
	if res.Code != cli.ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", res.Code, res.Stdout, res.Stderr)
	}
	recs := readJournal(t, j)
	for name, outcome := range map[string]record.Outcome{"cedge-1": record.Skipped, "cedge-2": record.Skipped, "cedge-3": record.AlreadyCompliant} {
		if rec := last(t, recs, name); rec.Outcome != outcome {
			t.Errorf("apply %s: outcome %s, want %s (%s)", name, rec.Outcome, outcome, rec.Reason)
		}
		if st := lab.Ended(name); len(st.MutatingCommands()) > 0 {
			t.Errorf("apply changed %s: %q", name, st.MutatingCommands())
		}
	}
}
