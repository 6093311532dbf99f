package ansible

import (
	"fmt"
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
func (m *model) doc(path, kind string) (*inventory.Doc, error) {
	doc := &inventory.Doc{
		Kind: kind, Path: path, Files: m.files, Names: names,
		Where: "as a variable of the host, one of its groups or all, e.g. in group_vars/all.yml",
	}
	all := m.groups["all"]
	allPos := all.pos
	if allPos.File == "" {
		allPos = inventory.Pos{File: path, Owner: "all"}
	}
	doc.Defaults = inventory.Level{Pos: allPos, Fields: mapVars(all.vars.combine(all.dirVars), false).fields}
	levels := map[*group]*inventory.Level{}
	levelOf := func(g *group) *inventory.Level {
		if l, ok := levels[g]; ok {
			return l
		}
		pos := g.pos
		if pos.File == "" {
			pos = inventory.Pos{File: path, Owner: g.name}
		}
		l := &inventory.Level{Name: g.name, Pos: pos, Fields: mapVars(g.vars.combine(g.dirVars), false).fields}
		levels[g] = l
		return l
	}

	var errs []*inventory.Error
	noted := map[inventory.Pos]bool{}
	skipped := map[string][]string{}
	var reasons []string
	used := map[*group]bool{}
	for _, h := range m.hostList {
		want := mapVars(m.hostVars(h), true)
		if want.err != nil {
			errs = append(errs, want.err)
			continue
		}
		if want.skip != "" {
			if _, ok := skipped[want.skip]; !ok {
				reasons = append(reasons, want.skip)
			}
			skipped[want.skip] = append(skipped[want.skip], h.name)
			continue
		}
		for _, n := range want.notes {
			if !noted[n.Pos] {
				noted[n.Pos] = true
				doc.Warnings = append(doc.Warnings, n)
			}
		}
		dev := inventory.DocDevice{Level: inventory.Level{Name: h.name, Pos: h.pos, Fields: mapVars(h.vars.combine(h.dirVars), false).fields}}
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
	for _, why := range reasons {
		hosts := skipped[why]
		doc.Warnings = append(doc.Warnings, inventory.Problem{Pos: inventory.Pos{File: path},
			Msg: fmt.Sprintf("left out %d host(s) %s: %s (set trustfix_platform to include one)", len(hosts), why, inventory.ListNames(hosts))})
	}
	doc.Warnings = append(m.notes, doc.Warnings...)
	return doc, nil
}

// pin settles dev's fields (inventory.Pin); a host no variable gives an
// address to is reached at its inventory name, as Ansible does.
func pin(dev *inventory.Level, chain []*inventory.Level, want []inventory.Field, hostPos inventory.Pos) {
	inventory.Pin(dev, chain, want)
	if !slices.ContainsFunc(want, func(f inventory.Field) bool { return f.Key == "host" }) {
		dev.Set("host", inventory.Value{Node: inventory.Scalar(dev.Name), Pos: hostPos})
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
