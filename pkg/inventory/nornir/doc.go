package nornir

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustfix/trustfix/pkg/inventory"
)

// lookup is one host's elements in Nornir's order: the host, its groups
// (extended, depth first), the defaults. The first that sets a key wins.
type lookup []*element

func (l lookup) attr(a string) (value, bool) {
	for _, e := range l {
		if v, ok := e.attrs[a]; ok {
			return v, true
		}
	}
	return value{}, false
}

func (l lookup) data(k string) (value, bool) {
	for _, e := range l {
		if v, ok := e.dataV[k]; ok {
			return v, true
		}
	}
	return value{}, false
}

// plugin is the first of plugins any element configures.
func (l lookup) plugin() string {
	for _, p := range plugins {
		for _, e := range l {
			if _, ok := e.conn[p]; ok {
				return p
			}
		}
	}
	return ""
}

// conn is a connection option of plugin p, first that sets it.
func (l lookup) conn(p, key string) (value, bool) {
	if p == "" {
		return value{}, false
	}
	for _, e := range l {
		if v, ok := e.conn[p][key]; ok {
			return v, true
		}
	}
	return value{}, false
}

// effective is what Host.get_connection_parameters(p) gives for a.
func (l lookup) effective(p, a string) (value, bool) {
	if v, ok := l.conn(p, a); ok {
		return v, true
	}
	return l.attr(a)
}

// dataKeys are every data key in l, in first-seen order.
func (l lookup) dataKeys() []string {
	var keys []string
	for _, e := range l {
		for _, k := range e.data {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// want is what Nornir resolves for a host, in trustfix fields; skip says
// why it is not a trustfix device; notes are the ignored passwords.
func (l lookup) want(platforms Platforms) (fields []inventory.Field, skip string, notes []inventory.Problem) {
	p := l.plugin()
	set := func(key string, v value) {
		fields = append(fields, inventory.Field{Key: key, Value: inventory.Value{Node: v.node, Pos: v.pos}})
	}
	overridden := func(field string) bool { _, ok := l.data(prefix + field); return ok }
	for _, a := range []string{"hostname", "port", "username"} {
		key := map[string]string{"hostname": "host"}[a]
		if key == "" {
			key = a
		}
		if v, ok := l.effective(p, a); ok && !overridden(key) {
			set(key, v)
		}
	}
	if !overridden("platform") {
		v, ok := l.effective(p, "platform")
		if !ok {
			skip = "without platform"
		} else if id, known := platforms.NornirPlatform(strings.TrimSpace(v.node.Value)); !known {
			skip = "with platform " + v.node.Value + ", not a platform trustfix fixes"
		} else {
			set("platform", value{inventory.Scalar(id), v.pos})
		}
	}
	if !overridden("identity_file") {
		for _, k := range []string{"extras.auth_private_key", "extras.key_file"} {
			if v, ok := l.conn(p, k); ok && !inventory.IsNull(v.node) {
				set("identity_file", v)
				break
			}
		}
	}
	for _, k := range l.dataKeys() {
		if field, ok := strings.CutPrefix(k, prefix); ok {
			v, _ := l.data(k)
			set(field, v)
		}
	}
	if v, ok := l.effective(p, "password"); ok {
		notes = append(notes, ignored(v.pos, "password_env"))
	}
	for _, k := range []string{"extras.secret", "extras.auth_secondary"} {
		if v, ok := l.conn(p, k); ok {
			notes = append(notes, ignored(v.pos, "enable_password_env"))
		}
	}
	return fields, skip, notes
}

func ignored(pos inventory.Pos, field string) inventory.Problem {
	return inventory.Problem{Pos: pos, Msg: fmt.Sprintf("ignored: trustfix never reads passwords from an inventory; set data.%s%s to the name of an environment variable that holds it", prefix, field)}
}

// own is one element's own fields, for the grouped layout.
func (e *element) own(platforms Platforms) []inventory.Field {
	var fields []inventory.Field
	for _, a := range []string{"hostname", "port", "username", "platform"} {
		v, ok := e.attrs[a]
		if !ok {
			continue
		}
		key := a
		switch a {
		case "hostname":
			key = "host"
		case "platform":
			p, ok := platforms.NornirPlatform(strings.TrimSpace(v.node.Value))
			if !ok {
				continue
			}
			v.node = inventory.Scalar(p)
		}
		fields = append(fields, inventory.Field{Key: key, Value: inventory.Value{Node: v.node, Pos: v.pos}})
	}
	for _, k := range e.data {
		if field, ok := strings.CutPrefix(k, prefix); ok {
			v := e.dataV[k]
			fields = append(fields, inventory.Field{Key: field, Value: inventory.Value{Node: v.node, Pos: v.pos}})
		}
	}
	return fields
}

// doc lays the inventory out as trustfix levels: defaults, groups, and
// each host with its groups listed lowest precedence first (the reverse of
// Nornir's lookup order); what that chain cannot say (connection options
// beating plain attributes) is pinned on the device.
func (in *inv) doc(path string, platforms Platforms) (*inventory.Doc, error) {
	doc := &inventory.Doc{
		Kind: inventory.KindNornir, Path: path, Files: in.files,
		Names: func(field string) string {
			if field == "username" || field == "port" || field == "platform" {
				return field + " or data." + prefix + field
			}
			return "data." + prefix + field
		},
		Where: "in the data of the host, a group or defaults",
	}
	doc.Defaults = inventory.Level{Pos: in.defaults.pos, Fields: in.defaults.own(platforms)}
	levels := map[string]*inventory.Level{}
	for _, name := range in.gorder {
		g := in.groups[name]
		levels[name] = &inventory.Level{Name: name, Pos: g.pos, Fields: g.own(platforms)}
	}
	used := map[string]bool{}
	noted := map[inventory.Pos]bool{}
	var ignoredPasswords []inventory.Problem
	var left inventory.LeftOut
	for _, h := range in.hosts {
		groups := in.ancestors(h)
		l := append(append(lookup{h}, groups...), in.defaults)
		want, skip, notes := l.want(platforms)
		if skip != "" {
			left.Add(skip, h.name)
			continue
		}
		for _, n := range notes {
			if !noted[n.Pos] {
				noted[n.Pos] = true
				ignoredPasswords = append(ignoredPasswords, n)
			}
		}
		dev := inventory.DocDevice{Level: inventory.Level{Name: h.name, Pos: h.pos, Fields: h.own(platforms)}}
		chain := []*inventory.Level{&doc.Defaults}
		for i := len(groups) - 1; i >= 0; i-- {
			used[groups[i].name] = true
			dev.Groups = append(dev.Groups, groups[i].name)
			chain = append(chain, levels[groups[i].name])
		}
		chain = append(chain, &dev.Level)
		inventory.Pin(&dev.Level, chain, want)
		if !slices.ContainsFunc(want, func(f inventory.Field) bool { return f.Key == "host" }) {
			// No hostname anywhere: the host's name is its address.
			pos := h.pos
			pos.Var = "name"
			dev.Set("host", inventory.Value{Node: inventory.Scalar(h.name), Pos: pos})
		}
		doc.Devices = append(doc.Devices, dev)
	}
	for _, name := range in.gorder {
		if used[name] {
			doc.Groups = append(doc.Groups, *levels[name])
		}
	}
	doc.Warnings = append(doc.Warnings, inventory.Aggregate(ignoredPasswords)...)
	doc.Warnings = append(doc.Warnings, left.Problems(path, "set data.trustfix_platform to include one")...)
	doc.Warnings = append(in.notes, doc.Warnings...)
	return doc, nil
}
