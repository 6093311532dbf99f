package formats

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform/registry"
)

const testdata = "../../../testdata/inventory"

func TestDetect(t *testing.T) {
	for path, want := range map[string]string{
		"good/minimal.yaml":    inventory.KindTrustfix,
		"good/precedence.yaml": inventory.KindTrustfix,
		// A trustfix file with an error is still read as trustfix: its
		// parser's message is the precise one.
		"bad/malformed.yaml":          inventory.KindTrustfix,
		"bad/unknown-top-level.yaml":  inventory.KindTrustfix,
		"bad/empty-file.yaml":         inventory.KindTrustfix,
		"bad/device-not-mapping.yaml": inventory.KindTrustfix,

		"ansible/docs/intro-basic.ini":                 inventory.KindAnsibleINI,
		"ansible/docs/intro-basic.yml":                 inventory.KindAnsibleYAML,
		"ansible/docs/network-first-inventory.yml":     inventory.KindAnsibleYAML,
		"ansible/docs/yaml-plugin-example.yml":         inventory.KindAnsibleYAML,
		"ansible/repos/ansible-net-backups/hosts":      inventory.KindAnsibleINI,
		"ansible/repos/nots/hosts.yml":                 inventory.KindAnsibleYAML,
		"ansible/repos/nots/hosts.yml.list.json":       inventory.KindAnsibleYAML, // read as --list JSON by the front-end
		"ansible/precedence":                           inventory.KindAnsibleDir,
		"nornir/crafted":                               inventory.KindNornir,
		"nornir/crafted/hosts.yaml":                    inventory.KindNornir,
		"nornir/tutorial/config.yaml":                  inventory.KindNornir,
		"nornir/snmp-validation/config.yaml":           inventory.KindNornir,
		"nornir/snmp-validation/inventory/hosts.yaml":  inventory.KindNornir,
		"nornir/nornir-tests":                          inventory.KindNornir,
		"ansible/docs/network-best-practices.ini":      inventory.KindAnsibleINI,
		"ansible/docs/intro-what-where-when.yml":       inventory.KindAnsibleYAML,
		"ansible/docs/ini-plugin-example1.ini":         inventory.KindAnsibleINI,
		"ansible/docs/intro-host-port.ini":             inventory.KindAnsibleINI,
		"ansible/precedence/group_vars/../02-more.yml": inventory.KindAnsibleYAML,
	} {
		got, err := Detect(filepath.Join(testdata, path))
		if err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", path, got, err, want)
		}
	}
}

func TestReadKinds(t *testing.T) {
	for path, want := range map[string]string{
		"ansible/repos/nots/hosts.yml.list.json": inventory.KindAnsibleJSON,
		"ansible/precedence":                     inventory.KindAnsibleDir,
		"ansible/docs/intro-basic.ini":           inventory.KindAnsibleINI,
		"nornir/crafted":                         inventory.KindNornir,
		"good/minimal.yaml":                      inventory.KindTrustfix,
	} {
		src, err := Read(filepath.Join(testdata, path), nil, registry.MustDefault())
		if err != nil || src.Kind != want {
			t.Errorf("%s: %+v, %v; want %s", path, src, err, want)
		}
	}
}

func TestStdin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testdata, "ansible/precedence.list.json"))
	if err != nil {
		t.Fatal(err)
	}
	inv, src, err := Load(Stdin, strings.NewReader(string(data)), registry.MustDefault(), func(k string) (string, bool) { return "pw", true })
	if err != nil {
		t.Fatal(err)
	}
	if src.Kind != inventory.KindAnsibleJSON || inv.Path != "<stdin>" || len(inv.Devices) != 10 {
		t.Errorf("kind %s path %s, %d devices", src.Kind, inv.Path, len(inv.Devices))
	}
	// --list copies asa's trustfix_max_sessions onto fw-a and fw-b: which
	// group set it is lost, so it is reported, not applied.
	if len(inv.GroupLimits) != 0 || !strings.Contains(strings.Join(inv.Warnings, "\n"),
		"<stdin>:9: fw-a.trustfix_max_sessions: ignored: a group's limit, but --list JSON copies group variables onto every host; make the JSON with `ansible-inventory --list --export` to keep it (likewise on fw-b)") {
		t.Errorf("limits %v, warnings %q", inv.GroupLimits, inv.Warnings)
	}
	export, err := os.ReadFile(filepath.Join(testdata, "ansible/precedence.export.json"))
	if err != nil {
		t.Fatal(err)
	}
	inv, _, err = Load(Stdin, strings.NewReader(string(export)), registry.MustDefault(), func(k string) (string, bool) { return "pw", true })
	if err != nil || inv.GroupLimits["asa"] != 2 {
		t.Errorf("--export: limits %v, %v", inv, err)
	}
	_, _, err = Load(Stdin, strings.NewReader("{not json"), registry.MustDefault(), nil)
	if err == nil || !strings.HasPrefix(err.Error(), "<stdin>:") {
		t.Errorf("bad stdin: %v", err)
	}
}

func TestMissingPath(t *testing.T) {
	_, _, err := Load(filepath.Join(t.TempDir(), "nope.ini"), nil, registry.MustDefault(), nil)
	if err == nil || !strings.HasSuffix(err.Error(), "nope.ini: open: no such file or directory") {
		t.Errorf("got %v", err)
	}
}
