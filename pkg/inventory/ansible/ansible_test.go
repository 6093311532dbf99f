package ansible

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/trustfix/trustfix/pkg/inventory"
)

const fixtures = "../../../testdata/inventory/ansible"

// sources are the inventories testdata/inventory/ansible/generate.sh ran
// `ansible-inventory --list` on.
func sources(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, "sources.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(data))
}

// listed is what ansible-inventory printed for src.
type listed struct {
	Meta struct {
		Hostvars map[string]map[string]any `json:"hostvars"`
	} `json:"_meta"`
	Groups map[string]struct {
		Hosts    []string `json:"hosts"`
		Children []string `json:"children"`
	} `json:"-"`
}

func readListed(t *testing.T, src string) listed {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, src+".list.json"))
	if err != nil {
		t.Fatal(err)
	}
	var l listed
	if err := json.Unmarshal(data, &l); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &l.Groups); err != nil {
		t.Fatal(err)
	}
	delete(l.Groups, "_meta")
	return l
}

// yaml11Bool is how PyYAML (YAML 1.1), which Ansible uses, reads a plain
// scalar that yaml.v3 (YAML 1.2) keeps as text.
var yaml11Bool = regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$`)

// plain turns a node into the value Ansible's JSON shows for it.
func plain(t *testing.T, n *yaml.Node, ini bool) any {
	t.Helper()
	n = inventory.Deref(n)
	switch {
	case n.Tag == "!vault":
		return map[string]any{"__ansible_vault": n.Value}
	case !ini && n.Kind == yaml.ScalarNode && n.Style == 0 && n.Tag == "!!str" && yaml11Bool.MatchString(n.Value):
		return strings.ContainsAny(n.Value[:1], "yYoO") && !strings.EqualFold(n.Value, "off")
	case n.Kind == yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = plain(t, n.Content[i+1], ini)
		}
		return m
	case n.Kind == yaml.SequenceNode:
		var s []any
		for _, c := range n.Content {
			s = append(s, plain(t, c, ini))
		}
		return s
	}
	var v any
	if err := n.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", n.Value, err)
	}
	return normalise(v)
}

// normalise makes numbers float64 and maps map[string]any, as JSON has them.
func normalise(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case map[string]any:
		for k, e := range x {
			x[k] = normalise(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalise(e)
		}
	}
	return v
}

// TestVariablesAsAnsibleResolvesThem reads every fixture source and
// compares each host's resolved variables, and every group's hosts and
// children, with what ansible-core printed for the same source.
func TestVariablesAsAnsibleResolvesThem(t *testing.T) {
	for _, src := range sources(t) {
		t.Run(src, func(t *testing.T) {
			m, _, err := loadModel(filepath.Join(fixtures, src))
			if err != nil {
				t.Fatal(err)
			}
			want := readListed(t, src)
			var names []string
			for _, h := range m.hostList {
				names = append(names, h.name)
				got := map[string]any{}
				vs := m.hostVars(h)
				for _, k := range vs.keys {
					ext := filepath.Ext(vs.m[k].pos.File)
					got[k] = plain(t, vs.m[k].node, ext != ".yml" && ext != ".yaml" && ext != ".json")
				}
				w := want.Meta.Hostvars[h.name]
				if w == nil {
					w = map[string]any{}
				}
				if !reflect.DeepEqual(got, normalise(w)) {
					t.Errorf("host %s:\n got  %v\n want %v", h.name, got, w)
				}
			}
			var wantNames []string
			for g, body := range want.Groups {
				wantNames = append(wantNames, body.Hosts...)
				mg := m.groups[g]
				if mg == nil {
					t.Errorf("group %s: missing", g)
					continue
				}
				var hosts, children []string
				for _, h := range mg.hosts {
					hosts = append(hosts, h.name)
				}
				for _, c := range mg.children {
					children = append(children, c.name)
				}
				if g == "all" {
					hosts = nil // ansible-inventory never lists all's hosts
				}
				if !sameSet(hosts, body.Hosts) || !sameSet(children, body.Children) {
					t.Errorf("group %s: hosts %v children %v, want %v %v", g, hosts, children, body.Hosts, body.Children)
				}
			}
			if !sameSet(names, wantNames) {
				t.Errorf("hosts %v, want %v", names, wantNames)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// TestListJSONReadsBack reads each --list JSON fixture as an inventory
// (what `-i -` gets from `ansible-inventory --list`) and checks it resolves
// every host to the variables it lists.
func TestListJSONReadsBack(t *testing.T) {
	for _, src := range sources(t) {
		t.Run(src, func(t *testing.T) {
			m, kind, err := loadModel(filepath.Join(fixtures, src+".list.json"))
			if err != nil {
				t.Fatal(err)
			}
			if kind != "ansible-json" {
				t.Errorf("kind %q", kind)
			}
			want := readListed(t, src)
			for _, h := range m.hostList {
				got := map[string]any{}
				vs := m.hostVars(h)
				for _, k := range vs.keys {
					got[k] = plain(t, vs.m[k].node, false)
				}
				w := want.Meta.Hostvars[h.name]
				if w == nil {
					w = map[string]any{}
				}
				if !reflect.DeepEqual(got, normalise(w)) {
					t.Errorf("host %s:\n got  %v\n want %v", h.name, got, w)
				}
			}
		})
	}
}
