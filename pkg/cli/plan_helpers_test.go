package cli

// Helpers of the end-to-end tests of `trustfix plan`: a devsim lab of real
// SSH servers on loopback, an inventory for it, and Run called in-process
// with buffers for streams. Nothing of trustfix is mocked. These tests live
// in package cli (not cli_test) only so that their helper names cannot
// collide with the apply tests'; they use nothing but Run and Env.

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/devsim"
)

const (
	// The lab's own, lab-only passwords (pkg/devsim/scenarios/default.yaml).
	planLabPassword = "lab-Pa55-w0rd"
	planLabEnable   = "lab-En4ble-k3y"
	// planGuard bounds one trustfix run so a hang fails the test; it is
	// never an assertion about speed.
	planGuard = 2 * time.Minute
)

// planLab is a running lab with an inventory and a known_hosts file for it.
type planLab struct {
	*devsim.Lab
	dir   string // temp dir
	inv   string // inventory path
	known string // known_hosts path (absent until the first accept-new)
}

// startPlanLab serves sc (expanded to n devices when n > 0) and writes its
// inventory with a 30s per-device deadline, then applies edits to the
// inventory text. The lab closes when the test ends.
func startPlanLab(t *testing.T, sc *devsim.Scenario, n int, edits ...func(string) string) *planLab {
	t.Helper()
	l, err := devsim.Start(sc, devsim.Options{Devices: n})
	if err != nil {
		t.Fatalf("devsim.Start: %v", err)
	}
	t.Cleanup(l.Close)
	dir := t.TempDir()
	pl := &planLab{Lab: l, dir: dir, inv: filepath.Join(dir, "inventory.yaml"), known: filepath.Join(dir, "known_hosts")}
	inv := string(l.Inventory(devsim.InventoryOptions{KnownHosts: pl.known, Timeout: "30s"}))
	for _, e := range edits {
		inv = e(inv)
	}
	if err := os.WriteFile(pl.inv, []byte(inv), 0o600); err != nil {
		t.Fatal(err)
	}
	return pl
}

// subset is the default scenario reduced to the named devices, in order.
func subset(t *testing.T, names ...string) *devsim.Scenario {
	t.Helper()
	sc := devsim.DefaultScenario()
	var keep []devsim.Spec
	for _, n := range names {
		i := slices.IndexFunc(sc.Devices, func(sp devsim.Spec) bool { return sp.Name == n })
		if i < 0 {
			t.Fatalf("no device %q in the default scenario", n)
		}
		keep = append(keep, sc.Devices[i])
	}
	sc.Devices = keep
	return sc
}

// deviceFields returns an inventory edit that adds lines to one device's
// entry (the generated inventory writes "  - name: NAME" first).
func deviceFields(name string, lines ...string) func(string) string {
	return func(inv string) string {
		head := "  - name: " + name + "\n"
		if !strings.Contains(inv, head) {
			panic("inventory has no device " + name)
		}
		var add strings.Builder
		for _, l := range lines {
			add.WriteString("    " + l + "\n")
		}
		return strings.Replace(inv, head, head+add.String(), 1)
	}
}

// planLabEnv is an environment holding the lab's password variables.
func planLabEnv(k string) (string, bool) {
	switch k {
	case devsim.PasswordEnv:
		return planLabPassword, true
	case devsim.EnablePasswordEnv:
		return planLabEnable, true
	}
	return "", false
}

// planRun is the outcome of one in-process trustfix run.
type planRun struct {
	code           int
	stdout, stderr string
}

// invoke runs trustfix in-process; stdin and stderr are not terminals, so
// progress is structured log lines on stderr. lookup nil means planLabEnv.
func invoke(t *testing.T, lookup func(string) (string, bool), args ...string) planRun {
	t.Helper()
	if lookup == nil {
		lookup = planLabEnv
	}
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), planGuard)
	defer cancel()
	code := Run(ctx, args, Env{In: strings.NewReader(""), Out: &out, Err: &errb, LookupEnv: lookup})
	if ctx.Err() != nil {
		t.Fatalf("trustfix %s: still running after %v", strings.Join(args, " "), planGuard)
	}
	return planRun{code: code, stdout: out.String(), stderr: errb.String()}
}

// planDoc is `plan -o json`, decoded twice: typed for the assertions and
// raw to check the document's shape.
type planDoc struct {
	Devices []planDevice   `json:"devices"`
	Summary map[string]any `json:"summary"`
	raw     map[string]any
}

// planDevice is one device object of `plan -o json`.
type planDevice struct {
	Name       string     `json:"name"`
	Host       string     `json:"host"`
	Port       int        `json:"port"`
	Platform   string     `json:"platform"`
	Version    string     `json:"version"`
	Model      string     `json:"model"`
	Hostname   string     `json:"hostname"`
	Serial     string     `json:"serial"`
	CAPresent  *bool      `json:"ca_present"`
	Verdict    string     `json:"verdict"`
	Method     string     `json:"method"`
	Persistent *bool      `json:"persistent"`
	Reason     string     `json:"reason"`
	Advisory   *planAdv   `json:"advisory"`
	Error      string     `json:"error"`
	Started    *time.Time `json:"started"`
	Finished   *time.Time `json:"finished"`
}

type planAdv struct {
	Notice   string `json:"notice"`
	Affected bool   `json:"affected"`
	Fixed    string `json:"fixed"`
}

// decodePlan parses stdout of `plan -o json` and checks the document's
// shape (SPEC "Command-line contract"): exactly {"devices": [...],
// "summary": {...}}, and every device object carries the contract's keys
// with their JSON types.
func decodePlan(t *testing.T, stdout string) planDoc {
	t.Helper()
	var doc planDoc
	if err := json.Unmarshal([]byte(stdout), &doc.raw); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout)
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	keys := make([]string, 0, len(doc.raw))
	for k := range doc.raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"devices", "summary"}) {
		t.Errorf("document keys %v, want [devices summary]", keys)
	}
	devs, ok := doc.raw["devices"].([]any)
	if !ok {
		t.Fatalf("devices is %T, want an array", doc.raw["devices"])
	}
	if _, ok := doc.raw["summary"].(map[string]any); !ok {
		t.Errorf("summary is %T, want an object", doc.raw["summary"])
	}
	for i, d := range devs {
		obj, ok := d.(map[string]any)
		if !ok {
			t.Errorf("devices[%d] is %T, want an object", i, d)
			continue
		}
		checkDeviceShape(t, obj)
	}
	return doc
}

// checkDeviceShape asserts the SPEC's keys and their JSON types: strings,
// port a number, ca_present and persistent true/false/null, advisory an
// object or null.
func checkDeviceShape(t *testing.T, obj map[string]any) {
	t.Helper()
	name, _ := obj["name"].(string)
	kind := func(v any) string {
		switch v.(type) {
		case nil:
			return "null"
		case bool:
			return "bool"
		case float64:
			return "number"
		case string:
			return "string"
		case map[string]any:
			return "object"
		}
		return "other"
	}
	want := map[string][]string{
		"name": {"string"}, "host": {"string"}, "port": {"number"}, "platform": {"string"},
		"version": {"string"}, "model": {"string"}, "hostname": {"string"},
		"ca_present": {"bool", "null"}, "verdict": {"string"}, "method": {"string"},
		"persistent": {"bool", "null"}, "advisory": {"object", "null"}, "error": {"string"},
	}
	for k, kinds := range want {
		v, ok := obj[k]
		if !ok {
			t.Errorf("device %q: no %q key", name, k)
			continue
		}
		if !slices.Contains(kinds, kind(v)) {
			t.Errorf("device %q: %q is %s (%v), want %v", name, k, kind(v), v, kinds)
		}
	}
}

// byName indexes a plan's devices.
func (d planDoc) byName() map[string]planDevice {
	m := map[string]planDevice{}
	for _, x := range d.Devices {
		m[x.Name] = x
	}
	return m
}

// names lists a plan's devices in output order.
func (d planDoc) names() []string {
	var out []string
	for _, x := range d.Devices {
		out = append(out, x.Name)
	}
	return out
}

// boolStr prints an optional bool as the tests' tables write it.
func boolStr(b *bool) string {
	if b == nil {
		return "null"
	}
	if *b {
		return "true"
	}
	return "false"
}

// oneLine fails unless stderr is exactly one line "trustfix: MSG".
func oneLine(t *testing.T, stderr string) string {
	t.Helper()
	msg, ok := strings.CutPrefix(stderr, "trustfix: ")
	if !ok || !strings.HasSuffix(msg, "\n") || strings.Count(msg, "\n") != 1 {
		t.Errorf("stderr is not one line \"trustfix: ...\": %q", stderr)
	}
	return strings.TrimSuffix(msg, "\n")
}
