package inventory

import (
	"path"
	"slices"
	"strings"
)

// Limit selects devices for --limit. pattern is a comma-separated list of
// entries; each is a device name, a group name, or a glob (path.Match
// syntax: * ? [...]) matched against device names. An entry starting with
// "!" excludes what it matches; with only exclusions, everything else is
// selected. An empty pattern selects every device. Devices come back in
// inventory order, once each. An entry that matches nothing, a bad glob,
// or a selection left empty is a *LimitError (matching ErrInvalid).
func (inv *Inventory) Limit(pattern string) ([]Device, error) {
	if strings.TrimSpace(pattern) == "" {
		return slices.Clone(inv.Devices), nil
	}
	include := make([]bool, len(inv.Devices))
	exclude := make([]bool, len(inv.Devices))
	positive := false
	for _, raw := range strings.Split(pattern, ",") {
		entry := strings.TrimSpace(raw)
		if entry == "" {
			continue
		}
		name, neg := strings.CutPrefix(entry, "!")
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, &LimitError{Entry: entry, Msg: "empty exclusion"}
		}
		glob := strings.ContainsAny(name, `*?[\`)
		if _, err := path.Match(name, ""); glob && err != nil {
			return nil, &LimitError{Entry: entry, Msg: "bad pattern: " + err.Error()}
		}
		matched := false
		for i, d := range inv.Devices {
			hit := d.Name == name || slices.Contains(d.Groups, name)
			if glob {
				hit, _ = path.Match(name, d.Name)
			}
			if !hit {
				continue
			}
			matched = true
			if neg {
				exclude[i] = true
			} else {
				include[i] = true
			}
		}
		if !matched {
			return nil, &LimitError{Entry: entry, Msg: "matches no device or group" + inv.suggestName(name)}
		}
		positive = positive || !neg
	}
	var out []Device
	for i, d := range inv.Devices {
		if (include[i] || !positive) && !exclude[i] {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return nil, &LimitError{Entry: pattern, Msg: "selects no device"}
	}
	return out, nil
}

// suggestName offers the closest device or group name.
func (inv *Inventory) suggestName(name string) string {
	var names []string
	seen := map[string]bool{}
	for _, d := range inv.Devices {
		for _, n := range append([]string{d.Name}, d.Groups...) {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return suggest(name, names)
}
