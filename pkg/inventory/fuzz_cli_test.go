package inventory_test

import (
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/session"
)

// recorder is a platform.Shell that answers nothing and records every
// command line a driver sends.
type recorder struct{ lines []string }

func (r *recorder) Show(cmd string) (string, error) { return r.Send(cmd) }
func (r *recorder) Send(cmd string) (string, error) {
	r.lines = append(r.lines, cmd)
	return "", nil
}
func (r *recorder) SendExpect(cmd string, _ ...*regexp.Regexp) (string, error) { return r.Send(cmd) }
func (r *recorder) Write(string) error                                         { return nil }
func (r *recorder) ReadUntil(...*regexp.Regexp) (string, error)                { return "", nil }
func (r *recorder) Prompt() string                                             { return "host#" }

// unsafe are the characters no command line we build may hold: a second
// command, a pipe, a comment, IOS's help key, a quote, or shell syntax
// (IOS XR's `run` is a root shell).
const unsafe = ";|&$`'\"\\<>()!?#*{}\t"

// FuzzCLIFields feeds arbitrary bundle_file and bundle_url values through
// the inventory and, when they are accepted, through every platform's
// detection and import sequences: no command line may hold a control
// character (a newline is a second command), a shell or CLI
// metacharacter, a parent directory or an option where a path goes, and
// every detection line must be one a read-only session allows.
func FuzzCLIFields(f *testing.F) {
	for _, s := range [][2]string{
		{"flash:ios_core.p7b", inventory.DefaultBundleURL},
		{"harddisk:/ios.p7b", "https://www.cisco.com/security/pki/trs/ios_core.p7b"},
		{"flash\nwrite\nflash:ios_core.p7b", "http://x/a\nwrite"},
		{"harddisk:/$(reboot);x", "http://x/a|b?c"},
		{"harddisk:/../../-rf", "ftp://u:p@h/../x"},
	} {
		f.Add(s[0], s[1])
	}
	ca := cert.Default()
	reg := registry.Default()
	env := func(string) (string, bool) { return "pw", true }
	f.Fuzz(func(t *testing.T, file, url string) {
		dev := map[string]any{"name": "r1", "host": "192.0.2.1", "username": "u", "password_env": "P", "bundle_file": file, "bundle_url": url}
		doc, err := yaml.Marshal(map[string]any{"devices": []any{dev}})
		if err != nil {
			t.Skip("not representable in YAML")
		}
		inv, err := inventory.Parse("inv.yaml", doc, env)
		if err != nil {
			return
		}
		d := inv.Devices[0]
		for _, id := range []string{"iosxe", "iosxr", "asa", "fxos"} {
			drv, err := reg.Get(id)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range drv.Methods() {
				prefs := platform.Prefs{Method: m, BundleFile: d.BundleFile, BundleURL: d.BundleURL}
				detect := &recorder{}
				_, _ = drv.Detect(detect, ca, prefs)
				for _, l := range detect.lines {
					if !session.ReadOnlyAllowed(id, l) {
						t.Errorf("%s detect sends %q: not allowed read-only", id, l)
					}
				}
				apply := &recorder{}
				_, _ = drv.Apply(apply, m, ca, prefs)
				if rc, ok := drv.(platform.Recoverer); ok {
					_, _ = rc.Recover(apply, m, ca, prefs)
				}
				for _, l := range append(detect.lines, apply.lines...) {
					checkLine(t, id, l)
				}
			}
		}
	})
}

func checkLine(t *testing.T, id, l string) {
	t.Helper()
	if strings.IndexFunc(l, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }) >= 0 {
		t.Fatalf("%s: %q holds a control character", id, l)
	}
	if strings.ContainsAny(l, unsafe) {
		t.Fatalf("%s: %q holds a metacharacter", id, l)
	}
	words := strings.Fields(l)
	if len(words) == 0 {
		return // a bare return: answers a question
	}
	for _, w := range words[1:] {
		if strings.HasPrefix(w, "-") || strings.Contains("/"+w+"/", "/../") {
			t.Fatalf("%s: %q: argument %q is an option or climbs a directory", id, l, w)
		}
	}
}
