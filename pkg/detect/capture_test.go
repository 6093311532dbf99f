package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const capturesDir = "../../testdata/captures"

// captureFiles are the command files a capture directory may hold: the
// command with spaces as underscores.
var captureFiles = map[string]bool{
	"show version": true, "show crypto pki trustpool": true, "show crypto ca trustpool": true,
	"show crypto ca certificates": true, "show running-config crypto ca certificate": true,
	"show mode": true, "show running-config fips": true, "show trustpoint": true,
}

// TestCapturesVersion checks each device of testdata/captures against the
// platform and support its README states; the platform packages check the
// trust stores.
func TestCapturesVersion(t *testing.T) {
	want := map[string]struct {
		platform  string
		supported bool
	}{
		"c9300-campus-01":   {IOSXE, true},
		"ie3400-dock-01":    {IOSXE, true},
		"ncs5500-core-01":   {IOSXR, true},
		"asa-edge-1":        {ASA, true},
		"asav-dc-2":         {ASA, true},
		"fpr4k-asa-ctx":     {ASA, false},
		"fpr4120-chassis-a": {FXOS, true},
		"fp9300-chassis-b":  {FXOS, true},
		"closet-2960-04":    {IOS, false},
		"ftdv-branch-9":     {FTD, false},
	}
	dirs, err := filepath.Glob(filepath.Join(capturesDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, dir := range dirs {
		name := filepath.Base(dir)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		seen++
		w, ok := want[name]
		if !ok {
			t.Errorf("%s: capture without an expected result", name)
			continue
		}
		f, err := ParseVersion(readCapture(t, dir, "show version"))
		if err != nil || f.Platform != w.platform || f.Supported != w.supported {
			t.Errorf("%s: %+v %v, want %s supported=%v", name, f, err, w.platform, w.supported)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, p := range files {
			cmd := strings.ReplaceAll(strings.TrimSuffix(filepath.Base(p), ".txt"), "_", " ")
			if !captureFiles[cmd] || filepath.Ext(p) != ".txt" {
				t.Errorf("%s: unexpected file %s", name, filepath.Base(p))
				continue
			}
			// Whatever the capture holds around it, cleaning leaves no echo or prompt.
			out := CleanCapture(readCapture(t, dir, cmd), cmd)
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			if strings.Contains(lines[0], cmd) || promptRE.MatchString(strings.TrimSpace(lines[len(lines)-1])) {
				t.Errorf("%s: %s not clean: first %q last %q", name, cmd, lines[0], lines[len(lines)-1])
			}
		}
	}
	if seen != len(want) {
		t.Errorf("%d capture directories, want %d", seen, len(want))
	}
}

func readCapture(t *testing.T, dir, cmd string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, strings.ReplaceAll(cmd, " ", "_")+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
