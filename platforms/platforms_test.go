package platforms_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/scrapli/scrapligo/driver/network"
	"github.com/scrapli/scrapligo/platform"

	"github.com/trustfix/trustfix/platforms"
)

// The definitions are loaded exactly as pkg/session loads them: from bytes,
// through scrapligo's own platform loader, so a definition that scrapligo
// cannot build (an int timeout-ops, a bad pattern) fails here, not on a
// device.

// ids name the definitions: cisco_ID.yaml, platform-type cisco_ID.
var ids = []string{"iosxe", "iosxr", "asa", "fxos", "auto"}

func load(t *testing.T, id string) (*platform.Platform, *network.Driver) {
	t.Helper()
	def, err := platforms.Definition("cisco_" + id + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := platform.NewPlatform(def, "host")
	if err != nil {
		t.Fatalf("%s: scrapligo cannot load the definition: %v", id, err)
	}
	d, err := p.GetNetworkDriver()
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return p, d
}

func TestDefinitionsLoad(t *testing.T) {
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			p, d := load(t, id)
			if got, want := p.GetPlatformType(), "cisco_"+id; got != want {
				t.Errorf("platform-type %q, want %q", got, want)
			}
			if _, ok := d.PrivilegeLevels[d.DefaultDesiredPriv]; !ok {
				t.Errorf("default-desired-privilege-level %q is not a level", d.DefaultDesiredPriv)
			}
			for name, lvl := range d.PrivilegeLevels {
				if lvl.Name != name {
					t.Errorf("level %q is named %q", name, lvl.Name)
				}
				if lvl.PreviousPriv != "" {
					if _, ok := d.PrivilegeLevels[lvl.PreviousPriv]; !ok {
						t.Errorf("level %q: previous-priv %q is not a level", name, lvl.PreviousPriv)
					}
				}
				// STYLE 7: every prompt pattern is a whole line, anchored at
				// both ends in multi-line mode.
				if !strings.HasPrefix(lvl.Pattern, "(?m)^") || !strings.HasSuffix(lvl.Pattern, "$") {
					t.Errorf("level %q: pattern %q is not anchored as (?m)^...$", name, lvl.Pattern)
				}
				// Counted repetition ({1,63}) makes the channel's prompt search,
				// run after every chunk read, several times slower; the anchors
				// bound a prompt already (BENCHMARKS.md, plan).
				if strings.Contains(lvl.Pattern, "{") {
					t.Errorf("level %q: pattern %q uses counted repetition", name, lvl.Pattern)
				}
				if lvl.EscalatePrompt != "" {
					if _, err := regexp.Compile(lvl.EscalatePrompt); err != nil {
						t.Errorf("level %q: escalate-prompt: %v", name, err)
					}
				}
			}
			if d.Driver.Channel.PromptPattern == nil {
				t.Fatal("no joined prompt pattern")
			}
			if len(d.Driver.FailedWhenContains) == 0 {
				t.Error("no failed-when-contains: a device error would pass for output (STYLE 8)")
			}
			if id != "fxos" && id != "auto" && !slices.Contains(d.Driver.FailedWhenContains, "% Invalid input detected") {
				t.Errorf("failed-when-contains lacks %q", "% Invalid input detected")
			}
		})
	}
}

func TestDefinitionUnknown(t *testing.T) {
	_, err := platforms.Definition("cisco_ios.yaml")
	if err == nil || !strings.Contains(err.Error(), "cisco_asa.yaml|cisco_auto.yaml|cisco_fxos.yaml|cisco_iosxe.yaml|cisco_iosxr.yaml") {
		t.Fatalf("err %v, want one listing the definitions", err)
	}
	if platforms.Auto != "cisco_auto.yaml" {
		t.Errorf("Auto is %q", platforms.Auto)
	}
}

// Privilege levels a prompt may resolve to; none means "not a prompt".
const none = ""

type promptCase struct {
	text string
	want string // the privilege level, or none
}

// unclaimed are prompts the channel stops at (scrapligo's joined pattern
// ignores not-contains) that no level claims, so the driver refuses to act
// there instead of typing into the wrong mode.
var unclaimed = map[string]bool{"Switch(tcl)#": true}

// Real prompts per platform (docs/platforms.md) and lines that must never pass for one: the certificate
// listing trap (`Storage: nvram:HOST#1CA.cer`, and the same line cut right
// after `HOST#` as a slow device leaves it in the read buffer), echoed
// commands, certificate text and dialog questions.
var promptCases = map[string][]promptCase{
	"iosxe": {
		{"Switch>", "exec"},
		{"Switch> ", "exec"},
		{"Switch#", "privilege-exec"},
		{"Switch# ", "privilege-exec"},
		{"c8kv-wan-01#", "privilege-exec"},
		{"IE-3400.dock_01#", "privilege-exec"},
		{"Switch(config)#", "configuration"},
		{"Switch(config-if)#", "configuration"},
		{"Switch(ca-trustpool)#", "configuration"},
		{"Device(config)# ", "configuration"},
		{"Switch(tcl)#", none}, // tclsh is never driven
		{"  Storage: nvram:Switch#1CA.cer", none},
		{"  Storage: nvram:Switch#", none},
		{"Storage: nvram:CiscoLicensi#1CA.cer", none},
		{"Switch#show version", none},
		{"Switch>enable", none},
		{"Switch#[OK]", none},
		{"Password: ", none},
		{"MIIFYDCCA0igAwIBAgIQCgFCgAAAAUUjyES1AAAAAjANBgkqhkiG9w0BAQsFADBK", none},
		{"-----END CERTIFICATE-----", none},
		{"    cn=IdenTrust Commercial Root CA 1", none},
		{"Destination filename [startup-config]? ", none},
		{"% PEM files import succeeded.", none},
		{" --More-- ", none},
		{"", none},
	},
	"iosxr": {
		{"RP/0/RSP0/CPU0:router#", "privilege-exec"},
		{"RP/0/RP0/CPU0:router#", "privilege-exec"},
		{"RP/0/0/CPU0:xrv#", "privilege-exec"},
		{"RP/0/RP0/CPU0:xr-core-01# ", "privilege-exec"},
		{"RP/0/RP0/CPU0:router(config)#", "configuration"},
		{"RP/0/RP0/CPU0:R3(config-trustp)#", "configuration"},
		{"RP/0/0/CPU0:R3(config-trustp)#", "configuration"},
		{"RP/0/RP0/CPU0:router(admin)#", none}, // admin mode is never driven
		{"[xr-vm_node0_RP0_CPU0:~]$", none},
		{"RP/0/RP0/CPU0:router#show crypto ca trustpool", none},
		{"  Storage: nvram:router#", none},
		{"Wed Mar 14 12:31:28.607 UTC", none},
		{"SHA1 Fingerprint:", none},
		{"DF717EAA4AD94EC9558499602D48DE5FBCF03A25", none},
		{"Do you accept this certificate? [yes/no]: ", none},
		{"Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:", none},
		{"-----BEGIN CERTIFICATE-----", none},
	},
	"asa": {
		{"ciscoasa>", "exec"},
		{"ciscoasa> ", "exec"},
		{"ciscoasa#", "privilege-exec"},
		{"ciscoasa# ", "privilege-exec"},
		{"asa/pri/act# ", "privilege-exec"},
		{"LEX-ASA-FW1/act#", "privilege-exec"},
		{"asa/admin# ", "privilege-exec"},
		{"ciscoasa(config)# ", "configuration"},
		{"ciscoasa(config-ca-trustpoint)# ", "configuration"},
		{"ciscoasa(config-ca-crl)# ", "configuration"},
		{"ciscoasa# show version", none},
		{"  Storage: nvram:ciscoasa#", none},
		{"Fingerprint:     b33e7773 75eea0d3 e37e4963 4959bbc7", none},
		{"Do you accept this certificate? [yes/no]: ", none},
		{"Would you like to enable anonymous error reporting to help improve the product? [Y]es, [N]o, [A]sk later: ", none},
		{"End with the word \"quit\" on a line by itself", none},
		{"<--- More --->", none},
		{"Enter  Password: ", none},
		{"  certificate ca 0a0142800000014523c844b500000002", none},
	},
	"fxos": {
		{"FPR4120-1-A#", "exec"},
		{"FPR4120-1-A# ", "exec"},
		{"Firepower-chassis# ", "exec"},
		{"4100CHASSIS # ", "exec"},
		{"4100CHASSIS #", "exec"},
		{"FPR4120-1-A* # ", "exec"},
		{"FPR4120-1-A /security # ", "exec"},
		{"FPR4120-1-A /security/trustpoint* # ", "exec"},
		{"FPR4120-1-A /security/trustpoint # ", "exec"},
		{"FPR4120-1-A(local-mgmt)# ", none}, // other shells are never driven
		{"FPR4120-1-A(fxos)# ", none},
		{"Firepower-module1>", none},
		{"FPR4120-1-A# scope security", none},
		{"FPR4120-1-A /security # create trustpoint IdenTrustCA1", none},
		{">-----BEGIN CERTIFICATE-----", none},
		{">MIIFYDCCA0igAwIBAgIQCgFCgAAAAUUjyES1AAAAAjANBgkqhkiG9w0BAQsFADBK", none},
		{">ENDOFBUF", none},
		{"Enter lines one at a time. Enter ENDOFBUF to finish. Press ^C to abort.", none},
		{"  Storage: nvram:FPR4120-1-A#", none},
	},
	// Before detection: any platform's exec or privileged prompt, and FTD's
	// bare "> ", so that show version can be read; config prompts never
	// appear at login.
	"auto": {
		{"Switch>", "exec"},
		{"Switch#", "privilege-exec"},
		{"RP/0/RSP0/CPU0:router#", "privilege-exec"},
		{"ciscoasa> ", "exec"},
		{"asa/pri/act# ", "privilege-exec"},
		{"FPR4120-1-A# ", "privilege-exec"},
		{"4100CHASSIS # ", "privilege-exec"},
		{"FPR4120-1-A /security/trustpoint* # ", "privilege-exec"},
		{"> ", "exec"},
		{">", "exec"},
		{"  Storage: nvram:Switch#1CA.cer", none},
		{"  Storage: nvram:Switch#", none},
		{"Switch#show version", none},
		{"> show version", none},
		{">-----BEGIN CERTIFICATE-----", none},
		{"MIIFYDCCA0igAwIBAgIQCgFCgAAAAUUjyES1AAAAAjANBgkqhkiG9w0BAQsFADBK", none},
	},
}

// levelsOf resolves a prompt as scrapligo's determineCurrentPriv does:
// every level whose pattern matches and whose not-contains list does not.
func levelsOf(d *network.Driver, prompt string) []string {
	var out []string
	for name, lvl := range d.PrivilegeLevels {
		if slices.ContainsFunc(lvl.NotContains, func(s string) bool { return strings.Contains(prompt, s) }) {
			continue
		}
		if regexp.MustCompile(lvl.Pattern).MatchString(prompt) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func TestPrompts(t *testing.T) {
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			_, d := load(t, id)
			joined := d.Driver.Channel.PromptPattern
			for _, tc := range promptCases[id] {
				got := levelsOf(d, tc.text)
				switch {
				case tc.want == none && len(got) > 0:
					t.Errorf("%q matched %v; it is not a prompt", tc.text, got)
				case tc.want != none && !slices.Equal(got, []string{tc.want}):
					t.Errorf("%q matched %v, want exactly [%s]", tc.text, got, tc.want)
				}
				// The channel reads until the joined pattern matches the tail
				// of everything received so far: the prompt after output (with
				// and without CR), and the trap line ending the buffer.
				for _, buf := range []string{tc.text, "show crypto pki trustpool\n  Status: Available\n" + tc.text, "line\r\n" + tc.text} {
					if got, want := joined.MatchString(buf), tc.want != none || unclaimed[tc.text]; got != want {
						t.Errorf("joined prompt pattern on %q: match %v, want %v", buf, got, want)
					}
				}
			}
		})
	}
}

// TestPromptTrapListing runs the joined pattern over a whole IOS XE trustpool
// listing as the device sends it, cut after every byte: it may match only
// once the real prompt has arrived.
func TestPromptTrapListing(t *testing.T) {
	const listing = "show crypto pki trustpool\r\n" +
		"CA Certificate\r\n" +
		"  Status: Available\r\n" +
		"  Certificate Serial Number (hex): 0A0142800000014523C844B500000002\r\n" +
		"  Certificate Usage: Signature\r\n" +
		"  Issuer: \r\n" +
		"    cn=IdenTrust Commercial Root CA 1\r\n" +
		"    o=IdenTrust\r\n" +
		"    c=US\r\n" +
		"  Storage: nvram:c8kv-wan-01#1CA.cer\r\n" +
		"  Associated Trustpoints: Trustpool\r\n" +
		"\r\n"
	const prompt = "c8kv-wan-01#"
	for _, id := range []string{"iosxe", "auto"} {
		_, d := load(t, id)
		full := listing + prompt
		for n := 1; n <= len(full); n++ {
			got := d.Driver.Channel.PromptPattern.MatchString(full[:n])
			if want := n == len(full); got != want {
				t.Fatalf("%s: after %q: match %v, want %v", id, full[:n], got, want)
			}
		}
	}
}
