package inventory

// This file is what an inventory front-end (pkg/inventory/ansible,
// pkg/inventory/nornir) hands to the validator: trustfix fields at three
// levels (defaults, groups, devices), each value still a YAML node and
// each remembering where it was written. FromDoc checks every field of
// every format with the same code as a trustfix file, and reports a bad
// value at the file, line and variable it came from.

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Pos is where a value was written, as the user would look for it.
type Pos struct {
	File  string // path as the user gave it (or joined from it)
	Line  int    // 1-based; 0 when the format has no lines
	Owner string // the host or group that set it: "sw01", "core", "all", "defaults"
	Var   string // the variable as written: "ansible_port", "trustfix_import_method", "data.trustfix_retries"
}

// String renders "FILE:LINE" (or "FILE" without a line).
func (p Pos) String() string {
	if p.Line > 0 {
		return p.File + ":" + strconv.Itoa(p.Line)
	}
	return p.File
}

// Value is one trustfix field's value: a YAML node as the validator reads
// it (a scalar, or a sequence for list fields) and where it was written.
type Value struct {
	Node *yaml.Node
	Pos  Pos
}

// Field is a trustfix field (Key, e.g. "port") set to Value.
type Field struct {
	Key   string
	Value Value
}

// Level is the fields written for the defaults, one group or one device.
type Level struct {
	Name   string // group or device name; "" for defaults
	Pos    Pos    // where it is defined (a host's first line, a group's header)
	Fields []Field
}

// Get returns the field named key, if set.
func (l *Level) Get(key string) (Value, bool) {
	for _, f := range l.Fields {
		if f.Key == key {
			return f.Value, true
		}
	}
	return Value{}, false
}

// Set sets key to v, replacing a value already set.
func (l *Level) Set(key string, v Value) {
	for i := range l.Fields {
		if l.Fields[i].Key == key {
			l.Fields[i].Value = v
			return
		}
	}
	l.Fields = append(l.Fields, Field{Key: key, Value: v})
}

// DocDevice is one device of a Doc: its own fields and the groups it
// belongs to, lowest precedence first (the trustfix merge order: a later
// group overrides an earlier one).
type DocDevice struct {
	Level
	Groups []string
}

// Kinds of inventory, as detected (see pkg/inventory/formats).
const (
	KindTrustfix    = "trustfix"
	KindAnsibleINI  = "ansible-ini"
	KindAnsibleYAML = "ansible-yaml"
	KindAnsibleJSON = "ansible-json"
	KindAnsibleDir  = "ansible-dir"
	KindNornir      = "nornir"
)

// Doc is a whole inventory translated into trustfix levels. Resolving a
// device the trustfix way (defaults, then its groups in order, then its own
// fields) gives exactly what the source format resolves for it.
type Doc struct {
	Kind     string   // one of the Kind constants
	Path     string   // what -i named
	Files    []string // every file read, in reading order
	Dir      string   // relative paths in values are taken from here ("": Path's directory)
	Defaults Level
	Groups   []Level // in definition order
	Devices  []DocDevice
	Warnings []Problem // format notes: ignored passwords, skipped files, ...
	// Names says how this format spells a trustfix field, for messages:
	// "username" → "ansible_user". Nil: the field name itself.
	Names func(field string) string
	// Where says where a missing field can be set, e.g. "as a host or group
	// variable (e.g. in group_vars/all.yml)".
	Where string
}

// Name spells field as the format does.
func (d *Doc) Name(field string) string {
	if d.Names == nil {
		return field
	}
	return d.Names(field)
}

// Problem is a located note or error found by a front-end.
type Problem struct {
	Pos Pos
	Msg string
}

// Errorf returns a located *Error: "FILE:LINE: OWNER.VAR: MESSAGE".
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{File: pos.File, Line: pos.Line, Field: pos.Field(), Msg: oneLine(fmt.Sprintf(format, args...))}
}

// Field is "OWNER.VAR", "OWNER" or "VAR" (whichever parts are known).
func (p Pos) Field() string {
	switch {
	case p.Owner != "" && p.Var != "":
		return p.Owner + "." + p.Var
	case p.Owner != "":
		return p.Owner
	}
	return p.Var
}

// Scalar returns a plain string scalar node.
func Scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// DecodeYAML parses one YAML (or JSON) document as a trustfix file is
// parsed: errors are one line with the file and line, an empty document
// is nil, aliases are followed at the root.
func DecodeYAML(path string, data []byte) (*yaml.Node, error) { return decode(path, data) }

// Quote renders a user value for a message: Go-quoted (so one line) and
// cut to 60 runes.
func Quote(s string) string { return quote(s) }

// Pin sets on dev each field whose value the trustfix merge of chain
// (defaults, the device's groups lowest first, then dev itself) would
// resolve differently from want, the value the source format resolves.
// Front-ends lay out their groups as trustfix groups and pin what a
// single chain of levels cannot express. Group-only fields are never
// pinned on a device.
func Pin(dev *Level, chain []*Level, want []Field) {
	got := map[string]Value{}
	for _, l := range chain {
		for _, f := range l.Fields {
			got[f.Key] = f.Value
		}
	}
	for _, f := range want {
		if fl := lookupField(f.Key); fl != nil && fl.in&inDevice == 0 {
			continue
		}
		if g, ok := got[f.Key]; !ok || !sameNode(g.Node, f.Value.Node) {
			dev.Set(f.Key, f.Value)
		}
	}
}

// sameNode compares scalars by value; anything else (which the validator
// refuses in a field anyway) only by identity.
func sameNode(a, b *yaml.Node) bool {
	a, b = deref(a), deref(b)
	if a == nil || b == nil || a.Kind != yaml.ScalarNode || b.Kind != yaml.ScalarNode {
		return a == b
	}
	return a.Value == b.Value
}

// ListNames lists up to five names for a message: "a, b, c, d, e and 12 more".
func ListNames(names []string) string {
	if len(names) <= 5 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:5], ", "), len(names)-5)
}

// Aggregate folds notes that say the same about the same variable of the
// same file for several owners (a flattened --list JSON repeats a group's
// variable on every host) into one: the first, naming the others.
func Aggregate(notes []Problem) []Problem {
	type key struct{ file, variable, msg string }
	var order []key
	byKey := map[key][]Problem{}
	for _, n := range notes {
		k := key{n.Pos.File, n.Pos.Var, n.Msg}
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], n)
	}
	var out []Problem
	for _, k := range order {
		ns := byKey[k]
		first := ns[0]
		if len(ns) > 1 {
			var owners []string
			for _, n := range ns[1:] {
				owners = append(owners, n.Pos.Owner)
			}
			first.Msg += fmt.Sprintf(" (likewise on %s)", ListNames(owners))
		}
		out = append(out, first)
	}
	return out
}

// Deref follows an alias to the node it names.
func Deref(n *yaml.Node) *yaml.Node { return deref(n) }

// IsNull reports a missing or null node.
func IsNull(n *yaml.Node) bool { return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// KindOf names a node's kind for messages: "a list", "a mapping", "a single value".
func KindOf(n *yaml.Node) string { return kindName(n) }

// LeftOut gathers the hosts a front-end leaves out, by reason.
type LeftOut struct {
	reasons []string
	hosts   map[string][]string
}

// Add records host as left out for reason ("without ansible_network_os").
func (l *LeftOut) Add(reason, host string) {
	if l.hosts == nil {
		l.hosts = map[string][]string{}
	}
	if _, ok := l.hosts[reason]; !ok {
		l.reasons = append(l.reasons, reason)
	}
	l.hosts[reason] = append(l.hosts[reason], host)
}

// Problems is one warning per reason, at file: "left out 3 host(s) REASON:
// a, b, c (HINT)".
func (l *LeftOut) Problems(file, hint string) []Problem {
	var out []Problem
	for _, why := range l.reasons {
		hosts := l.hosts[why]
		out = append(out, Problem{Pos: Pos{File: file},
			Msg: fmt.Sprintf("left out %d host(s) %s: %s (%s)", len(hosts), why, ListNames(hosts), hint)})
	}
	return out
}
