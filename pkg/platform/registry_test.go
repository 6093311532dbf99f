package platform_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
)

// nop is a driver that does nothing, for registrations.
type nop struct{}

func (nop) Detect(platform.Reader, *cert.CA, platform.Prefs) (platform.State, error) {
	return platform.State{}, nil
}
func (nop) Apply(platform.Shell, record.Method, *cert.CA, platform.Prefs) (platform.Result, error) {
	return platform.Result{}, nil
}
func (nop) Save(platform.Shell) error { return nil }

func cli(id string) platform.Spec {
	return platform.Spec{
		ID: id, Detect: platform.Detection{Family: id},
		Session: platform.Session{Definition: []byte("platform-type: x"), Paging: "terminal length 0"},
		Methods: []platform.Method{{Name: record.MethodTerminal, Persistent: true}},
		Auto:    []record.Method{record.MethodTerminal}, Driver: nop{},
	}
}

// TestDefaultRegistry: every platform of the SPEC, in the order the
// operator reads them, and a lookup by alias finds the id.
func TestDefaultRegistry(t *testing.T) {
	r, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.IDs(), "|"); got != "iosxe|iosxr|asa|fxos|cer|esa|wsa" {
		t.Errorf("ids %s", got)
	}
	if got := strings.Join(r.CLINames(), "|"); got != "iosxe|ios-xe|iosxr|ios-xr|asa|fxos" {
		t.Errorf("CLI names %s", got)
	}
	for alias, id := range map[string]string{"ios-xe": "iosxe", "ios-xr": "iosxr", "asa": "asa"} {
		if got, ok := r.Canonical(alias); !ok || got != id {
			t.Errorf("Canonical(%q) = %q, %v; want %q", alias, got, ok, id)
		}
	}
	for _, s := range r.Specs() {
		if s.CLI() != (len(s.Methods) > 0) || s.CLI() != (len(s.Session.Definition) > 0) {
			t.Errorf("%s: a driver goes with methods and a session profile, an appliance has none", s.ID)
		}
		if got, ok := r.Detected(s.Detect.Family); !ok || got.ID != s.ID {
			t.Errorf("%s: platform auto does not find it by its family %q", s.ID, s.Detect.Family)
		}
		if _, err := detect.ParseVersionAs(s.Detect.Family, ""); errors.Is(err, detect.ErrUnknownPlatform) {
			t.Errorf("%s: detect has no show version family %q", s.ID, s.Detect.Family)
		}
	}
}

// TestToolNames: the names Ansible and Nornir inventories give the
// supported platforms, as their Specs declare them; a name that covers
// classic IOS too reads as auto, and a name no Spec declares is unknown.
func TestToolNames(t *testing.T) {
	r := registry.MustDefault()
	for _, tc := range []struct {
		lookup func(string) (string, bool)
		want   map[string]string // "" = unknown
	}{
		{r.AnsiblePlatform, map[string]string{
			"cisco.ios.ios": "auto", "ios": "auto", "cisco.iosxr.iosxr": "iosxr", "iosxr": "iosxr", "cisco.asa.asa": "asa", "asa": "asa",
			"iosxe": "", "cisco.nxos.nxos": "", "fxos": "", "": "",
		}},
		{r.NornirPlatform, map[string]string{
			"ios": "auto", "cisco_ios": "auto", "iosxe": "iosxe", "cisco_xe": "iosxe", "cisco_iosxe": "iosxe",
			"iosxr": "iosxr", "cisco_xr": "iosxr", "cisco_iosxr": "iosxr", "iosxr_netconf": "iosxr", "asa": "asa", "cisco_asa": "asa",
			"cisco.ios.ios": "", "cisco_nxos": "", "fxos": "", "cisco_ftd": "",
		}},
	} {
		for name, want := range tc.want {
			if got, ok := tc.lookup(name); got != want || ok != (want != "") {
				t.Errorf("%q: %q %v, want %q", name, got, ok, want)
			}
		}
	}
}

// TestRegistryRefuses: an unknown name, a second registration of an id or
// alias, "auto", and a Spec whose data does not hold together are errors;
// the name errors list the valid ids.
func TestRegistryRefuses(t *testing.T) {
	r := platform.NewRegistry()
	if err := r.Register(cli("one")); err != nil {
		t.Fatal(err)
	}
	two := cli("two")
	two.Aliases = []string{"deux"}
	if err := r.Register(two); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Lookup("three"); err == nil || !strings.Contains(err.Error(), `unknown platform "three" (want one|two)`) {
		t.Errorf("Lookup: %v", err)
	}
	if s, err := r.Lookup("deux"); err != nil || s.ID != "two" {
		t.Errorf("Lookup by alias: %v %v", s, err)
	}
	dupAlias := cli("three")
	dupAlias.Aliases = []string{"one"}
	sameFamily := cli("four")
	sameFamily.Detect.Family = "one"
	noDriverMethods := platform.Spec{ID: "five", Detect: platform.Detection{Family: "five"}, Methods: cli("x").Methods}
	badFallback := cli("six")
	badFallback.Methods[0].Fallback = record.MethodURL
	autoFile := cli("seven")
	autoFile.Methods = append(autoFile.Methods, platform.Method{Name: record.MethodFile})
	autoFile.Auto = []record.Method{record.MethodFile}
	blocker := func(id string, b platform.VersionBlocker) platform.Spec {
		s := cli(id)
		s.Detect.Blockers = []platform.VersionBlocker{b}
		return s
	}
	named := func(id string, n platform.ToolNames) platform.Spec {
		s := cli(id)
		s.Names = n
		return s
	}
	if err := r.Register(named("eleven", platform.ToolNames{Ansible: []platform.ToolName{{Name: "acme.one"}}})); err != nil {
		t.Fatal(err)
	}
	emptyQuestion := cli("thirteen")
	emptyQuestion.Session.Questions = []platform.Answer{{Question: `^\s*(?:Proceed\?)?\s*$`}}
	for _, tc := range []struct {
		spec platform.Spec
		want string
	}{
		{cli("one"), `platform "one": the name "one" is taken (registered: one|two|eleven)`},
		{dupAlias, `the name "one" is taken (registered: one|two|eleven)`},
		{cli("auto"), `the name "auto" is taken`},
		{sameFamily, `"one" already claims show version family "one"`},
		{cli(""), `platform id "": want a lower-case word`},
		{noDriverMethods, "import methods without a driver"},
		{badFallback, `falls back to "url", which it does not offer`},
		{autoFile, "needs a method that applies without a bundle_file"},
		{blocker("eight", platform.VersionBlocker{Pattern: `^x`, Verdict: record.Remediate, Reason: "r"}), `verdict "remediate", want unsupported or error`},
		{blocker("nine", platform.VersionBlocker{Pattern: `^x`, Verdict: record.Unsupported}), "version blocker \"^x\" without a reason"},
		{blocker("ten", platform.VersionBlocker{Pattern: `(`, Verdict: record.Error, Reason: "r"}), "version blocker: error parsing regexp"},
		{named("twelve", platform.ToolNames{Ansible: []platform.ToolName{{Name: "acme.one", Family: true}}}), `the Ansible name "acme.one" is taken (by eleven)`},
		{named("twelve", platform.ToolNames{Nornir: []platform.ToolName{{Name: "x"}, {Name: "x"}}}), `the Nornir name "x" is taken (by twelve)`},
		{named("twelve", platform.ToolNames{Nornir: []platform.ToolName{{Name: " "}}}), `an empty Nornir name`},
		{emptyQuestion, "matches an empty line"},
	} {
		if err := r.Register(tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Register(%q): %v, want %q", tc.spec.ID, err, tc.want)
		}
	}
	if got := strings.Join(r.IDs(), "|"); got != "one|two|eleven" {
		t.Errorf("a refused Spec was registered: %s", got)
	}
	// A second platform of the same family registers as named-only.
	sameFamily.Detect.NamedOnly = true
	if err := r.Register(sameFamily); err != nil {
		t.Errorf("named-only: %v", err)
	}
	if s, _ := r.Detected("one"); s.ID != "one" {
		t.Errorf("platform auto picks %q for family one, want one", s.ID)
	}
}

// TestFallback: a driver falls back only under import_method auto, on a
// device's answer (not a stopped session), where the data names one.
func TestFallback(t *testing.T) {
	methods := []platform.Method{{Name: record.MethodURL, Persistent: true, Fallback: record.MethodTerminal}, {Name: record.MethodTerminal}}
	refused := platform.ErrRejected
	stopped := stoppedErr{}
	auto, url := platform.Prefs{Method: record.MethodAuto}, platform.Prefs{Method: record.MethodURL}
	if m, why, ok := platform.Fallback(methods, record.MethodURL, auto, refused); !ok || m != record.MethodTerminal || !strings.Contains(why, "url failed (the device rejected the import); used terminal") {
		t.Errorf("auto, refused: %q %q %v", m, why, ok)
	}
	for name, tc := range map[string]struct {
		m   record.Method
		p   platform.Prefs
		err error
	}{
		"no error":         {record.MethodURL, auto, nil},
		"operator's url":   {record.MethodURL, url, refused},
		"session stopped":  {record.MethodURL, auto, stopped},
		"no fallback data": {record.MethodTerminal, auto, refused},
	} {
		if _, _, ok := platform.Fallback(methods, tc.m, tc.p, tc.err); ok {
			t.Errorf("%s: fell back", name)
		}
	}
}

type stoppedErr struct{}

func (stoppedErr) Error() string        { return "connection lost" }
func (stoppedErr) Is(target error) bool { return target == platform.ErrStopped }
