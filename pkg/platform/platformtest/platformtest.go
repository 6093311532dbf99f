// Package platformtest holds what the platform drivers' tests share: reading
// fixtures and captures, the table check of a trust-store parser, the
// parser fuzz invariants, and a session to one device of the lab. It is for
// tests only; no product code imports it.
package platformtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/detect"
)

// CapturesDir is testdata/captures seen from a driver package's directory
// (pkg/platform/<id>), where its tests run.
const CapturesDir = "../../../testdata/captures"

// Parser is a platform's trust-store parser.
type Parser func(out string) ([]detect.Cert, error)

// Read returns the content of the file at path, or fails t.
func Read(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Capture returns the output of command in the device capture folder dir
// (the file named after the command, spaces as underscores), cleaned with
// detect.CleanCapture the way `plan --captures` reads it.
func Capture(t testing.TB, dir, command string) string {
	t.Helper()
	return detect.CleanCapture(Read(t, filepath.Join(dir, strings.ReplaceAll(command, " ", "_")+".txt")), command)
}

// Want is what a fixture holds.
type Want struct {
	N        int    // certificates listed
	Present  bool   // detect.Evaluate finds IdenTrust Commercial Root CA 1
	QuoVadis bool   // and QuoVadis Root CA 2
	Store    string // the store of the IdenTrust entry, when present
}

// Fixtures parses each file of dir named in want and checks the number of
// certificates, the verdict of detect.Evaluate and the IdenTrust entry's
// store; complete, when not nil, must hold for every certificate. It
// returns the certificates of each file that parsed, for further checks.
func Fixtures(t *testing.T, dir string, parse Parser, want map[string]Want, complete func(detect.Cert) bool) map[string][]detect.Cert {
	t.Helper()
	got := map[string][]detect.Cert{}
	for file, w := range want {
		certs, err := parse(Read(t, filepath.Join(dir, file)))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		got[file] = certs
		tr := detect.Evaluate(certs, nil)
		if len(certs) != w.N || tr.CAPresent != w.Present || tr.QuoVadisPresent != w.QuoVadis {
			t.Errorf("%s: %d certs, present=%v quovadis=%v; want %d %v %v", file, len(certs), tr.CAPresent, tr.QuoVadisPresent, w.N, w.Present, w.QuoVadis)
		}
		if tr.CA != nil && tr.CA.Store != w.Store {
			t.Errorf("%s: store %q, want %q", file, tr.CA.Store, w.Store)
		}
		for i, c := range certs {
			if complete != nil && !complete(c) {
				t.Errorf("%s: cert %d incomplete: %+v", file, i, c)
			}
		}
	}
	return got
}

// Captures reads every device of CapturesDir whose show version is
// platform, parses the output of command with parse, and checks that the
// IdenTrust CA is present exactly where want (device → present) says and
// that want names every such device. It returns the verdict of each device
// whose output parsed, for further checks.
func Captures(t *testing.T, platform, command string, parse Parser, want map[string]bool) map[string]detect.Trust {
	t.Helper()
	got := map[string]detect.Trust{}
	versions, _ := filepath.Glob(filepath.Join(CapturesDir, "*", "show_version.txt"))
	seen := 0
	for _, v := range versions {
		dir := filepath.Dir(v)
		f, err := detect.ParseVersion(Read(t, v))
		if err != nil || f.Platform != platform {
			continue
		}
		seen++
		certs, err := parse(Capture(t, dir, command))
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		tr := detect.Evaluate(certs, nil)
		got[filepath.Base(dir)] = tr
		if tr.CAPresent != want[filepath.Base(dir)] {
			t.Errorf("%s: present=%v: %+v", dir, tr.CAPresent, tr)
		}
	}
	if seen != len(want) {
		t.Errorf("%d %s captures, want %d", seen, platform, len(want))
	}
	return got
}

// SeedFuzz adds every fixture of dir (*.txt) to the corpus of f.
func SeedFuzz(f *testing.F, dir string) {
	f.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	for _, p := range files {
		f.Add(Read(f, p))
	}
}

// CheckCerts is the invariant of whatever a parser accepts: every
// certificate has a serial or a SHA-1, a SHA-1 has 40 digits, complete
// (when not nil) holds, and detect.Evaluate does not panic on the lot.
func CheckCerts(t testing.TB, certs []detect.Cert, complete func(detect.Cert) bool) {
	t.Helper()
	for _, c := range certs {
		if c.Serial == "" && c.SHA1 == "" {
			t.Fatalf("cert without serial or SHA-1: %+v", c)
		}
		if c.SHA1 != "" && len(c.SHA1) != 40 {
			t.Fatalf("bad SHA-1 %q", c.SHA1)
		}
		if complete != nil && !complete(c) {
			t.Fatalf("incomplete cert: %+v", c)
		}
	}
	detect.Evaluate(certs, nil)
}
