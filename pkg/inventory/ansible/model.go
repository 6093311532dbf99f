package ansible

import (
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trustfix/trustfix/pkg/inventory"
)

// variable is one Ansible variable as written, with where.
type variable struct {
	node *yaml.Node
	pos  inventory.Pos
}

// vars is an insertion-ordered variable map; setting a key again keeps
// its place (Python dicts do the same).
type vars struct {
	keys []string
	m    map[string]variable
}

func (v *vars) set(k string, x variable) {
	if v.m == nil {
		v.m = map[string]variable{}
	}
	if _, ok := v.m[k]; !ok {
		v.keys = append(v.keys, k)
	}
	v.m[k] = x
}

func (v *vars) get(k string) (variable, bool) {
	x, ok := v.m[k]
	return x, ok
}

// combine overlays each of more on a copy of v, later over earlier, as
// Ansible's combine_vars does with the default hash_behaviour=replace.
func (v vars) combine(more ...vars) vars {
	var out vars
	for _, src := range append([]vars{v}, more...) {
		for _, k := range src.keys {
			out.set(k, src.m[k])
		}
	}
	return out
}

// group is an Ansible group. vars come from inventory sources, dirVars
// from group_vars/ (they rank differently, see hostVars).
type group struct {
	name     string
	pos      inventory.Pos
	vars     vars
	dirVars  vars
	children []*group
	parents  []*group
	hosts    []*host
	member   map[*host]bool // hosts, for membership in constant time
	priority int
	depth    int
}

// host is an Ansible host; groups are the groups it was added to directly.
type host struct {
	name    string
	pos     inventory.Pos
	vars    vars
	dirVars vars
	groups  []*group
}

// model is Ansible's inventory data: groups and hosts in the order they
// were first seen, with the implicit groups all and ungrouped.
type model struct {
	groups    map[string]*group
	groupList []*group
	hosts     map[string]*host
	hostList  []*host
	files     []string
	notes     []inventory.Problem
}

func newModel() *model {
	m := &model{groups: map[string]*group{}, hosts: map[string]*host{}}
	all := m.group("all", inventory.Pos{})
	ungrouped := m.group("ungrouped", inventory.Pos{})
	_ = m.addChild(all, ungrouped, inventory.Pos{})
	return m
}

// group returns the group called name, creating it (defined at pos).
func (m *model) group(name string, pos inventory.Pos) *group {
	if g, ok := m.groups[name]; ok {
		if g.pos.File == "" {
			g.pos = pos
		}
		return g
	}
	pos.Owner, pos.Var = name, ""
	g := &group{name: name, pos: pos, priority: 1}
	m.groups[name] = g
	m.groupList = append(m.groupList, g)
	return g
}

// host returns the host called name, creating it (defined at pos); a new
// host given a port gets it as ansible_port, as Ansible's add_host does.
func (m *model) host(name string, pos inventory.Pos, port int) *host {
	if h, ok := m.hosts[name]; ok {
		return h
	}
	pos.Owner, pos.Var = name, ""
	h := &host{name: name, pos: pos}
	m.hosts[name] = h
	m.hostList = append(m.hostList, h)
	if port > 0 {
		vp := pos
		vp.Var = "ansible_port"
		h.vars.set("ansible_port", variable{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(port)}, vp})
	}
	return h
}

func (m *model) addHost(g *group, h *host) {
	if g.member[h] {
		return
	}
	if g.member == nil {
		g.member = map[*host]bool{}
	}
	g.member[h] = true
	g.hosts = append(g.hosts, h)
	h.groups = append(h.groups, g)
}

func (m *model) removeHost(g *group, h *host) {
	delete(g.member, h)
	g.hosts = slices.DeleteFunc(g.hosts, func(x *host) bool { return x == h })
	h.groups = slices.DeleteFunc(h.groups, func(x *group) bool { return x == g })
}

// addChild makes child a child group of parent; a loop is an error.
func (m *model) addChild(parent, child *group, pos inventory.Pos) error {
	if parent == child || slices.Contains(ancestors(parent), child) {
		return inventory.Errorf(pos, "adding group %q as child to %q creates a recursive dependency loop", child.name, parent.name)
	}
	if !slices.Contains(parent.children, child) {
		parent.children = append(parent.children, child)
	}
	if !slices.Contains(child.parents, parent) {
		child.parents = append(child.parents, parent)
	}
	return nil
}

// setGroupVar sets a group variable from an inventory source, except
// ansible_group_priority, which sets the group's merge priority instead
// (only here: Ansible ignores it in group_vars/).
func (m *model) setGroupVar(g *group, k string, x variable) error {
	if k == "ansible_group_priority" {
		n, err := strconv.Atoi(strings.TrimSpace(x.node.Value))
		if x.node.Kind != yaml.ScalarNode || err != nil {
			return inventory.Errorf(x.pos, "want a whole number, got %s", inventory.Quote(x.node.Value))
		}
		g.priority = n
		return nil // a setting of the group, not a variable
	}
	g.vars.set(k, x)
	return nil
}

// ancestors returns every group above g (parents, their parents, ...).
func ancestors(g *group) []*group {
	var out []*group
	var walk func(*group)
	walk = func(g *group) {
		for _, p := range g.parents {
			if !slices.Contains(out, p) {
				out = append(out, p)
				walk(p)
			}
		}
	}
	walk(g)
	return out
}

// reconcile applies Ansible's rules once every source is read: a group
// with no parent is a child of all; a host in no group but all is in
// ungrouped, and a host in another group is not. Then each group's depth
// (its longest path from all) is set.
func (m *model) reconcile() {
	all, ungrouped := m.groups["all"], m.groups["ungrouped"]
	for _, g := range m.groupList {
		if g != all && len(g.parents) == 0 {
			_ = m.addChild(all, g, inventory.Pos{})
		}
	}
	for _, h := range m.hostList {
		in := hostGroups(h)
		others := slices.ContainsFunc(in, func(g *group) bool { return g != all && g != ungrouped })
		switch {
		case slices.Contains(in, ungrouped) && others:
			m.removeHost(ungrouped, h)
		case !others && !slices.Contains(in, ungrouped):
			m.addHost(ungrouped, h)
		}
	}
	// A group is revisited only when a longer path reaches it.
	var depth func(g *group, d int)
	depth = func(g *group, d int) {
		if d <= g.depth {
			return
		}
		g.depth = d
		for _, c := range g.children {
			depth(c, d+1)
		}
	}
	for _, c := range all.children {
		depth(c, 1)
	}
}

// hostGroups is every group h belongs to, directly or through a child
// group (Ansible's host.get_groups()).
func hostGroups(h *host) []*group {
	var out []*group
	for _, g := range h.groups {
		for _, x := range append([]*group{g}, ancestors(g)...) {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	return out
}

// sortedGroups is h's groups but all, in Ansible's merge order (lowest
// precedence first): by depth, then ansible_group_priority, then name.
func sortedGroups(h *host) []*group {
	gs := slices.DeleteFunc(hostGroups(h), func(g *group) bool { return g.name == "all" })
	slices.SortStableFunc(gs, func(a, b *group) int {
		if a.depth != b.depth {
			return a.depth - b.depth
		}
		if a.priority != b.priority {
			return a.priority - b.priority
		}
		return strings.Compare(a.name, b.name)
	})
	return gs
}

// hostVars is what Ansible resolves for h (VariableManager.get_vars with
// the default precedence): all's inventory vars, then every group's
// inventory vars in merge order, then group_vars/all, then group_vars/ of
// each group in merge order, then the host's inventory vars, then
// host_vars/.
func (m *model) hostVars(h *host) vars {
	all := m.groups["all"]
	gs := sortedGroups(h)
	layers := []vars{all.vars}
	for _, g := range gs {
		layers = append(layers, g.vars)
	}
	layers = append(layers, all.dirVars)
	for _, g := range gs {
		layers = append(layers, g.dirVars)
	}
	layers = append(layers, h.vars, h.dirVars)
	return vars{}.combine(layers...)
}
