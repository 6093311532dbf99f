package cli_test

// End-to-end tests of issue 9 (hostile devices and inputs) through real
// SSH against devsim's hostile mode: what a device prints never reaches a
// record, the journal, a log, an output or a transcript unredacted or
// unescaped; bad --ca-file, journal and -c values are refused before any
// device is touched.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/record"
)

// hostileFleet is one device per platform, each with the same hostile
// behaviour at its trust-store listing (FXOS lists under scope security).
func hostileFleet(kind string) []flDev {
	at := map[string]string{"xe": "show crypto", "xr": "show crypto", "asa": "show crypto", "fxos": "show trustpoint"}
	var devs []flDev
	for _, k := range []string{"xe", "xr", "asa", "fxos"} {
		devs = append(devs, flDev{name: "hostile-" + k, template: k, faults: fmt.Sprintf("hostile: {%s: %q}", kind, at[k])})
	}
	return devs
}

// outputs runs every output of trustfix over the fleet: plan in each
// format, apply with a journal, report in each format, and fix on one
// device; it returns every text a user could see or a file could hold.
func outputs(t *testing.T, l *flLab) map[string]string {
	t.Helper()
	got := map[string]string{}
	keep := func(name string, r devsimtest.Result) {
		got[name+" stdout"], got[name+" stderr"] = r.Stdout, r.Stderr
		if r.Code != cli.ExitDevices {
			t.Errorf("%s: exit %d, want %d (every device fails)\n%s", name, r.Code, cli.ExitDevices, r.Stderr)
		}
	}
	for _, o := range []string{"table", "json", "csv"} {
		keep("plan -o "+o, devsimtest.Run(t, cli.Env{}, "plan", "-i", l.Inv, "-o", o))
	}
	keep("apply", devsimtest.Run(t, cli.Env{}, "apply", "-i", l.Inv, "--journal", l.journal, "--yes"))
	for _, o := range []string{"table", "json", "csv"} {
		keep("report -o "+o, devsimtest.Run(t, cli.Env{}, "report", l.journal, "-o", o))
	}
	got["journal"] = string(mustRead(t, l.journal))
	transcripts, _ := filepath.Glob(filepath.Join(l.journal+".d", "*", "*.log"))
	if len(transcripts) != len(l.names) {
		t.Errorf("%d transcripts, want %d", len(transcripts), len(l.names))
	}
	for _, p := range transcripts {
		got["transcript "+filepath.Base(p)] = string(mustRead(t, p))
	}
	xe := l.Device("hostile-xe")
	port := xe.Addr()[strings.LastIndex(xe.Addr(), ":")+1:]
	keep("fix", devsimtest.Run(t, cli.Env{}, "fix", "127.0.0.1", "--port", port, "--platform", "iosxe", "--username", devsimtest.Username, "--yes",
		"--known-hosts", filepath.Join(l.Dir, "known_hosts"), "--transcripts", filepath.Join(l.Dir, "fix-transcripts")))
	return got
}

// A device that prints the login password in an error line: the journal,
// stderr (zap lines), every output and the transcripts hold it masked.
func TestDevicePrintsPassword(t *testing.T) {
	t.Parallel()
	l := startFlLab(t, hostileFleet("leak_at"), "", flLabOptions{})
	for what, text := range outputs(t, l) {
		if strings.Contains(text, devsimtest.Password) {
			t.Errorf("%s holds the login password", what)
		}
	}
	for _, r := range readJournal(t, l.journal) {
		if r.Outcome == record.Failed && !strings.Contains(r.Error, "password ********") {
			t.Errorf("%s: error %q: want the device's line with the password masked", r.Name, r.Error)
		}
	}
}

// A device whose error line is full of escape sequences (a title, a
// clear screen, an OSC 52 clipboard write hidden from a one-pass strip, a
// C1 CSI): no output, log, journal line or transcript holds an escape, a
// control character, or a JSON-escaped one that jq would decode.
func TestDevicePrintsEscapes(t *testing.T) {
	t.Parallel()
	l := startFlLab(t, hostileFleet("escapes_at"), "", flLabOptions{})
	for what, text := range outputs(t, l) {
		for i, r := range text {
			if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
				t.Errorf("%s: control %U at byte %d: %q", what, r, i, text[max(0, i-40):min(len(text), i+40)])
				break
			}
		}
		for _, esc := range []string{`\u001b`, `\u0007`, `\u009b`, `\u009d`, `\x1b`} {
			if strings.Contains(text, esc) {
				t.Errorf("%s holds %s", what, esc)
			}
		}
		if strings.Contains(text, "\uFFFD2J") || strings.Contains(text, "]0;pwned") {
			t.Errorf("%s: a sequence was cut, not removed", what)
		}
	}
	for _, r := range readJournal(t, l.journal) {
		if r.Outcome == record.Failed && !strings.Contains(r.Error, "(end)") {
			t.Errorf("%s: error %q: want the device's line, escaped", r.Name, r.Error)
		}
	}
}

// intermediatePEM is a file holding a CA certificate issued by another
// CA: not a root.
func intermediatePEM(t *testing.T) string {
	t.Helper()
	ica := issue(t, "Test Issuing CA", true, issue(t, "Test Root", true, nil))
	p := filepath.Join(t.TempDir(), "ica.pem")
	if err := os.WriteFile(p, []byte(ica.pem), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Bad input is refused before any device is contacted: a --ca-file that is
// not a root, a journal path that is a symbolic link (its target left
// alone), a host argument that is not a host.
func TestRefusedBeforeAnyDevice(t *testing.T) {
	t.Parallel()
	l := startFlLab(t, flMix("dev", 2), "", flLabOptions{})
	victim := filepath.Join(l.Dir, "victim.txt")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(l.Dir, "link.jsonl")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-i", l.Inv, "--ca-file", intermediatePEM(t)}, "not a self-signed root CA"},
		{[]string{"apply", "-i", l.Inv, "--yes", "--journal", link}, "symbolic link"},
		{[]string{"apply", "-i", l.Inv, "--yes", "--journal", filepath.Join(l.Dir, "j.jsonl"), "--ca-file", intermediatePEM(t)}, "not a self-signed root CA"},
		{[]string{"fix", "../../etc/x", "--yes"}, "invalid host"},
		{[]string{"fix", "10.0.0.1", "--yes", "--bundle-file", "harddisk:/ios.p7b;reload", "--method", "file"}, "--bundle-file"},
		{[]string{"fix", "10.0.0.1", "--yes", "--bundle-url", "http://x/a?b"}, "--bundle-url"},
	} {
		r := devsimtest.Run(t, cli.Env{}, tc.args...)
		if r.Code != cli.ExitInput || !strings.Contains(r.Stderr, tc.want) || strings.Count(strings.TrimSpace(r.Stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and one line with %q", tc.args, r.Code, r.Stderr, tc.want)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Errorf("the symbolic link's target was written: %q", b)
	}
	for n, st := range l.states() {
		if st.Connections != 0 {
			t.Errorf("%s was contacted %d times", n, st.Connections)
		}
	}
}

// fix --host-key-policy insecure warns, as the inventory does.
func TestFixInsecureWarns(t *testing.T) {
	t.Parallel()
	l := startFlLab(t, []flDev{{name: "ok-1", template: "xe-ok"}}, "", flLabOptions{})
	d := l.Device("ok-1")
	port := d.Addr()[strings.LastIndex(d.Addr(), ":")+1:]
	r := devsimtest.Run(t, cli.Env{}, "fix", "127.0.0.1", "--port", port, "--username", devsimtest.Username, "--yes", "--host-key-policy", "insecure",
		"--transcripts", filepath.Join(l.Dir, "tr"))
	if r.Code != cli.ExitOK || !strings.Contains(r.Stderr, "warning: --host-key-policy insecure: host keys are not checked") {
		t.Errorf("exit %d, stderr %q: want a warning", r.Code, r.Stderr)
	}
}

// Names that reach a file name are sanitised even where no inventory
// checked them: a fix's host with IPv6 colons still lands in one file
// inside the transcript folder.
func TestFixTranscriptStaysInItsFolder(t *testing.T) {
	t.Parallel()
	l := startFlLab(t, []flDev{{name: "ok-1", template: "xe-ok"}}, "", flLabOptions{})
	d := l.Device("ok-1")
	port := d.Addr()[strings.LastIndex(d.Addr(), ":")+1:]
	dir := filepath.Join(l.Dir, "tr")
	r := devsimtest.Run(t, cli.Env{}, "fix", "netops@127.0.0.1:"+port, "--yes", "--known-hosts", filepath.Join(l.Dir, "kh"), "--transcripts", dir)
	if r.Code != cli.ExitOK {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.log"))
	if len(files) != 1 || !strings.HasPrefix(filepath.Base(files[0]), "127.0.0.1") {
		t.Fatalf("transcripts %v", files)
	}
}
