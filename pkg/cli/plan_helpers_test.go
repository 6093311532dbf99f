package cli_test

// What the end-to-end tests of `trustfix plan` read: `plan -o json`
// decoded and checked against the SPEC's shape.

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

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
	if !slices.Equal(keys, []string{"devices", "schema", "summary"}) || doc.raw["schema"] != "trustfix/v1" {
		t.Errorf("document keys %v, schema %v; want [devices schema summary], trustfix/v1", keys, doc.raw["schema"])
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
