package platform_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/asa"
	"github.com/trustfix/trustfix/pkg/platform/fxos"
	"github.com/trustfix/trustfix/pkg/platform/iosxe"
	"github.com/trustfix/trustfix/pkg/platform/iosxr"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
)

// pagerResidue is what an IOS pager leaves in front of the line after a
// page break once " --More-- " is cut out without its spaces (a device
// whose AAA refuses `terminal length 0` breaks pages anywhere).
const pagerResidue = "  "

type listing struct {
	file  string // under testdata
	cmd   string // the command, for CleanCapture ("" for parser fixtures)
	parse func(string) ([]detect.Cert, error)
}

func listings(t *testing.T) []listing {
	t.Helper()
	var out []listing
	add := func(glob string, parse func(string) ([]detect.Cert, error)) {
		files, _ := filepath.Glob(filepath.Join("../../testdata", glob))
		if len(files) == 0 {
			t.Fatalf("no fixtures %s", glob)
		}
		for _, f := range files {
			out = append(out, listing{file: f, parse: parse})
		}
	}
	add("parsers/trust/iosxe/*.txt", iosxe.ParseTrustpool)
	add("parsers/trust/iosxr/trustpool_*.txt", iosxr.ParseTrustpool)
	add("parsers/trust/asa/*.txt", asa.ParseCertificates)
	add("parsers/trust/fxos/trustpoint_[ap]*.txt", fxos.ParseTrustpoints)
	for _, c := range []struct {
		glob, cmd string
		parse     func(string) ([]detect.Cert, error)
	}{
		{"captures/*/show_crypto_pki_trustpool.txt", "show crypto pki trustpool", iosxe.ParseTrustpool},
		{"captures/ncs*/show_crypto_ca_trustpool.txt", "show crypto ca trustpool", iosxr.ParseTrustpool},
		{"captures/as*/show_crypto_ca_certificates.txt", "show crypto ca certificates", asa.ParseCertificates},
		{"captures/as*/show_running-config_crypto_ca_certificate.txt", "show running-config crypto ca certificate", asa.ParseRunningCertificates},
		{"captures/fp*/show_trustpoint.txt", "show trustpoint", fxos.ParseTrustpoints},
	} {
		n := len(out)
		add(c.glob, c.parse)
		for i := n; i < len(out); i++ {
			out[i].cmd = c.cmd
		}
	}
	return out
}

// excerptLines bounds the listing each case works on: a residue at each
// line reparses the whole text (quadratic, and slow under -race), and the
// parsers keep no state across certificate blocks, so the first blocks of
// a long listing show everything its later blocks would.
const excerptLines = 40

// excerpt cuts a long listing at the last blank line (a block boundary)
// before excerptLines; a listing without one (ASA running-config) stays
// whole, and only its first excerptLines lines get the residue.
func excerpt(text string) string {
	lines := strings.Split(text, "\n")
	if len(lines) <= excerptLines {
		return text
	}
	cut := excerptLines
	for cut > 1 && strings.TrimSpace(lines[cut-1]) != "" {
		cut--
	}
	if cut <= 1 {
		return text
	}
	return strings.Join(lines[:cut], "\n")
}

// TestListingsPagerResidue: a page break before any line of a trust-store
// listing changes nothing the parsers return: same certificates, same
// subjects, same stores, so the same verdict.
func TestListingsPagerResidue(t *testing.T) {
	for _, l := range listings(t) {
		b, err := os.ReadFile(l.file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if l.cmd != "" {
			text = detect.CleanCapture(text, l.cmd)
		}
		text = excerpt(text)
		want, werr := l.parse(text)
		if werr != nil {
			t.Errorf("%s: %v", l.file, werr)
			continue
		}
		lines := strings.Split(text, "\n")
		for i := range min(len(lines), excerptLines) {
			mod := append([]string(nil), lines...)
			mod[i] = pagerResidue + mod[i]
			got, err := l.parse(strings.Join(mod, "\n"))
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: residue before line %d %q: %v\n got  %+v\n want %+v", l.file, i+1, lines[i], err, got, want)
			}
		}
	}
}

// TestVersionBlockers: the IOS XE Spec reads SD-WAN controller mode from
// show version, whatever page break comes before any line, and from no
// other fixture; the blocker comes before the driver's, and a device that
// holds the CA is still read as such (plan.Decide makes it compliant).
func TestVersionBlockers(t *testing.T) {
	spec, err := registry.MustDefault().Lookup("iosxe")
	if err != nil {
		t.Fatal(err)
	}
	const controller = "iosxe_c8300_sdwan_17.03.04a.txt"
	want := []platform.Blocker{{Verdict: record.Unsupported, Reason: "SD-WAN controller mode: the trustpoint workaround is manual (FN72323)"}}
	files, _ := filepath.Glob("../../testdata/parsers/version/*.txt")
	if len(files) < 10 {
		t.Fatalf("%d fixtures", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got := spec.VersionBlockers(string(b))
		if filepath.Base(f) != controller {
			if len(got) != 0 {
				t.Errorf("%s: %+v, want no blocker", filepath.Base(f), got)
			}
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, want %+v", controller, got, want)
		}
		text := detect.CleanCapture(string(b), "show version")
		for i := range strings.Count(text, "\n") {
			lines := strings.Split(text, "\n")
			lines[i] = pagerResidue + lines[i]
			if got := spec.VersionBlockers(strings.Join(lines, "\n")); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: residue before line %d: %+v", controller, i+1, got)
			}
		}
		// Through the Spec: the version's blocker first, the driver's
		// state read all the same.
		for present, listing := range map[bool]string{false: "trustpool_absent.txt", true: "trustpool_builtin_present.txt"} {
			pool := readFile(t, "../../testdata/parsers/trust/iosxe/"+listing)
			st, err := spec.ReadState(shows{"show crypto pki trustpool": pool}, string(b), cert.Default(), platform.Prefs{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(st.Blockers, want) || st.Trust.CAPresent != present {
				t.Errorf("ReadState (CA listed %v): blockers %+v, CA present %v", present, st.Blockers, st.Trust.CAPresent)
			}
		}
	}
}

// shows answers show commands from a map.
type shows map[string]string

func (s shows) Show(cmd string) (string, error) { return s[cmd], nil }

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
