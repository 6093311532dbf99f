package cli_test

// End-to-end tests of issue 9 (hostile devices and inputs) through real
// SSH against devsim's hostile mode: what a device prints never reaches a
// record, the journal, a log, an output or a transcript unredacted or
// unescaped; bad --ca-file, journal and -c values are refused before any
// device is touched.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
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
	keep := func(name string, r result) {
		got[name+" stdout"], got[name+" stderr"] = r.stdout, r.stderr
		if r.code != cli.ExitDevices {
			t.Errorf("%s: exit %d, want %d (every device fails)\n%s", name, r.code, cli.ExitDevices, r.stderr)
		}
	}
	for _, o := range []string{"table", "json", "csv"} {
		keep("plan -o "+o, runCLI(t, cli.Env{}, "plan", "-i", l.inv, "-o", o))
	}
	keep("apply", runCLI(t, cli.Env{}, "apply", "-i", l.inv, "--journal", l.journal, "--yes"))
	for _, o := range []string{"table", "json", "csv"} {
		keep("report -o "+o, runCLI(t, cli.Env{}, "report", l.journal, "-o", o))
	}
	got["journal"] = string(flRead(t, l.journal))
	transcripts, _ := filepath.Glob(filepath.Join(l.journal+".d", "*", "*.log"))
	if len(transcripts) != len(l.names) {
		t.Errorf("%d transcripts, want %d", len(transcripts), len(l.names))
	}
	for _, p := range transcripts {
		got["transcript "+filepath.Base(p)] = string(flRead(t, p))
	}
	xe := l.Device("hostile-xe")
	port := xe.Addr()[strings.LastIndex(xe.Addr(), ":")+1:]
	keep("fix", runCLI(t, cli.Env{}, "fix", "127.0.0.1", "--port", port, "--platform", "iosxe", "--username", "netops", "--yes",
		"--known-hosts", filepath.Join(l.dir, "known_hosts"), "--transcripts", filepath.Join(l.dir, "fix-transcripts")))
	return got
}

// A device that prints the login password in an error line: the journal,
// stderr (zap lines), every output and the transcripts hold it masked.
func TestDevicePrintsPassword(t *testing.T) {
	t.Parallel()
	l := startFlLab(t, hostileFleet("leak_at"), "", flLabOptions{})
	for what, text := range outputs(t, l) {
		if strings.Contains(text, labPassword) {
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

// intermediatePEM is a CA certificate issued by another CA: not a root.
func intermediatePEM(t *testing.T) string {
	t.Helper()
	now := time.Now()
	rootKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	root := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Root"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign}
	rootDER, err := x509.CreateCertificate(rand.Reader, root, root, &rootKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	rootCert, _ := x509.ParseCertificate(rootDER)
	icaKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ica := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Test Issuing CA"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, ica, rootCert, &icaKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ica.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
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
	victim := filepath.Join(l.dir, "victim.txt")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(l.dir, "link.jsonl")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-i", l.inv, "--ca-file", intermediatePEM(t)}, "not a self-signed root CA"},
		{[]string{"apply", "-i", l.inv, "--yes", "--journal", link}, "symbolic link"},
		{[]string{"apply", "-i", l.inv, "--yes", "--journal", filepath.Join(l.dir, "j.jsonl"), "--ca-file", intermediatePEM(t)}, "not a self-signed root CA"},
		{[]string{"fix", "../../etc/x", "--yes"}, "invalid host"},
		{[]string{"fix", "10.0.0.1", "--yes", "--bundle-file", "harddisk:/ios.p7b;reload", "--method", "file"}, "--bundle-file"},
		{[]string{"fix", "10.0.0.1", "--yes", "--bundle-url", "http://x/a?b"}, "--bundle-url"},
	} {
		r := runCLI(t, cli.Env{}, tc.args...)
		if r.code != cli.ExitInput || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and one line with %q", tc.args, r.code, r.stderr, tc.want)
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
	r := runCLI(t, cli.Env{}, "fix", "127.0.0.1", "--port", port, "--username", "netops", "--yes", "--host-key-policy", "insecure",
		"--transcripts", filepath.Join(l.dir, "tr"))
	if r.code != cli.ExitOK || !strings.Contains(r.stderr, "warning: --host-key-policy insecure: host keys are not checked") {
		t.Errorf("exit %d, stderr %q: want a warning", r.code, r.stderr)
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
	dir := filepath.Join(l.dir, "tr")
	r := runCLI(t, cli.Env{}, "fix", "netops@127.0.0.1:"+port, "--yes", "--known-hosts", filepath.Join(l.dir, "kh"), "--transcripts", dir)
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.log"))
	if len(files) != 1 || !strings.HasPrefix(filepath.Base(files[0]), "127.0.0.1") {
		t.Fatalf("transcripts %v", files)
	}
}
