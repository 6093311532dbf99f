// Package shard splits a fleet into N disjoint parts so that N processes
// (Kubernetes Indexed Job pods, regional jump hosts) can each run one.
//
// The split is a pure function of a key and N: the key is the device's
// name, or with By group its first group (the device's name when it has
// none), and the shard is FNV-1a (64 bit) of the key's bytes modulo N.
// It never depends on the order of the inventory, the other devices, the
// machine or the trustfix version, so every process computes the same
// split, and the split of an inventory never changes between releases
// (a test pins known assignments). Shards count from 0, as Kubernetes'
// JOB_COMPLETION_INDEX does.
package shard

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// IndexEnv is the variable a Kubernetes Indexed Job sets in each pod to
// the pod's completion index (0 … completions-1): `--shard index/N`.
const IndexEnv = "JOB_COMPLETION_INDEX"

// By says what a device is assigned by.
type By string

// The keys a fleet can be split by.
const (
	ByName  By = "name"  // each device on its own
	ByGroup By = "group" // a device's first group: a group stays together
)

// ByValues are the accepted values of By, for flags and help.
var ByValues = []string{string(ByName), string(ByGroup)}

// Spec is one shard of a split: index K of N, by name or by group.
type Spec struct {
	Index int `json:"index"` // K, 0 … Count-1
	Count int `json:"count"` // N
	By    By  `json:"by"`
}

// ErrInvalid matches (with errors.Is) every refusal of Parse.
var ErrInvalid = errors.New("invalid shard")

// Parse reads K/N or index/N (K from the environment variable IndexEnv,
// through lookup). N is at least 1 and K is 0 … N-1; by must be ByName or
// ByGroup ("" means ByName). Errors are one line and name the flag value.
func Parse(value string, by By, lookup func(string) (string, bool)) (Spec, error) {
	if by == "" {
		by = ByName
	}
	if by != ByName && by != ByGroup {
		return Spec{}, fmt.Errorf("%w: --shard-by %q: want %s", ErrInvalid, by, strings.Join(ByValues, "|"))
	}
	k, n, ok := strings.Cut(value, "/")
	if !ok {
		return Spec{}, fmt.Errorf("%w: --shard %q: want K/N (K counts from 0) or index/N (K from $%s)", ErrInvalid, value, IndexEnv)
	}
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || count < 1 {
		return Spec{}, fmt.Errorf("%w: --shard %q: N must be a whole number of at least 1", ErrInvalid, value)
	}
	k = strings.TrimSpace(k)
	from := ""
	if k == "index" {
		v, set := lookup(IndexEnv)
		if !set || strings.TrimSpace(v) == "" {
			return Spec{}, fmt.Errorf("%w: --shard %q: $%s is not set (Kubernetes sets it in the pods of an Indexed Job; elsewhere give K/N)", ErrInvalid, value, IndexEnv)
		}
		k, from = strings.TrimSpace(v), fmt.Sprintf(" ($%s=%q)", IndexEnv, v)
	}
	index, err := strconv.Atoi(k)
	if err != nil || index < 0 || index >= count {
		return Spec{}, fmt.Errorf("%w: --shard %q%s: K must be 0 to %d (shards count from 0)", ErrInvalid, value, from, count-1)
	}
	return Spec{Index: index, Count: count, By: by}, nil
}

// String is "K/N", with " by group" when split by group.
func (s Spec) String() string {
	out := fmt.Sprintf("%d/%d", s.Index, s.Count)
	if s.By == ByGroup {
		out += " by group"
	}
	return out
}

// Of returns the shard (0 … n-1) that key belongs to: FNV-1a 64 of the
// key's bytes, modulo n. This is the documented, permanent split.
func Of(key string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return int(h.Sum64() % uint64(n))
}

// Key is what a device is assigned by: its name, or with ByGroup its
// first group (its name when it is in no group).
func Key(by By, name string, groups []string) string {
	if by == ByGroup && len(groups) > 0 {
		return groups[0]
	}
	return name
}

// Select returns the items of shard s, in their order. name and groups
// give an item's name and groups. Every item is in exactly one of the N
// shards' selections.
func Select[T any](items []T, s Spec, name func(T) string, groups func(T) []string) []T {
	var out []T
	for _, it := range items {
		if Of(Key(s.By, name(it), groups(it)), s.Count) == s.Index {
			out = append(out, it)
		}
	}
	return out
}
