package inventory

import (
	"os"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// FromDoc validates an inventory another format was translated into (see
// package source) with exactly the checks a trustfix YAML file gets: the
// Doc becomes the same node tree a trustfix file decodes to. Each node's
// line is a placeholder that the errors and warnings are mapped back
// through, so they name the file, line and variable the value came from.
// Platform names are checked against platforms (*platform.Registry); env
// looks up password variables (nil: os.LookupEnv).
func FromDoc(doc *Doc, platforms Platforms, env func(string) (string, bool)) (*Inventory, error) {
	if env == nil {
		env = os.LookupEnv
	}
	root, loc := buildTree(doc)
	canonical, err := encodeTree(root)
	if err != nil {
		return nil, &Error{File: doc.Path, Msg: "cannot encode: " + err.Error(), Err: err}
	}
	inv, err := parseTree(&parser{file: doc.Path, env: env, platforms: platforms, loc: loc, dir: doc.Dir}, root, canonical)
	if err != nil {
		return nil, err
	}
	for i := range inv.Devices {
		inv.Devices[i].Line = loc.pos(inv.Devices[i].Line).Line
	}
	for _, w := range doc.Warnings {
		inv.Warnings = append(inv.Warnings, (&Error{File: w.Pos.File, Line: w.Pos.Line, Field: w.Pos.Field(), Msg: w.Msg}).Error())
	}
	return inv, nil
}

// locator maps the placeholder lines of a built tree to where each value
// was written.
type locator struct {
	doc   *Doc
	where []Pos      // by placeholder line (index 0 unused)
	paths [][]string // trustfix field paths of the nodes on that line
}

func (l *locator) pos(line int) Pos {
	if line <= 0 || line >= len(l.where) {
		return Pos{File: l.doc.Path}
	}
	return l.where[line]
}

// at renders another place for a message: "FILE:LINE".
func (l *locator) at(line int) string { return l.pos(line).String() }

// place rewrites an error found in the built tree to the source's terms:
// its file and line, and "OWNER.VARIABLE" as the user wrote it. A nil
// locator (a trustfix file) leaves e as it is.
func (l *locator) place(e *Error) *Error {
	if l == nil {
		return e
	}
	p := l.pos(e.Line)
	out := *e
	out.File, out.Line = p.File, p.Line
	out.Field, out.Msg = l.field(e, p)
	return &out
}

// field translates a trustfix field path ("devices[3].port",
// "groups.core.import_method[0]") and, for a missing field, the message.
func (l *locator) field(e *Error, p Pos) (field, msg string) {
	msg = e.Msg
	if e.Field == "devices" || e.Field == "inventory" {
		msg = "no devices (the inventory lists no host trustfix can use)"
		for _, w := range l.doc.Warnings {
			if strings.HasPrefix(w.Msg, "left out ") {
				msg += "; " + w.Msg
			}
		}
		return "", msg
	}
	if p.Var != "" {
		for _, path := range l.paths[min(max(e.Line, 0), len(l.paths)-1)] {
			if rest, ok := strings.CutPrefix(e.Field, path); ok {
				return p.Owner + "." + p.Var + rest, prefixSuggestion(msg, p.Var, path)
			}
		}
		return p.Owner + "." + p.Var, msg
	}
	// A field missing on a level: name it as this format spells it.
	key := e.Field
	if i := strings.LastIndex(key, "."); i >= 0 {
		key = key[i+1:]
	}
	name := l.doc.Name(key)
	if msg == "missing" || strings.HasPrefix(msg, "missing (set ") {
		msg = "missing (set " + name
		if l.doc.Where != "" {
			msg += " " + l.doc.Where
		}
		msg += ")"
	}
	field = name
	if first, _, ok := strings.Cut(name, " or "); ok {
		field = first // "ansible_user or trustfix_username": the message says both
	}
	if p.Owner == "" {
		return field, msg
	}
	return p.Owner + "." + field, msg
}

// prefixSuggestion turns `(did you mean "import_method"?)` into `(did you
// mean "trustfix_import_method"?)` when the variable carries a prefix.
func prefixSuggestion(msg, variable, path string) string {
	key := path
	if i := strings.LastIndex(path, "."); i >= 0 {
		key = path[i+1:]
	}
	prefix, ok := strings.CutSuffix(variable, key)
	if !ok || prefix == "" {
		return msg
	}
	return strings.Replace(msg, `(did you mean "`, `(did you mean "`+prefix, 1)
}

// treeBuilder turns a Doc into a trustfix node tree. Every node gets a
// placeholder line; placeholders are numbered in the order of the files
// and lines they stand for, so "the first error" is the first in reading
// order, as for a trustfix file.
type treeBuilder struct {
	doc   *Doc
	ids   map[Pos]int
	order []Pos
	paths [][]string
	nodes []placed
}

type placed struct {
	n  *yaml.Node
	id int
}

func (b *treeBuilder) id(p Pos, path string) int {
	id, ok := b.ids[p]
	if !ok {
		id = len(b.order)
		b.ids[p] = id
		b.order = append(b.order, p)
		b.paths = append(b.paths, nil)
	}
	if path != "" && !slices.Contains(b.paths[id], path) {
		b.paths[id] = append(b.paths[id], path)
	}
	return id
}

// node registers n (and its children) to get p's placeholder line.
func (b *treeBuilder) node(n *yaml.Node, p Pos, path string) *yaml.Node {
	id := b.id(p, path)
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		b.nodes = append(b.nodes, placed{n, id})
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return n
}

func (b *treeBuilder) key(k string, p Pos) *yaml.Node {
	return b.node(Scalar(k), p, "")
}

// level builds the mapping of one level's fields under path.
func (b *treeBuilder) level(l *Level, path string, head ...*yaml.Node) *yaml.Node {
	m := b.node(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, l.Pos, "")
	m.Content = append(m.Content, head...)
	for _, f := range l.Fields {
		fp := join(path, f.Key)
		m.Content = append(m.Content, b.key(f.Key, f.Value.Pos), b.node(copyNode(f.Value.Node), f.Value.Pos, fp))
	}
	return m
}

func buildTree(doc *Doc) (*yaml.Node, *locator) {
	b := &treeBuilder{doc: doc, ids: map[Pos]int{}}
	top := Pos{File: doc.Path}
	root := b.node(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, top, "")
	root.Content = append(root.Content, b.key("defaults", doc.Defaults.Pos), b.level(&doc.Defaults, "defaults"))
	if len(doc.Groups) > 0 {
		groups := b.node(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, top, "")
		for i := range doc.Groups {
			g := &doc.Groups[i]
			groups.Content = append(groups.Content, b.key(g.Name, g.Pos), b.level(g, join("groups", g.Name)))
		}
		root.Content = append(root.Content, b.key("groups", top), groups)
	}
	devices := b.node(&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}, top, "")
	for i := range doc.Devices {
		d := &doc.Devices[i]
		head := []*yaml.Node{b.key("name", d.Pos), b.node(Scalar(d.Name), d.Pos, "")}
		if len(d.Groups) > 0 {
			list := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			for _, g := range d.Groups {
				list.Content = append(list.Content, Scalar(g))
			}
			head = append(head, b.key("groups", d.Pos), b.node(list, d.Pos, ""))
		}
		devices.Content = append(devices.Content, b.level(&d.Level, "devices["+strconv.Itoa(i)+"]", head...))
	}
	root.Content = append(root.Content, b.key("devices", top), devices)

	// Number the placeholders in reading order: file, line, then first use.
	fileRank := map[string]int{}
	for i, f := range doc.Files {
		if _, ok := fileRank[f]; !ok {
			fileRank[f] = i
		}
	}
	rank := func(p Pos) int {
		if r, ok := fileRank[p.File]; ok {
			return r
		}
		return len(doc.Files)
	}
	ids := make([]int, len(b.order))
	for i := range ids {
		ids[i] = i
	}
	slices.SortStableFunc(ids, func(x, y int) int {
		px, py := b.order[x], b.order[y]
		if d := rank(px) - rank(py); d != 0 {
			return d
		}
		return px.Line - py.Line
	})
	loc := &locator{doc: doc, where: make([]Pos, len(ids)+1), paths: make([][]string, len(ids)+1)}
	line := make([]int, len(ids))
	for r, id := range ids {
		line[id] = r + 1
		loc.where[r+1] = b.order[id]
		loc.paths[r+1] = b.paths[id]
	}
	for _, p := range b.nodes {
		p.n.Line = line[p.id]
	}
	return root, loc
}

// copyNode copies n (aliases followed) so placeholder lines never touch
// the front-end's nodes. Field values are scalars or short lists: what
// lies deeper than two levels is left out (the validator only needs to
// see that it is not a scalar), so an alias bomb cannot blow up.
func copyNode(n *yaml.Node) *yaml.Node {
	return copyDepth(n, 2)
}

func copyDepth(n *yaml.Node, depth int) *yaml.Node {
	n = deref(n)
	c := *n
	c.Content = nil
	c.Anchor = ""
	if depth > 0 {
		for i, e := range n.Content {
			if i >= 1000 {
				break
			}
			c.Content = append(c.Content, copyDepth(e, depth-1))
		}
	}
	return &c
}
