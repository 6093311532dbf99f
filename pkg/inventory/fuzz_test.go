package inventory

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse (seeded with every fixture and
// the example): it must not panic, an error must be one line starting with
// the file name, and a success must hold only valid devices.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/inventory/*/*.yaml")
	seeds = append(seeds, "../../inventory.example.yaml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	const envValue = "Fuzz-S3cret"
	env := func(k string) (string, bool) {
		switch {
		case strings.HasPrefix(k, "UNSET"), k == "HOME", k == "USER", k == "SSH_AUTH_SOCK":
			return "", false // not passwords: no ssh_config, no agent
		}
		return envValue, true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse("inv.yaml", data, testPlatforms, env)
		if err != nil {
			checkOneLine(t, err, "inv.yaml")
			if strings.Contains(err.Error(), envValue) && !strings.Contains(string(data), envValue) {
				t.Fatalf("error shows a password: %s", err)
			}
			return
		}
		if len(inv.Devices) == 0 {
			t.Fatal("no error and no devices")
		}
		names := map[string]bool{}
		for _, d := range inv.Devices {
			switch {
			case d.Name == "" || names[d.Name]:
				t.Fatalf("bad or duplicate name %q", d.Name)
			case d.Host == "" || d.Username == "" || d.Password.IsZero() && !d.SSH.CanUseKeys():
				t.Fatalf("device %q: host %q username %q password set %v", d.Name, d.Host, d.Username, !d.Password.IsZero())
			case d.Port < 1 || d.Port > 65535 || d.Timeout <= 0 || d.Retries < 0:
				t.Fatalf("device %q: port %d timeout %v retries %d", d.Name, d.Port, d.Timeout, d.Retries)
			case !slices.Contains(append(testPlatforms.IDs(), DefaultPlatform), d.Platform) || !slices.Contains(ImportMethods, d.ImportMethod) ||
				!slices.Contains(HostKeyPolicies, d.HostKeyPolicy):
				t.Fatalf("device %q: platform %q method %q policy %q", d.Name, d.Platform, d.ImportMethod, d.HostKeyPolicy)
			case d.ImportMethod == "file" && d.BundleFile == "":
				t.Fatalf("device %q: file import without bundle_file", d.Name)
			}
			names[d.Name] = true
		}
		for _, w := range inv.Warnings {
			if strings.ContainsAny(w, "\r\n") || !strings.HasPrefix(w, "inv.yaml:") {
				t.Fatalf("bad warning %q", w)
			}
		}
	})
}
