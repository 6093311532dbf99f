package inventory

import (
	"fmt"
	"net"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parser walks the node tree, collecting every error and warning with its
// line; Parse reports the first error in file order.
type parser struct {
	file      string
	env       func(string) (string, bool)
	platforms Platforms
	errs      []*Error
	warns     []*Error
	// loc maps the lines of a tree built from another format (see
	// build.go) back to the files and variables they came from; nil for a
	// trustfix YAML file.
	loc *locator
	dir string // relative paths are taken from here ("": the file's directory)
	// ssh reads each ssh_config file once; sshNotes are its warnings given.
	ssh      *sshResolver
	sshNotes []string
}

// entry is one field as written at one level of the file.
type entry struct {
	f       *field
	path    string // e.g. "groups.core.bundle_file"
	line    int    // line of the value
	keyLine int
	v       value
	ok      bool // the value passed its field's check
}

// level is the fields written in defaults, in one group or in one device.
type level struct {
	path string
	line int
	set  map[string]*entry
}

func (p *parser) add(line int, field, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) warn(line int, field, msg string) {
	p.warns = append(p.warns, &Error{File: p.file, Line: line, Field: field, Msg: msg})
}

// first returns the error with the lowest line (ties: found first), or nil.
func (p *parser) first() error {
	if len(p.errs) == 0 {
		return nil
	}
	sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
	return p.loc.place(p.errs[0])
}

// place is FILE:LINE of a line of the file (or of the source a tree was
// built from).
func (p *parser) place(line int) string {
	if p.loc != nil {
		return p.loc.at(line)
	}
	return fmt.Sprintf("%s:%d", p.file, line)
}

// at names another place in the file for a message: "line 7", or
// "group_vars/all.yml:7" in a tree built from another format.
func (p *parser) at(line int) string {
	if p.loc != nil {
		return p.loc.at(line)
	}
	return fmt.Sprintf("line %d", line)
}

// warnings returns the warnings in file order, one line each.
func (p *parser) warnings() []string {
	sort.SliceStable(p.warns, func(i, j int) bool { return p.warns[i].Line < p.warns[j].Line })
	var out []string
	for _, w := range p.warns {
		out = append(out, p.loc.place(w).Error())
	}
	return out
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// join appends key to a field path, quoting a key that is not plain.
func join(path, key string) string {
	if !plainKey.MatchString(key) {
		key = quote(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// pairs calls fn for each key/value of mapping n (aliases followed),
// rejecting non-string keys, merge keys and duplicate keys.
func (p *parser) pairs(n *yaml.Node, path string, fn func(k, v *yaml.Node, key string)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		switch {
		case k.Kind != yaml.ScalarNode:
			p.add(k.Line, path, "want a plain key, got %s", kindName(k))
			continue
		case k.Value == "<<" && k.Tag == "!!merge":
			p.add(k.Line, join(path, k.Value), "merge keys are not supported; use groups")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.add(k.Line, join(path, k.Value), "duplicate key (first at %s)", p.at(first))
			continue
		}
		seen[k.Value] = k.Line
		fn(k, v, k.Value)
	}
}

// field checks one key/value written at path in scope sc.
func (p *parser) field(k, v *yaml.Node, key, path string, sc scope) *entry {
	fpath := join(path, key)
	f := lookupField(key)
	if f == nil {
		p.add(k.Line, fpath, "unknown field%s", suggest(key, keysIn(sc)))
		return nil
	}
	if f.in&sc == 0 {
		p.add(k.Line, fpath, "%s", f.in.where())
		return nil
	}
	val, prob := f.parse(v)
	if prob == nil && key == "platform" {
		val.s, prob = p.platform(val.s)
	}
	e := &entry{f: f, path: fpath, line: v.Line, keyLine: k.Line, v: val, ok: prob == nil}
	if prob != nil {
		line := v.Line
		if prob.line > 0 {
			line = prob.line
		}
		p.add(line, fpath+prob.sub, "%s", prob.msg)
	}
	switch {
	case key == "password" || key == "enable_password":
		p.warn(k.Line, fpath, "plain-text password in the inventory; prefer "+key+"_env")
	case key == "host_key_policy" && e.ok && val.s == "insecure":
		p.warn(v.Line, fpath, "insecure: host keys are not checked")
	}
	return e
}

// platform resolves a platform name (auto, an id or an alias) to its id.
func (p *parser) platform(name string) (string, *problem) {
	if name == DefaultPlatform {
		return name, nil
	}
	if id, ok := p.platforms.Canonical(name); ok {
		return id, nil
	}
	return name, bad("unknown %s (want %s)", quote(name), strings.Join(append([]string{DefaultPlatform}, p.platforms.IDs()...), "|"))
}

// level reads the fields of defaults, a group or a device. A null node is
// an empty level when allowNull; anything but a mapping is an error (nil).
func (p *parser) level(n *yaml.Node, path string, sc scope, allowNull bool) *level {
	l := &level{path: path, line: n.Line, set: map[string]*entry{}}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" && allowNull {
		return l
	}
	if n.Kind != yaml.MappingNode {
		got := kindName(n)
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			got = "an empty entry"
		}
		p.add(n.Line, path, "want a mapping of fields, got %s", got)
		return nil
	}
	p.pairs(n, path, func(k, v *yaml.Node, key string) {
		if e := p.field(k, v, key, path, sc); e != nil {
			l.set[key] = e
		}
	})
	for _, key := range []string{"password", "enable_password"} {
		plain, env := l.set[key], l.set[key+"_env"]
		if plain != nil && env != nil {
			later, other := plain, env
			if env.keyLine > plain.keyLine {
				later, other = env, plain
			}
			p.add(later.keyLine, later.path, "conflicts with %s at %s (set one of them)", other.f.key, p.at(other.keyLine))
			plain.ok, env.ok = false, false // no second error from the variable
		}
	}
	return l
}

// inventory walks the top-level mapping.
func (p *parser) inventory(root *yaml.Node) *Inventory {
	inv := &Inventory{GroupLimits: map[string]int{}}
	if root == nil {
		p.add(1, "devices", "missing (the file is empty)")
		return inv
	}
	if root.Kind != yaml.MappingNode {
		p.add(root.Line, "inventory", "want a mapping with defaults, groups and devices, got %s", kindName(root))
		return inv
	}
	defaults := &level{path: "defaults", set: map[string]*entry{}}
	groups := map[string]*level{}
	var devices, devicesKey *yaml.Node
	p.pairs(root, "", func(k, v *yaml.Node, key string) {
		switch key {
		case "defaults":
			if l := p.level(v, "defaults", inDefaults, true); l != nil {
				defaults = l
			}
		case "groups":
			groups = p.groups(v, inv)
		case "devices":
			devices, devicesKey = v, k
		default:
			if e := p.field(k, v, key, "", inTop); e != nil && e.ok && key == "ca_file" {
				inv.CAFile = p.filePath(e.v.s)
			}
		}
	})
	switch {
	case devices == nil:
		p.add(root.Line, "devices", "missing")
	case devices.Kind == yaml.ScalarNode && devices.Tag == "!!null",
		devices.Kind == yaml.SequenceNode && len(devices.Content) == 0:
		p.add(devicesKey.Line, "devices", "empty (want at least one device)")
	case devices.Kind != yaml.SequenceNode:
		p.add(devices.Line, "devices", "want a list of devices, got %s", kindName(devices))
	default:
		names := map[string]int{}
		addrs := map[string]Device{} // jump host + host + port → first device there
		for i, item := range devices.Content {
			l := p.level(deref(item), fmt.Sprintf("devices[%d]", i), inDevice, false)
			if l == nil {
				continue
			}
			d, ok := p.device(l, defaults, groups, names)
			if !ok {
				continue
			}
			addr := d.JumpHost + " " + net.JoinHostPort(d.Host, strconv.Itoa(d.Port))
			if first, dup := addrs[addr]; dup {
				p.warn(d.Line, l.path+".host", fmt.Sprintf("same host and port as %s (%s)", quote(first.Name), p.at(first.Line)))
			} else {
				addrs[addr] = d
			}
			inv.Devices = append(inv.Devices, d)
		}
	}
	return inv
}

// filePath expands a leading "~/" (from $HOME via the injected env) and
// resolves a relative path against the inventory file's directory.
func (p *parser) filePath(s string) string {
	if rest, ok := strings.CutPrefix(s, "~/"); ok {
		if home, ok := p.env("HOME"); ok && home != "" {
			return filepath.Join(home, rest)
		}
		return s
	}
	if s == "" || filepath.IsAbs(s) {
		return s
	}
	if p.dir != "" {
		return filepath.Join(p.dir, s)
	}
	return filepath.Join(filepath.Dir(p.file), s)
}

// groups reads the groups mapping and records max_sessions limits.
func (p *parser) groups(n *yaml.Node, inv *Inventory) map[string]*level {
	groups := map[string]*level{}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return groups
	}
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, "groups", "want a mapping of group name to fields, got %s", kindName(n))
		return groups
	}
	p.pairs(n, "groups", func(k, v *yaml.Node, name string) {
		path := join("groups", name)
		if msg := checkName(name); msg != "" {
			p.add(k.Line, path, "%s", msg)
		}
		l := p.level(v, path, inGroup, true)
		if l == nil { // reported; keep the name so devices naming it get no second error
			l = &level{path: path, line: k.Line, set: map[string]*entry{}}
		}
		groups[name] = l
		if e := l.set["max_sessions"]; e != nil && e.ok {
			inv.GroupLimits[name] = e.v.n
		}
	})
	return groups
}
