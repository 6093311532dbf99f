package ansible

import (
	"slices"
	"sort"

	"github.com/trustfix/trustfix/pkg/inventory"
)

// doc lays the model out as trustfix levels: all's variables are the
// defaults, each group's own variables a group, each host a device whose
// groups are listed in Ansible's merge order (lowest first). Ansible ranks
// inventory-file group variables below group_vars/all, which no single
// chain of levels can say; so each host's fields are also resolved the
// Ansible way (hostVars), and any field the chain would get wrong is set
// on the device itself. Either way a device gets what Ansible gives it.
func (m *model) doc(path, kind string, platforms Platforms) (*inventory.Doc, error) {
	translate := func(vs vars, strict bool) mapped { return mapVars(vs, strict, platforms) }
	doc := &inventory.Doc{
		Kind: kind, Path: path, Files: m.files, Names: names,
		Where: "as a variable of the host, one of its groups or all, e.g. in group_vars/all.yml",
	}
	all := m.groups["all"]
	allPos := all.pos
	if allPos.File == "" {
		allPos = inventory.Pos{File: path, Owner: "all"}
	}
	doc.Defaults = inventory.Level{Pos: allPos, Fields: translate(all.vars.combine(all.dirVars), false).fields}
	levels := map[*group]*inventory.Level{}
	levelOf := func(g *group) *inventory.Level {
		if l, ok := levels[g]; ok {
			return l
		}
		pos := g.pos
		if pos.File == "" {
			pos = inventory.Pos{File: path, Owner: g.name}
		}
		l := &inventory.Level{Name: g.name, Pos: pos, Fields: translate(g.vars.combine(g.dirVars), false).fields}
		levels[g] = l
		return l
	}

	var errs []*inventory.Error
	var notes, flattened []inventory.Problem
	noted := map[inventory.Pos]bool{}
	var left inventory.LeftOut
	used := map[*group]bool{}
	for _, h := range m.hostList {
		want := translate(m.hostVars(h), true)
		if want.err != nil {
			errs = append(errs, want.err)
			continue
		}
		if want.skip != "" {
			left.Add(want.skip, h.name)
			continue
		}
		for _, n := range want.notes {
			if !noted[n.Pos] {
				noted[n.Pos] = true
				notes = append(notes, n)
			}
		}
		own := translate(h.vars.combine(h.dirVars), false).fields
		if kind == inventory.KindAnsibleJSON {
			own = m.flattenedGroupOnly(own, &flattened)
		}
		dev := inventory.DocDevice{Level: inventory.Level{Name: h.name, Pos: h.pos, Fields: own}}
		chain := []*inventory.Level{&doc.Defaults}
		for _, g := range sortedGroups(h) {
			used[g] = true
			dev.Groups = append(dev.Groups, g.name)
			chain = append(chain, levelOf(g))
		}
		chain = append(chain, &dev.Level)
		pin(&dev.Level, chain, want.fields, h.pos)
		doc.Devices = append(doc.Devices, dev)
	}
	if len(errs) > 0 {
		return nil, firstError(errs, m.files)
	}
	for _, g := range m.groupList {
		if used[g] {
			doc.Groups = append(doc.Groups, *levelOf(g))
		}
	}
	doc.Warnings = append(doc.Warnings, inventory.Aggregate(notes)...)
	doc.Warnings = append(doc.Warnings, inventory.Aggregate(flattened)...)
	doc.Warnings = append(doc.Warnings, left.Problems(path, "set trustfix_platform to include one")...)
	doc.Warnings = append(m.notes, doc.Warnings...)
	return doc, nil
}

// pin settles dev's fields (inventory.Pin); a host no variable gives an
// address to is reached at its inventory name, as Ansible does.
func pin(dev *inventory.Level, chain []*inventory.Level, want []inventory.Field, hostPos inventory.Pos) {
	inventory.Pin(dev, chain, want)
	if !slices.ContainsFunc(want, func(f inventory.Field) bool { return f.Key == "host" }) {
		pos := hostPos
		pos.Var = "inventory_hostname"
		dev.Set("host", inventory.Value{Node: inventory.Scalar(dev.Name), Pos: pos})
	}
}

// firstError is the error earliest in reading order.
func firstError(errs []*inventory.Error, files []string) error {
	rank := func(f string) int {
		if i := slices.Index(files, f); i >= 0 {
			return i
		}
		return len(files)
	}
	sort.SliceStable(errs, func(i, j int) bool {
		if ri, rj := rank(errs[i].File), rank(errs[j].File); ri != rj {
			return ri < rj
		}
		return errs[i].Line < errs[j].Line
	})
	return errs[0]
}

// flattenedGroupOnly drops group-only fields (max_sessions) from a host of
// `ansible-inventory --list` JSON: it copies every group variable onto each
// host, so which group set the limit is lost. `--list --export` keeps
// group variables on their groups.
func (m *model) flattenedGroupOnly(fields []inventory.Field, notes *[]inventory.Problem) []inventory.Field {
	return slices.DeleteFunc(fields, func(f inventory.Field) bool {
		if f.Key != "max_sessions" {
			return false
		}
		*notes = append(*notes, inventory.Problem{Pos: f.Value.Pos,
			Msg: "ignored: a group's limit, but --list JSON copies group variables onto every host; make the JSON with `ansible-inventory --list --export` to keep it"})
		return true
	})
}
