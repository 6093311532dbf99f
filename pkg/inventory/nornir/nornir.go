// Package nornir reads a Nornir SimpleInventory (hosts.yaml, groups.yaml,
// defaults.yaml, as nornir/plugins/inventory/simple.py loads them) into
// trustfix terms, resolving each host the way Nornir does; package
// inventory validates the result.
//
// Nornir resolves an attribute (hostname, port, username, platform) and a
// data key from the host, then its groups in the order listed, each group
// followed by its own parent groups (depth first), then defaults; the first
// that sets it wins. Connection options of the plugin trustfix reads
// (scrapli, else netmiko: both drive the CLI over SSH) win over the plain
// attributes wherever they are set, as Host.get_connection_parameters does.
//
// Mapping: hostname → host (the host's name when unset), port, username,
// platform (the platform whose Spec declares the name, pkg/platform
// Spec.Names.Nornir: today ios, cisco_ios → auto; iosxr, cisco_xr,
// cisco_iosxr, iosxr_netconf → iosxr; iosxe, cisco_xe, cisco_iosxe →
// iosxe; asa, cisco_asa → asa; a host with another platform or none is
// left out with a warning unless data sets trustfix_platform),
// the scrapli extra auth_private_key or netmiko extra key_file →
// identity_file, and data.trustfix_<field> → any trustfix field.
// Passwords (password, and the enable secrets in extras) are never read:
// they are reported as ignored, with the data key to set instead.
package nornir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trustfix/trustfix/pkg/inventory"
)

// File names SimpleInventory uses by default.
var (
	HostFiles     = []string{"hosts.yaml", "hosts.yml"}
	GroupFiles    = []string{"groups.yaml", "groups.yml"}
	DefaultsFiles = []string{"defaults.yaml", "defaults.yml"}
)

// attrs are the attributes every inventory element has.
var attrs = []string{"hostname", "port", "username", "password", "platform"}

// elementKeys are the keys SimpleInventory reads from an element.
var elementKeys = append([]string{"groups", "data", "connection_options"}, attrs...)

// plugins are the connection plugins whose options trustfix reads, first wins.
var plugins = []string{"scrapli", "netmiko"}

// Platforms is what the Nornir front-end needs of the platform registry
// (*platform.Registry): the trustfix platform a host's platform value
// stands for (a platform id, or auto), as the platforms' Specs declare.
type Platforms interface {
	NornirPlatform(name string) (platform string, ok bool)
}

const prefix = "trustfix_"

type value struct {
	node *yaml.Node
	pos  inventory.Pos
}

// element is a host, a group or the defaults.
type element struct {
	name   string
	pos    inventory.Pos
	attrs  map[string]value
	data   []string // keys in order
	dataV  map[string]value
	conn   map[string]map[string]value // plugin → attribute or "extras.KEY" → value
	groups []string
	gpos   []inventory.Pos
}

type inv struct {
	files    []string
	defaults *element
	groups   map[string]*element
	gorder   []string
	hosts    []*element
	notes    []inventory.Problem
}

// Files finds a SimpleInventory at path: a directory holding hosts.yaml
// (groups.yaml and defaults.yaml optional), a hosts file (its siblings
// read too), or a Nornir config.yaml naming them under inventory.options.
func Files(path string) (hosts, groups, defaults string, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", "", "", err
	}
	find := func(dir string, names []string) string {
		for _, n := range names {
			if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
				return filepath.Join(dir, n)
			}
		}
		return ""
	}
	if st.IsDir() {
		if hosts = find(path, HostFiles); hosts == "" {
			return "", "", "", fmt.Errorf("%s: no %s", path, HostFiles[0])
		}
		return hosts, find(path, GroupFiles), find(path, DefaultsFiles), nil
	}
	if h, g, d, ok := fromConfig(path); ok {
		return h, g, d, nil
	}
	dir := filepath.Dir(path)
	return path, find(dir, GroupFiles), find(dir, DefaultsFiles), nil
}

// fromConfig reads a Nornir config file's inventory options; paths are
// taken from the config file's directory.
func fromConfig(path string) (hosts, groups, defaults string, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", "", "", false
	}
	var cfg struct {
		Inventory struct {
			Plugin  string `yaml:"plugin"`
			Options struct {
				HostFile     string `yaml:"host_file"`
				GroupFile    string `yaml:"group_file"`
				DefaultsFile string `yaml:"defaults_file"`
			} `yaml:"options"`
		} `yaml:"inventory"`
	}
	if yaml.Unmarshal(data, &cfg) != nil || cfg.Inventory.Plugin == "" {
		return "", "", "", false
	}
	o := cfg.Inventory.Options
	rel := func(p, def string) string {
		if p == "" {
			p = def
		}
		if strings.HasPrefix(p, "~/") {
			if home, err := os.UserHomeDir(); err == nil {
				return filepath.Join(home, p[2:])
			}
		}
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(filepath.Dir(path), p)
	}
	if !strings.HasSuffix(cfg.Inventory.Plugin, "SimpleInventory") {
		return "", "", "", false
	}
	g, d := rel(o.GroupFile, "groups.yaml"), rel(o.DefaultsFile, "defaults.yaml")
	if _, err := os.Stat(g); err != nil {
		g = ""
	}
	if _, err := os.Stat(d); err != nil {
		d = ""
	}
	return rel(o.HostFile, "hosts.yaml"), g, d, true
}

// IsConfig reports whether root is a Nornir config (inventory.plugin set)
// and returns the plugin.
func IsConfig(root *yaml.Node) (string, bool) {
	if root == nil || root.Kind != yaml.MappingNode {
		return "", false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "inventory" && root.Content[i+1].Kind == yaml.MappingNode {
			inv := root.Content[i+1]
			for j := 0; j+1 < len(inv.Content); j += 2 {
				if inv.Content[j].Value == "plugin" {
					return inv.Content[j+1].Value, true
				}
			}
		}
	}
	return "", false
}

// LooksLikeHosts reports whether root has the shape of a hosts.yaml: a
// mapping of names to mappings of SimpleInventory keys.
func LooksLikeHosts(root *yaml.Node) bool {
	if root == nil || root.Kind != yaml.MappingNode || len(root.Content) == 0 {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		v := root.Content[i+1]
		if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
			return false
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			if !slices.Contains(elementKeys, v.Content[j].Value) {
				return false
			}
		}
	}
	return true
}

// Load reads the SimpleInventory at path (see Files); platforms says
// which platform values are platforms trustfix fixes.
func Load(path string, platforms Platforms) (*inventory.Doc, error) {
	in, hosts, err := load(path)
	if err != nil {
		return nil, err
	}
	doc, err := in.doc(path, platforms)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		doc.Dir = path
	} else {
		doc.Dir = filepath.Dir(hosts)
	}
	return doc, nil
}

// load reads the three files; hosts is the hosts file's path.
func load(path string) (*inv, string, error) {
	if err := refuseOtherPlugins(path); err != nil {
		return nil, "", err
	}
	hosts, groups, defaults, err := Files(path)
	if err != nil {
		return nil, "", fileError(path, err)
	}
	in := &inv{groups: map[string]*element{}, defaults: &element{name: "defaults", pos: inventory.Pos{File: path, Owner: "defaults"}}}
	if defaults != "" {
		root, err := in.read(defaults)
		if err != nil {
			return nil, "", err
		}
		if root != nil {
			if in.defaults, err = in.element(defaults, "defaults", root, false); err != nil {
				return nil, "", err
			}
			in.defaults.pos = inventory.Pos{File: defaults, Line: root.Line, Owner: "defaults"}
		}
	}
	root, err := in.read(hosts)
	if err != nil {
		return nil, "", err
	}
	if in.hosts, err = in.elements(hosts, root); err != nil {
		return nil, "", err
	}
	if groups != "" {
		root, err := in.read(groups)
		if err != nil {
			return nil, "", err
		}
		gs, err := in.elements(groups, root)
		if err != nil {
			return nil, "", err
		}
		for _, g := range gs {
			in.groups[g.name] = g
			in.gorder = append(in.gorder, g.name)
		}
	}
	if err := in.checkGroups(); err != nil {
		return nil, "", err
	}
	return in, hosts, nil
}

// refuseOtherPlugins rejects a Nornir config naming another inventory
// plugin (NetBox, ...): trustfix reads SimpleInventory files only.
func refuseOtherPlugins(path string) error {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	root, err := inventory.DecodeYAML(path, data)
	if err != nil {
		return nil
	}
	if plugin, ok := IsConfig(root); ok && !strings.HasSuffix(plugin, "SimpleInventory") {
		return &inventory.Error{File: path, Field: "inventory.plugin",
			Msg: fmt.Sprintf("%s: trustfix reads SimpleInventory files only; export the inventory to hosts.yaml, groups.yaml and defaults.yaml", inventory.Quote(plugin))}
	}
	return nil
}

func fileError(path string, err error) error {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = pe.Op + ": " + pe.Err.Error()
	}
	return &inventory.Error{File: path, Msg: msg, Err: err}
}

func (in *inv) read(path string) (*yaml.Node, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	in.files = append(in.files, path)
	return inventory.DecodeYAML(path, data)
}

// elements reads a hosts or groups file: a mapping of name to element.
func (in *inv) elements(path string, root *yaml.Node) ([]*element, error) {
	if root == nil {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, inventory.Errorf(inventory.Pos{File: path, Line: root.Line}, "want a mapping of names to entries, got %s", inventory.KindOf(root))
	}
	var out []*element
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], inventory.Deref(root.Content[i+1])
		pos := inventory.Pos{File: path, Line: k.Line, Owner: k.Value}
		if first, dup := seen[k.Value]; dup {
			return nil, inventory.Errorf(pos, "defined twice (first at line %d)", first)
		}
		seen[k.Value] = k.Line
		if v.Kind != yaml.MappingNode && !(v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
			return nil, inventory.Errorf(pos, "want a mapping of %s, got %s", strings.Join(elementKeys, ", "), inventory.KindOf(v))
		}
		e, err := in.element(path, k.Value, v, true)
		if err != nil {
			return nil, err
		}
		e.pos = pos
		out = append(out, e)
	}
	return out, nil
}

// element reads one host, group or the defaults (no groups key).
func (in *inv) element(path, name string, n *yaml.Node, hasGroups bool) (*element, error) {
	e := &element{name: name, attrs: map[string]value{}, dataV: map[string]value{}, conn: map[string]map[string]value{}}
	at := func(n *yaml.Node, v string) inventory.Pos {
		return inventory.Pos{File: path, Line: n.Line, Owner: name, Var: v}
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return e, nil
		}
		return nil, inventory.Errorf(at(n, ""), "want a mapping, got %s", inventory.KindOf(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], inventory.Deref(n.Content[i+1])
		switch key := k.Value; {
		case slices.Contains(attrs, key):
			if !inventory.IsNull(v) {
				e.attrs[key] = value{v, at(k, key)}
			}
		case key == "groups" && hasGroups:
			if inventory.IsNull(v) {
				continue
			}
			if v.Kind != yaml.SequenceNode {
				return nil, inventory.Errorf(at(k, key), "want a list of group names, got %s", inventory.KindOf(v))
			}
			for _, g := range v.Content {
				e.groups = append(e.groups, g.Value)
				e.gpos = append(e.gpos, at(g, key))
			}
		case key == "data":
			if inventory.IsNull(v) {
				continue
			}
			if v.Kind != yaml.MappingNode {
				return nil, inventory.Errorf(at(k, key), "want a mapping, got %s", inventory.KindOf(v))
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				dk := v.Content[j].Value
				if _, dup := e.dataV[dk]; !dup {
					e.data = append(e.data, dk)
				}
				e.dataV[dk] = value{inventory.Deref(v.Content[j+1]), at(v.Content[j], "data."+dk)}
			}
		case key == "connection_options":
			if err := e.connectionOptions(v, at); err != nil {
				return nil, err
			}
		default:
			in.notes = append(in.notes, inventory.Problem{Pos: at(k, key), Msg: "ignored: not a SimpleInventory key (want " + strings.Join(elementKeys, ", ") + "; custom values go under data)"})
		}
	}
	return e, nil
}

func (e *element) connectionOptions(v *yaml.Node, at func(*yaml.Node, string) inventory.Pos) error {
	if inventory.IsNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		return inventory.Errorf(at(v, "connection_options"), "want a mapping of plugin names, got %s", inventory.KindOf(v))
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		plugin, opts := v.Content[i].Value, inventory.Deref(v.Content[i+1])
		if opts.Kind != yaml.MappingNode {
			continue
		}
		m := map[string]value{}
		for j := 0; j+1 < len(opts.Content); j += 2 {
			k, x := opts.Content[j].Value, inventory.Deref(opts.Content[j+1])
			if k == "extras" && x.Kind == yaml.MappingNode {
				for l := 0; l+1 < len(x.Content); l += 2 {
					ek := x.Content[l].Value
					m["extras."+ek] = value{inventory.Deref(x.Content[l+1]), at(x.Content[l], "connection_options."+plugin+".extras."+ek)}
				}
				continue
			}
			if !inventory.IsNull(x) {
				m[k] = value{x, at(opts.Content[j], "connection_options."+plugin+"."+k)}
			}
		}
		e.conn[plugin] = m
	}
	return nil
}

// checkGroups rejects a group that is not defined, and parent loops.
func (in *inv) checkGroups() error {
	check := func(e *element) error {
		for i, g := range e.groups {
			if _, ok := in.groups[g]; !ok {
				return inventory.Errorf(e.gpos[i], "unknown group %s (not in groups.yaml)", inventory.Quote(g))
			}
		}
		return nil
	}
	for _, h := range in.hosts {
		if err := check(h); err != nil {
			return err
		}
	}
	for _, name := range in.gorder {
		g := in.groups[name]
		if err := check(g); err != nil {
			return err
		}
		if slices.Contains(in.ancestors(g), g) {
			return inventory.Errorf(g.pos, "group %s is its own ancestor", inventory.Quote(name))
		}
	}
	return nil
}

// ancestors is e's groups in Nornir's lookup order: each group, then its
// own groups depth first, each group once (Host.extended_groups).
func (in *inv) ancestors(e *element) []*element {
	var out []*element
	var walk func(e *element, depth int)
	walk = func(e *element, depth int) {
		for _, name := range e.groups {
			g := in.groups[name]
			if slices.Contains(out, g) {
				continue
			}
			out = append(out, g)
			if depth < 32 {
				walk(g, depth+1)
			}
		}
	}
	walk(e, 0)
	return out
}
