package shard

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

type dev struct {
	name   string
	groups []string
}

func devName(d dev) string     { return d.name }
func devGroups(d dev) []string { return d.groups }
func env(v string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if name != IndexEnv || v == "-" {
			return "", false
		}
		return v, true
	}
}

func fleet(n int) []dev {
	regions := []string{"emea", "amer", "apac", "lab"}
	out := make([]dev, n)
	for i := range out {
		out[i] = dev{name: fmt.Sprintf("sw-%03d", i), groups: []string{regions[i%len(regions)] + fmt.Sprint(i%7), "campus"}}
		if i%11 == 0 {
			out[i].groups = nil // no group: keyed by its name
		}
	}
	return out
}

// Every device is in exactly one shard, for every N and both keys, and
// each shard keeps the input order.
func TestSelectPartitions(t *testing.T) {
	devs := fleet(500)
	for _, by := range []By{ByName, ByGroup} {
		for _, n := range []int{1, 2, 3, 4, 7, 16} {
			seen := map[string]int{}
			for k := range n {
				got := Select(devs, Spec{Index: k, Count: n, By: by}, devName, devGroups)
				last := -1
				for _, d := range got {
					seen[d.name]++
					var i int
					fmt.Sscanf(d.name, "sw-%d", &i)
					if i <= last {
						t.Fatalf("by %s, %d/%d: %s out of order", by, k, n, d.name)
					}
					last = i
				}
				if by == ByName && n == 4 && (len(got) < 80 || len(got) > 170) {
					t.Errorf("by name, %d/4: %d of 500 devices: the hash does not spread", k, len(got))
				}
			}
			for _, d := range devs {
				if seen[d.name] != 1 {
					t.Errorf("by %s, N=%d: %s is in %d shards, want 1", by, n, d.name, seen[d.name])
				}
			}
		}
	}
}

// By group, every device of a group is in the same shard.
func TestSelectKeepsGroupsTogether(t *testing.T) {
	devs := fleet(300)
	shardOf := map[string]int{}
	for k := range 4 {
		for _, d := range Select(devs, Spec{Index: k, Count: 4, By: ByGroup}, devName, devGroups) {
			if len(d.groups) == 0 {
				continue
			}
			g := d.groups[0]
			if s, ok := shardOf[g]; ok && s != k {
				t.Errorf("group %s is split over shards %d and %d", g, s, k)
			}
			shardOf[g] = k
		}
	}
	if len(shardOf) < 20 {
		t.Fatalf("only %d groups seen", len(shardOf))
	}
}

// The split is a documented function that must never change: FNV-1a 64
// of the key modulo N. These values pin it; a change here moves devices
// between the shards of a run that is half done.
func TestOfIsStable(t *testing.T) {
	h := uint64(0xaf63dc4c8601ec8c) // FNV-1a 64 of "a" (the reference test vector)
	for _, n := range []int{2, 3, 4, 7, 100} {
		if got, want := Of("a", n), int(h%uint64(n)); got != want {
			t.Errorf("Of(a, %d) = %d, want %d", n, got, want)
		}
	}
	for _, c := range []struct {
		key  string
		n    int
		want int
	}{
		{"asa-edge-1", 4, 0}, {"asa-edge-1", 7, 2},
		{"ie3400-dock-01", 4, 0}, {"ie3400-dock-01", 7, 3},
		{"core-rtr-1", 4, 1}, {"core-rtr-1", 7, 2},
		{"campus", 7, 6}, {"emea", 4, 1}, {"emea", 7, 5},
		{"anything", 1, 0},
	} {
		if got := Of(c.key, c.n); got != c.want {
			t.Errorf("Of(%q, %d) = %d, want %d", c.key, c.n, got, c.want)
		}
	}
	// Not the order or the company a device keeps.
	a := Select([]dev{{name: "x1"}, {name: "core-rtr-1"}}, Spec{Index: 1, Count: 4}, devName, devGroups)
	b := Select([]dev{{name: "core-rtr-1"}}, Spec{Index: 1, Count: 4}, devName, devGroups)
	if len(a) != 1 || len(b) != 1 || a[0].name != "core-rtr-1" {
		t.Errorf("core-rtr-1 moved with its neighbours: %v %v", a, b)
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		value, env string
		by         By
		want       Spec
		err        string
	}{
		{value: "0/4", want: Spec{0, 4, ByName}},
		{value: "3/4", by: ByGroup, want: Spec{3, 4, ByGroup}},
		{value: " 1 / 2 ", want: Spec{1, 2, ByName}},
		{value: "0/1", want: Spec{0, 1, ByName}},
		{value: "index/4", env: "2", want: Spec{2, 4, ByName}},
		{value: "index/4", env: "-", err: "$JOB_COMPLETION_INDEX is not set"},
		{value: "index/4", env: "", err: "$JOB_COMPLETION_INDEX is not set"},
		{value: "index/4", env: "4", err: `($JOB_COMPLETION_INDEX="4"): K must be 0 to 3`},
		{value: "index/4", env: "x", err: "K must be 0 to 3"},
		{value: "4/4", err: "K must be 0 to 3"},
		{value: "-1/4", err: "K must be 0 to 3"},
		{value: "1/0", err: "N must be a whole number of at least 1"},
		{value: "1/x", err: "N must be a whole number"},
		{value: "2", err: "want K/N"},
		{value: "0/2", by: "site", err: `--shard-by "site": want name|group`},
	} {
		got, err := Parse(c.value, c.by, env(c.env))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, ErrInvalid) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Parse(%q, env %q): %v, want one line with %q", c.value, c.env, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Parse(%q, env %q) = %+v, %v; want %+v", c.value, c.env, got, err, c.want)
		}
	}
	if s := (Spec{2, 4, ByGroup}).String(); s != "2/4 by group" {
		t.Errorf("String: %q", s)
	}
}

func TestRunID(t *testing.T) {
	devs := []Device{{"a", "10.0.0.1", 22}, {"b", "10.0.0.2", 22}}
	s := Spec{Index: 1, Count: 4}
	id := RunID("ab12", s, devs)
	if !strings.HasPrefix(id, "shards4-") || CheckRunID(id) != nil {
		t.Fatalf("RunID = %q", id)
	}
	// Every shard computes the same id.
	if other := RunID("ab12", Spec{Index: 3, Count: 4}, devs); other != id {
		t.Errorf("shard 3 computes %q, shard 1 %q", other, id)
	}
	for what, other := range map[string]string{
		"another CA":   RunID("cd34", s, devs),
		"another N":    RunID("ab12", Spec{Index: 1, Count: 5}, devs),
		"by group":     RunID("ab12", Spec{Index: 1, Count: 4, By: ByGroup}, devs),
		"another host": RunID("ab12", s, []Device{{"a", "10.0.0.9", 22}, {"b", "10.0.0.2", 22}}),
		"fewer":        RunID("ab12", s, devs[:1]),
	} {
		if other == id {
			t.Errorf("%s gives the same run id", what)
		}
	}
	for _, bad := range []string{"", "../x", "a/b", ".hidden", "a..b", "a b", strings.Repeat("x", 81)} {
		if CheckRunID(bad) == nil {
			t.Errorf("CheckRunID(%q) accepted", bad)
		}
	}
	for _, ok := range []string{"night-2026-12-04", "CHG0012345", "a.b_c-d"} {
		if err := CheckRunID(ok); err != nil {
			t.Errorf("CheckRunID(%q): %v", ok, err)
		}
	}
}
