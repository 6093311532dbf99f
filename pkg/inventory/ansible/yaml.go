package ansible

import (
	"go.yaml.in/yaml/v3"

	"github.com/trustfix/trustfix/pkg/inventory"
)

// YAML inventories, read by the rules of Ansible's yaml plugin (ansible-core
// plugins/inventory/yaml.py): every top-level key is a group; a group may
// have hosts (a mapping of host pattern to its variables), vars and
// children (a mapping of child group name to its own definition). A string
// where a mapping is expected names a single entry. Other keys are
// skipped with a warning, as Ansible does.

// mapping returns n's key/value pairs (aliases followed) and whether n is
// a mapping; a null node is an empty mapping.
func pairs(n *yaml.Node) ([][2]*yaml.Node, bool) {
	n = inventory.Deref(n)
	switch {
	case n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return nil, true
	case n.Kind != yaml.MappingNode:
		return nil, false
	}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := inventory.Deref(n.Content[i]), inventory.Deref(n.Content[i+1])
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			// "<<: *anchor" merges the anchored mapping's pairs first.
			inner, _ := pairs(v)
			out = append(inner, out...)
			continue
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, true
}

type yamlReader struct {
	m     *model
	path  string
	steps int // entries walked: aliases can make a small file a huge tree
}

// maxSteps bounds the entries one YAML inventory may expand to.
const maxSteps = 1 << 20

func (r *yamlReader) step(n *yaml.Node) error {
	if r.steps++; r.steps > maxSteps {
		return inventory.Errorf(r.at(n), "more than %d entries (aliases expanding without end?)", maxSteps)
	}
	return nil
}

func (r *yamlReader) at(n *yaml.Node) inventory.Pos { return inventory.Pos{File: r.path, Line: n.Line} }

func (r *yamlReader) note(n *yaml.Node, owner, format string, args ...any) {
	p := r.at(n)
	p.Owner = owner
	r.m.notes = append(r.m.notes, inventory.Problem{Pos: p, Msg: inventory.Errorf(p, format, args...).Msg})
}

// parseYAMLInventory adds the YAML inventory rooted at root to m.
func parseYAMLInventory(m *model, path string, root *yaml.Node) error {
	r := &yamlReader{m: m, path: path}
	top, _ := pairs(root)
	for _, kv := range top {
		if _, err := r.group(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

func (r *yamlReader) group(k, v *yaml.Node) (*group, error) {
	if err := r.step(k); err != nil {
		return nil, err
	}
	if k.Kind != yaml.ScalarNode {
		return nil, inventory.Errorf(r.at(k), "want a group name, got %s", inventory.KindOf(k))
	}
	if v.Kind != yaml.MappingNode && !inventory.IsNull(v) {
		r.note(k, k.Value, "skipped: not a valid group definition (want hosts, vars or children)")
		return nil, nil
	}
	g := r.m.group(k.Value, r.at(k))
	sections, _ := pairs(v)
	for _, s := range sections {
		key, body := s[0].Value, s[1]
		if body.Kind == yaml.ScalarNode && !inventory.IsNull(body) && (key == "hosts" || key == "vars" || key == "children") {
			// A bare string names one entry: "hosts: sw01".
			body = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: body.Line, Content: []*yaml.Node{body, {Kind: yaml.ScalarNode, Tag: "!!null", Line: body.Line}}}
		}
		entries, ok := pairs(body)
		if !ok {
			if key == "hosts" || key == "vars" || key == "children" {
				return nil, inventory.Errorf(r.at(body), "invalid %q entry for group %q: want a mapping, got %s", key, g.name, inventory.KindOf(body))
			}
			r.note(s[0], g.name, "skipped key %q: not a mapping", key)
			continue
		}
		switch key {
		case "vars":
			for _, e := range entries {
				pos := r.at(e[0])
				pos.Owner, pos.Var = g.name, e[0].Value
				if err := r.m.setGroupVar(g, e[0].Value, variable{e[1], pos}); err != nil {
					return nil, err
				}
			}
		case "children":
			for _, e := range entries {
				child, err := r.group(e[0], e[1])
				if err != nil {
					return nil, err
				}
				if child != nil {
					if err := r.m.addChild(g, child, r.at(e[0])); err != nil {
						return nil, err
					}
				}
			}
		case "hosts":
			for _, e := range entries {
				if err := r.hosts(g, e[0], e[1]); err != nil {
					return nil, err
				}
			}
		default:
			r.note(s[0], g.name, "skipped key %q (a group has only hosts, vars and children)", key)
		}
	}
	return g, nil
}

func (r *yamlReader) hosts(g *group, k, v *yaml.Node) error {
	if err := r.step(k); err != nil {
		return err
	}
	if k.Kind != yaml.ScalarNode || k.Tag != "!!str" && k.Tag != "" {
		return inventory.Errorf(r.at(k), "host pattern %s must be a string (quote numbers)", inventory.Quote(k.Value))
	}
	names, port, err := expandHostPattern(k.Value)
	if err != nil {
		return inventory.Errorf(r.at(k), "%v", err)
	}
	hv, ok := pairs(v)
	if !ok {
		return inventory.Errorf(r.at(v), "variables of host %s: want a mapping, got %s", inventory.Quote(k.Value), inventory.KindOf(v))
	}
	for _, name := range names {
		h := r.m.host(name, r.at(k), port)
		r.m.addHost(g, h)
		for _, e := range hv {
			pos := r.at(e[0])
			pos.Owner, pos.Var = name, e[0].Value
			h.vars.set(e[0].Value, variable{e[1], pos})
		}
	}
	return nil
}

// isListJSON tells the JSON `ansible-inventory --list` (and dynamic
// inventory scripts) print from a YAML inventory: it has _meta, or a group
// whose hosts (or the group itself) is a list.
func isListJSON(root *yaml.Node) bool {
	top, ok := pairs(root)
	if !ok {
		return false
	}
	for _, kv := range top {
		if kv[0].Value == "_meta" || kv[1].Kind == yaml.SequenceNode {
			return true
		}
		sub, _ := pairs(kv[1])
		for _, s := range sub {
			if s[0].Value == "hosts" && s[1].Kind == yaml.SequenceNode {
				return true
			}
		}
	}
	return false
}

// parseListJSON adds the script/--list JSON format to m (ansible-core
// plugins/inventory/script.py): {"GROUP": {"hosts": [...], "vars": {...},
// "children": [...]}, "_meta": {"hostvars": {"HOST": {...}}}}; a group
// given as a list is its hosts, and a group with none of those keys is a
// host of that name with those variables.
func parseListJSON(m *model, path string, root *yaml.Node) error {
	r := &yamlReader{m: m, path: path}
	top, _ := pairs(root)
	var meta *yaml.Node
	for _, kv := range top {
		name, body := kv[0].Value, kv[1]
		if name == "_meta" {
			meta = body
			continue
		}
		g := m.group(name, r.at(kv[0]))
		entries, isMap := pairs(body)
		if !isMap {
			entries = [][2]*yaml.Node{{{Kind: yaml.ScalarNode, Value: "hosts", Line: body.Line}, body}}
		} else if !hasAnyKey(entries, "hosts", "vars", "children") {
			h := m.host(name, r.at(kv[0]), 0)
			m.addHost(g, h)
			entries = [][2]*yaml.Node{{{Kind: yaml.ScalarNode, Value: "vars", Line: body.Line}, body}}
		}
		for _, e := range entries {
			switch e[0].Value {
			case "hosts":
				if e[1].Kind != yaml.SequenceNode {
					return inventory.Errorf(r.at(e[1]), "hosts of group %q: want a list, got %s", name, inventory.KindOf(e[1]))
				}
				for _, hn := range e[1].Content {
					hn = inventory.Deref(hn)
					if hn.Kind != yaml.ScalarNode {
						return inventory.Errorf(r.at(hn), "a host of group %q: want a name, got %s", name, inventory.KindOf(hn))
					}
					m.addHost(g, m.host(hn.Value, r.at(hn), 0))
				}
			case "vars":
				vs, ok := pairs(e[1])
				if !ok {
					return inventory.Errorf(r.at(e[1]), "vars of group %q: want a mapping, got %s", name, inventory.KindOf(e[1]))
				}
				for _, v := range vs {
					pos := r.at(v[0])
					pos.Owner, pos.Var = name, v[0].Value
					if err := m.setGroupVar(g, v[0].Value, variable{v[1], pos}); err != nil {
						return err
					}
				}
			case "children":
				if e[1].Kind != yaml.SequenceNode {
					return inventory.Errorf(r.at(e[1]), "children of group %q: want a list, got %s", name, inventory.KindOf(e[1]))
				}
				for _, c := range e[1].Content {
					c = inventory.Deref(c)
					if err := m.addChild(g, m.group(c.Value, r.at(c)), r.at(c)); err != nil {
						return err
					}
				}
			}
		}
	}
	return r.hostVars(meta)
}

func (r *yamlReader) hostVars(meta *yaml.Node) error {
	sections, _ := pairs(meta)
	for _, s := range sections {
		if s[0].Value != "hostvars" {
			continue
		}
		hosts, ok := pairs(s[1])
		if !ok {
			return inventory.Errorf(r.at(s[1]), "_meta.hostvars: want a mapping, got %s", inventory.KindOf(s[1]))
		}
		for _, hv := range hosts {
			name := hv[0].Value
			h, known := r.m.hosts[name]
			if !known {
				continue // as Ansible: variables of a host in no group are not read
			}
			vs, ok := pairs(hv[1])
			if !ok {
				return inventory.Errorf(r.at(hv[1]), "_meta.hostvars.%s: want a mapping, got %s", name, inventory.KindOf(hv[1]))
			}
			for _, v := range vs {
				pos := r.at(v[0])
				pos.Owner, pos.Var = name, v[0].Value
				h.vars.set(v[0].Value, variable{v[1], pos})
			}
		}
	}
	return nil
}

func hasAnyKey(entries [][2]*yaml.Node, keys ...string) bool {
	for _, e := range entries {
		for _, k := range keys {
			if e[0].Value == k {
				return true
			}
		}
	}
	return false
}
