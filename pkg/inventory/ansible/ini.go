package ansible

import (
	"regexp"
	"strings"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/shlex"
)

// INI inventories, read by the rules of Ansible's ini plugin (ansible-core
// plugins/inventory/ini.py; docs: "ansible.builtin.ini inventory"):
//
//   - blank lines and lines starting with # or ; are skipped;
//   - [NAME] lists hosts, [NAME:children] child groups, [NAME:vars]
//     variables (KEY=VALUE, one per line); any other [NAME:TAG] is an error;
//   - hosts before the first section are in "ungrouped";
//   - a host line is split like a shell line (quotes, backslashes, # to the
//     end of the line): HOST[:PORT] or a range pattern, then KEY=VALUE pairs;
//   - values are read as Python literals when they are one (ansible_port=22
//     is a number, True a boolean, 'a b' a string), as text otherwise;
//   - a :children section may name a group defined further down; a group
//     named in :children or :vars and never defined is an error.
var (
	iniSection   = regexp.MustCompile(`^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$`)
	iniGroupName = regexp.MustCompile(`^([^:\]\s]+)\s*(?:#.*)?$`)
)

type pending struct {
	line    int
	state   string
	parents []string
}

// parseINI adds the INI inventory in data (read from path) to m.
func parseINI(m *model, path string, data []byte) error {
	group, state := "ungrouped", "hosts"
	declared := map[string]*pending{}
	order := []string{}
	at := func(line int) inventory.Pos { return inventory.Pos{File: path, Line: line} }
	for i, raw := range splitLines(string(data)) {
		line := strings.TrimSpace(raw)
		n := i + 1
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if sm := iniSection.FindStringSubmatch(line); sm != nil {
			group, state = sm[1], sm[2]
			if state == "" {
				state = "hosts"
			}
			if state != "hosts" && state != "children" && state != "vars" {
				return inventory.Errorf(at(n), "section [%s:%s] has unknown type: %s (want hosts, children or vars)", sm[1], sm[2], state)
			}
			if _, ok := m.groups[group]; !ok {
				if _, ok := declared[group]; state == "vars" && !ok {
					declared[group] = &pending{line: n, state: "vars"}
					order = append(order, group)
				}
				m.group(group, at(n))
			}
			if p, ok := declared[group]; ok && state != "vars" {
				if p.state == "children" {
					if err := addPendingChildren(m, group, declared, at(n)); err != nil {
						return err
					}
				} else {
					delete(declared, group)
				}
				m.group(group, at(n))
			}
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			return inventory.Errorf(at(n), "invalid section entry %s (no spaces or other invalid characters allowed)", inventory.Quote(line))
		}
		switch state {
		case "hosts":
			if err := iniHostLine(m, m.groups[group], line, at(n)); err != nil {
				return err
			}
		case "vars":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return inventory.Errorf(at(n), "expected key=value, got %s", inventory.Quote(line))
			}
			k = strings.TrimSpace(k)
			pos := at(n)
			pos.Owner, pos.Var = group, k
			if err := m.setGroupVar(m.groups[group], k, variable{iniValue(strings.TrimSpace(v)), pos}); err != nil {
				return err
			}
		case "children":
			cm := iniGroupName.FindStringSubmatch(line)
			if cm == nil {
				return inventory.Errorf(at(n), "expected group name, got %s", inventory.Quote(line))
			}
			child := cm[1]
			if c, ok := m.groups[child]; ok {
				if err := m.addChild(m.groups[group], c, at(n)); err != nil {
					return err
				}
			} else if p, ok := declared[child]; ok {
				p.parents = append(p.parents, group)
			} else {
				declared[child] = &pending{line: n, state: "children", parents: []string{group}}
				order = append(order, child)
			}
		}
	}
	for _, name := range order {
		p, ok := declared[name]
		if !ok {
			continue
		}
		if p.state == "vars" {
			return inventory.Errorf(at(p.line), "section [%s:vars] is for a group defined nowhere: %s", name, name)
		}
		return inventory.Errorf(at(p.line), "section [%s:children] names a group defined nowhere: %s", p.parents[len(p.parents)-1], name)
	}
	return nil
}

// addPendingChildren links a group, now defined, to the parents that
// named it in :children before.
func addPendingChildren(m *model, name string, declared map[string]*pending, pos inventory.Pos) error {
	child := m.group(name, pos)
	for _, parent := range declared[name].parents {
		if err := m.addChild(m.groups[parent], child, pos); err != nil {
			return err
		}
		if p, ok := declared[parent]; ok && p.state == "children" {
			if err := addPendingChildren(m, parent, declared, pos); err != nil {
				return err
			}
		}
	}
	delete(declared, name)
	return nil
}

// iniHostLine reads "PATTERN[:PORT] [KEY=VALUE ...]" into group g.
func iniHostLine(m *model, g *group, line string, pos inventory.Pos) error {
	words, err := shlex.Split(line)
	if err != nil {
		return inventory.Errorf(pos, "cannot read host line %s: %v", inventory.Quote(line), err)
	}
	if len(words) == 0 {
		return nil // only a comment after a word-less prefix
	}
	names, port, err := expandHostPattern(words[0])
	if err != nil {
		return inventory.Errorf(pos, "%v", err)
	}
	if strings.HasSuffix(strings.TrimSpace(words[0]), ":") && port == 0 {
		return inventory.Errorf(pos, "invalid host pattern %s: a trailing ':' is reserved for a port", inventory.Quote(words[0]))
	}
	type kv struct{ k, v string }
	var assigns []kv
	for _, w := range words[1:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			return inventory.Errorf(pos, "expected key=value host variable assignment, got %s", inventory.Quote(w))
		}
		assigns = append(assigns, kv{k, v})
	}
	for _, name := range names {
		if strings.TrimSpace(name) == "---" {
			return inventory.Errorf(pos, "invalid host pattern '---': this looks like a YAML file")
		}
		if name == "" {
			return inventory.Errorf(pos, "empty host name")
		}
		h := m.host(name, pos, port)
		m.addHost(g, h)
		for _, a := range assigns {
			vp := pos
			vp.Owner, vp.Var = name, a.k
			h.vars.set(a.k, variable{iniValue(a.v), vp})
		}
	}
	return nil
}

// splitLines splits as Python's str.splitlines does for the usual line
// ends (\n, \r\n, \r).
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
