// Package devsimtest is the one test harness of trustfix's tests against
// the device simulator: start a lab (a scenario, or devices of the default
// one) with an inventory written for it, edit that inventory, the
// environment a user who started the lab has, trustfix run in-process,
// a session to one device, and eventually-style waits on lab state. It is
// for tests only; no product code imports it.
package devsimtest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/devsim"
)

// The lab's own, lab-only credentials: the defaults of the embedded
// scenario (pkg/devsim/scenarios/default.yaml) and of every scenario
// written with Scenario.
const (
	Username       = "netops"
	Password       = "lab-Pa55-w0rd"
	EnablePassword = "lab-En4ble-k3y"
)

// Guard bounds a wait or a run so that a hang fails the test; it is never
// an assertion about speed.
const Guard = 2 * time.Minute

// poll is how often Eventually looks again.
const poll = 2 * time.Millisecond

// LookupEnv is the environment of a user who exported the lab's password
// variables (the names the generated inventory gives).
func LookupEnv(name string) (string, bool) {
	switch name {
	case devsim.PasswordEnv:
		return Password, true
	case devsim.EnablePasswordEnv:
		return EnablePassword, true
	}
	return "", false
}

// Environ is os.Environ with the lab's password variables, for trustfix
// run as a subprocess.
func Environ() []string {
	return append(os.Environ(), devsim.PasswordEnv+"="+Password, devsim.EnablePasswordEnv+"="+EnablePassword)
}

// Scenario parses an inline scenario (a devices: list, and whatever else a
// scenario holds); the lab's credentials are its defaults.
func Scenario(t testing.TB, yaml string) *devsim.Scenario {
	t.Helper()
	y := fmt.Sprintf("defaults: {username: %s, password: %s, enable_password: %s}\n%s", Username, Password, EnablePassword, yaml)
	sc, err := devsim.ParseScenario(strings.ReplaceAll(t.Name(), "/", "_")+".yaml", []byte(y))
	if err != nil {
		t.Fatalf("scenario: %v\n%s", err, y)
	}
	return sc
}

// Default is the default scenario reduced to the named devices, in that
// order (all of them when none is named); edit, when given, changes each.
func Default(t testing.TB, names []string, edit ...func(*devsim.Spec)) *devsim.Scenario {
	t.Helper()
	sc := devsim.DefaultScenario()
	if len(names) > 0 {
		var keep []devsim.Spec
		for _, n := range names {
			i := slices.IndexFunc(sc.Devices, func(sp devsim.Spec) bool { return sp.Name == n })
			if i < 0 {
				t.Fatalf("no device %q in the default scenario", n)
			}
			keep = append(keep, sc.Devices[i])
		}
		sc.Devices = keep
	}
	for i := range sc.Devices {
		for _, e := range edit {
			e(&sc.Devices[i])
		}
	}
	return sc
}

// Lab is a running lab and the inventory written for it.
type Lab struct {
	*devsim.Lab
	Dir   string // the test's temporary directory: inventory, known_hosts, journals
	Inv   string // the inventory
	Known string // the known_hosts the inventory names (absent until a first accept-new)
}

// Options shape Start.
type Options struct {
	// Devices expands the scenario to this many devices (0: as written).
	Devices int
	// Timeout is the per-device deadline the inventory gives ("" = the
	// lab's default).
	Timeout string
}

// Start serves sc and writes its inventory (devsim.Lab.Inventory, host
// keys accepted on first contact into Known). The lab closes when the test
// ends.
func Start(t testing.TB, sc *devsim.Scenario, opt Options) *Lab {
	t.Helper()
	l, err := devsim.Start(sc, devsim.Options{Devices: opt.Devices})
	if err != nil {
		t.Fatalf("devsim.Start: %v", err)
	}
	t.Cleanup(l.Close)
	dir := t.TempDir()
	lab := &Lab{Lab: l, Dir: dir, Inv: filepath.Join(dir, "inventory.yaml"), Known: filepath.Join(dir, "known_hosts")}
	inv := l.Inventory(devsim.InventoryOptions{KnownHosts: lab.Known, Timeout: opt.Timeout})
	if err := os.WriteFile(lab.Inv, inv, 0o600); err != nil {
		t.Fatal(err)
	}
	return lab
}

// Path is a file in the lab's directory.
func (l *Lab) Path(name string) string { return filepath.Join(l.Dir, name) }

// EditInventory rewrites the inventory text with edit.
func (l *Lab) EditInventory(t testing.TB, edit func(string) string) {
	t.Helper()
	b, err := os.ReadFile(l.Inv)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(l.Inv, []byte(edit(string(b))), 0o600); err != nil {
		t.Fatal(err)
	}
}

// SetDevice sets fields ("key: value", e.g. "timeout: 3s") of one device of
// the inventory: a key the entry has gets the new value, another is added.
func (l *Lab) SetDevice(t testing.TB, name string, fields ...string) {
	t.Helper()
	l.editBlock(t, "  - name: "+name+"\n", "    ", func(block string) string { return setFields(block, "    ", fields) })
}

// SetDefaults sets fields of the inventory's defaults, as SetDevice does.
func (l *Lab) SetDefaults(t testing.TB, fields ...string) {
	t.Helper()
	l.editBlock(t, "defaults:\n", "  ", func(block string) string { return setFields(block, "  ", fields) })
}

// UnsetDevice removes fields of one device of the inventory, by key (e.g.
// "jump_host"); a key the entry lacks is a test error.
func (l *Lab) UnsetDevice(t testing.TB, name string, keys ...string) {
	t.Helper()
	l.editBlock(t, "  - name: "+name+"\n", "    ", func(block string) string { return unsetFields(t, block, "    ", keys) })
}

// UnsetDefaults removes fields of the inventory's defaults, as
// UnsetDevice does.
func (l *Lab) UnsetDefaults(t testing.TB, keys ...string) {
	t.Helper()
	l.editBlock(t, "defaults:\n", "  ", func(block string) string { return unsetFields(t, block, "  ", keys) })
}

// editBlock rewrites the lines indented by indent that follow the line
// head of the inventory.
func (l *Lab) editBlock(t testing.TB, head, indent string, edit func(block string) string) {
	t.Helper()
	l.EditInventory(t, func(inv string) string {
		start := strings.Index(inv, head)
		if start < 0 {
			t.Fatalf("no %q in the inventory", strings.TrimSpace(head))
		}
		start += len(head)
		end := start
		for end < len(inv) && strings.HasPrefix(inv[end:], indent) {
			end += strings.IndexByte(inv[end:], '\n') + 1
		}
		return inv[:start] + edit(inv[start:end]) + inv[end:]
	})
}

// unsetFields removes the "key: value" lines of keys from block.
func unsetFields(t testing.TB, block, indent string, keys []string) string {
	t.Helper()
	lines := strings.SplitAfter(block, "\n")
	for _, key := range keys {
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, indent+key+":") })
		if i < 0 {
			t.Fatalf("no %s in the inventory block:\n%s", key, block)
		}
		lines = slices.Delete(lines, i, i+1)
	}
	return strings.Join(lines, "")
}

// setFields replaces or appends "key: value" lines in block, indented by
// indent.
func setFields(block, indent string, fields []string) string {
	lines := strings.SplitAfter(block, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for _, f := range fields {
		key, _, _ := strings.Cut(f, ":")
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, indent+key+":") })
		if i >= 0 {
			lines[i] = indent + f + "\n"
		} else {
			lines = append(lines, indent+f+"\n")
		}
	}
	return strings.Join(lines, "")
}

// Eventually waits until cond holds, looking again every few
// milliseconds; it fails the test after Guard. It asserts a state, never
// how long reaching it took.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(Guard)
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s after %v", what, Guard)
		}
		<-tick.C
	}
}

// Settle waits until every session any device of the lab has seen is over
// (after a run ends, or is killed, the lab may still be closing sessions)
// and returns each device's state.
func (l *Lab) Settle(t testing.TB) map[string]devsim.State {
	t.Helper()
	var st map[string]devsim.State
	Eventually(t, "every lab session to end", func() bool {
		st = map[string]devsim.State{}
		for _, d := range l.Devices() {
			s := d.State()
			st[s.Name] = s
			for _, ses := range s.Sessions {
				if !ses.Ended {
					return false
				}
			}
		}
		return true
	})
	return st
}

// Ended closes the lab, which waits for every session to end, and returns
// the device's final state: after it every SessionLog is complete.
func (l *Lab) Ended(name string) devsim.State {
	l.Close()
	return l.Device(name).State()
}

// CheckClean fails for a session that ended in config mode, with a pending
// buffer or in a half paste. A session whose TCP connection the drop fault
// cut under it cannot say goodbye: it is skipped, and the caller proves
// the device rolled nothing in.
func CheckClean(t testing.TB, st devsim.State) {
	t.Helper()
	for _, s := range st.Sessions {
		if !s.Ended {
			t.Errorf("%s: session %d never ended", st.Name, s.ID)
			continue
		}
		if s.Dropped {
			continue
		}
		if s.EndedInConfig || s.PendingBuffer || s.HalfPaste {
			t.Errorf("%s: session %d left the device dirty: mode %q, in config %v, pending buffer %v, half paste %v\nlines: %v",
				st.Name, s.ID, s.EndMode, s.EndedInConfig, s.PendingBuffer, s.HalfPaste, Tail(s.Lines, 12))
		}
	}
}

// Tail is the last n lines a session received, for failure messages.
func Tail(lines []devsim.Line, n int) []string {
	var out []string
	for _, l := range lines[max(0, len(lines)-n):] {
		out = append(out, l.Mode+"> "+l.Text)
	}
	return out
}
