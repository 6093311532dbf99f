package devsim

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed scenarios/default.yaml
var defaultScenario []byte

// Platforms the simulator can serve. ios (classic) and ftd exist so that
// detection can be shown to refuse them; cer, esa and wsa are inventory-only
// (never served: their fix is an upgrade, not a CLI sequence).
const (
	IOSXE = "iosxe"
	IOSXR = "iosxr"
	ASA   = "asa"
	FXOS  = "fxos"
	IOS   = "ios"
	FTD   = "ftd"
	CER   = "cer"
	ESA   = "esa"
	WSA   = "wsa"
)

// Scenario is a lab description: credentials and a list of devices.
type Scenario struct {
	Defaults Credentials `yaml:"defaults"`
	Devices  []Spec      `yaml:"devices"`
	// JumpHost, when set, is a bastion the lab serves; devices with
	// behind_jump are reached through it (see jump.go).
	JumpHost *JumpSpec `yaml:"jump_host"`
}

// Credentials are the lab's login secrets. They are lab-only values.
type Credentials struct {
	Username       string `yaml:"username"`
	Password       string `yaml:"password"`
	EnablePassword string `yaml:"enable_password"`
	// AuthorizedKeys are public keys (authorized_keys lines) that log in
	// as Username, besides the password (see pubkey.go).
	AuthorizedKeys []string `yaml:"authorized_keys"`
}

// Spec describes one simulated device.
type Spec struct {
	Name     string `yaml:"name"`
	Platform string `yaml:"platform"`
	// InventoryPlatform is what the generated inventory says (default: the
	// platform; "auto" exercises detection).
	InventoryPlatform string `yaml:"inventory_platform"`
	Hostname          string `yaml:"hostname"`
	Version           string `yaml:"version"`
	Model             string `yaml:"model"`
	Serial            string `yaml:"serial"`
	// RP is the IOS XR route-processor prompt prefix, e.g. RP/0/RSP0/CPU0.
	RP string `yaml:"rp"`
	// Privilege 15 lands an IOS XE login at '#'; otherwise at '>'.
	Privilege int `yaml:"privilege"`
	// IdenTrust and QuoVadis seed the trust store.
	IdenTrust bool `yaml:"identrust"`
	QuoVadis  bool `yaml:"quovadis"`
	// Decoy adds a certificate that carries IdenTrust's CN but is not it.
	Decoy bool `yaml:"decoy"`
	// Files present on the device's file systems (flash:ios_core.p7b,
	// harddisk:/ios.p7b); the content is the named Cisco bundle.
	Files []string `yaml:"files"`
	// LegacySSH serves only diffie-hellman-group1/14-sha1, ssh-rsa host keys
	// and aes128-cbc, like an old IOS image.
	LegacySSH bool `yaml:"legacy_ssh"`
	// HostKeys are the host key kinds the device serves (ed25519, ecdsa,
	// rsa), in its order of preference; default one ed25519 key (rsa with
	// legacy_ssh). A real device often has several: the client then picks
	// by its own order, unless known_hosts says which it knows.
	HostKeys []string `yaml:"host_keys"`
	// BundleFile and ImportMethod pass through to the generated inventory.
	BundleFile   string `yaml:"bundle_file"`
	ImportMethod string `yaml:"import_method"`
	Faults       Faults `yaml:"faults"`
	// Wording picks how the device words what no public capture confirms
	// (Wordings lists the variants per platform); "" is the lab's default.
	Wording string `yaml:"wording"`
	// Credentials override the lab defaults for this device.
	Username       string   `yaml:"username"`
	Password       string   `yaml:"password"`
	EnablePassword string   `yaml:"enable_password"`
	AuthorizedKeys []string `yaml:"authorized_keys"`
	// KeysOnly accepts public keys only: no password or keyboard-interactive
	// login is offered (ip ssh server algorithm authentication publickey).
	KeysOnly bool `yaml:"keys_only"`
	// BehindJump puts the device behind the scenario's jump host: the
	// generated inventory reaches it through it.
	BehindJump bool `yaml:"behind_jump"`
}

// Faults are the ways a device misbehaves.
type Faults struct {
	// CorruptPaste garbles one character of a pasted certificate in this
	// many sessions (line noise): the device must reject the paste.
	CorruptPaste int `yaml:"corrupt_paste"`
	// EchoPasswords echoes what is typed at password prompts (a
	// misconfigured terminal): transcripts must still redact it.
	EchoPasswords bool `yaml:"echo_passwords"`
	// Latency is added before every line the device writes.
	Latency Duration `yaml:"latency"`
	// DropAfterBytes closes the TCP connection once the client has sent this
	// many bytes in a session; DropSessions says for how many sessions
	// (default 1, so the next login works).
	DropAfterBytes int `yaml:"drop_after_bytes"`
	DropSessions   int `yaml:"drop_sessions"`
	// AuthFail rejects every password.
	AuthFail bool `yaml:"auth_fail"`
	// Silent accepts TCP and never speaks SSH.
	Silent bool `yaml:"silent"`
	// NoInternet makes every http/https import fail with the device's error.
	NoInternet bool `yaml:"no_internet"`
	// RefusePaging makes AAA refuse `terminal length 0` / `terminal pager 0`.
	RefusePaging bool `yaml:"refuse_paging"`
	// PromptTrap puts `hostname#` inside a certificate listing and pauses
	// right after it, so an unanchored prompt pattern fires early.
	PromptTrap bool `yaml:"prompt_trap"`
	// MultipleContext runs an ASA in multiple-context mode.
	MultipleContext bool `yaml:"multiple_context"`
	// ControllerMode runs an IOS XE router in SD-WAN controller mode
	// (managed by SD-WAN Manager): show version says "Router operating
	// mode: Controller-Managed".
	ControllerMode bool `yaml:"controller_mode"`
	// FIPS makes an ASA refuse SHA-1-signed CA certificates.
	FIPS bool `yaml:"fips"`
	// TrustpointExists pre-creates an FXOS trustpoint; its chain is
	// "identrust", "quovadis" or empty.
	TrustpointExists *ExistingTrustpoint `yaml:"trustpoint_exists"`
	// ExecTimestamp prints IOS XE's `Load for five secs` header before show output.
	ExecTimestamp bool `yaml:"exec_timestamp"`
	// SaveConfirm makes IOS XE `write memory` ask `Destination filename
	// [startup-config]?` as FN72298 shows on IE3x00.
	SaveConfirm bool `yaml:"save_confirm"`
	// ErrorReportingPrompt makes the ASA ask about anonymous error reporting
	// at the first `configure terminal`.
	ErrorReportingPrompt bool `yaml:"error_reporting_prompt"`
	// Hostile is a broken or attacking device (hostile.go).
	Hostile Hostile `yaml:"hostile"`
}

// ExistingTrustpoint is an FXOS trustpoint present before any session.
type ExistingTrustpoint struct {
	Name  string `yaml:"name"`
	Chain string `yaml:"chain"`
}

// Duration is a time.Duration that reads "5ms" from YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration back as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// DefaultScenario is the embedded mixed lab: all four platforms, the
// unsupported look-alikes, the inventory-only appliances and the common faults.
func DefaultScenario() *Scenario {
	s, err := ParseScenario("default.yaml", defaultScenario)
	if err != nil {
		panic("devsim: embedded scenario: " + err.Error())
	}
	return s
}

// LoadScenario reads a scenario file.
func LoadScenario(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseScenario(path, b)
}

// ParseScenario decodes and validates a scenario.
func ParseScenario(name string, b []byte) (*Scenario, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(s.Devices) == 0 {
		return nil, fmt.Errorf("%s: no devices", name)
	}
	if err := checkKeys(s.Defaults.AuthorizedKeys); err != nil {
		return nil, fmt.Errorf("%s: defaults.authorized_keys%w", name, err)
	}
	if j := s.JumpHost; j != nil {
		if err := checkKeys(j.AuthorizedKeys); err != nil {
			return nil, fmt.Errorf("%s: jump_host.authorized_keys%w", name, err)
		}
		if j.KeysOnly && len(j.AuthorizedKeys) == 0 && len(s.Defaults.AuthorizedKeys) == 0 {
			return nil, fmt.Errorf("%s: jump_host.keys_only: no authorized_keys to log in with", name)
		}
	}
	seen := map[string]bool{}
	for i := range s.Devices {
		d := &s.Devices[i]
		if d.Name == "" {
			return nil, fmt.Errorf("%s: devices[%d]: missing name", name, i)
		}
		if seen[d.Name] {
			return nil, fmt.Errorf("%s: devices[%d]: duplicate name %q", name, i, d.Name)
		}
		seen[d.Name] = true
		switch d.Platform {
		case IOSXE, IOSXR, ASA, FXOS, IOS, FTD, CER, ESA, WSA:
		default:
			return nil, fmt.Errorf("%s: devices[%d].platform: unknown %q", name, i, d.Platform)
		}
		for j, k := range d.HostKeys {
			switch k {
			case KeyEd25519, KeyECDSA, KeyRSA:
			default:
				return nil, fmt.Errorf("%s: devices[%d].host_keys[%d]: unknown %q (want %s, %s or %s)", name, i, j, k, KeyEd25519, KeyECDSA, KeyRSA)
			}
		}
		if d.Hostname == "" {
			d.Hostname = d.Name
		}
		if d.Version == "" {
			return nil, fmt.Errorf("%s: devices[%d].version: missing", name, i)
		}
		if err := checkKeys(d.AuthorizedKeys); err != nil {
			return nil, fmt.Errorf("%s: devices[%d].authorized_keys%w", name, i, err)
		}
		if d.KeysOnly && len(d.credentials(s.Defaults).AuthorizedKeys) == 0 {
			return nil, fmt.Errorf("%s: devices[%d].keys_only: no authorized_keys to log in with", name, i)
		}
		if d.BehindJump && s.JumpHost == nil {
			return nil, fmt.Errorf("%s: devices[%d].behind_jump: the scenario has no jump_host", name, i)
		}
		if d.Faults.ControllerMode && d.Platform != IOSXE {
			return nil, fmt.Errorf("%s: devices[%d].faults.controller_mode: only an IOS XE router runs in SD-WAN controller mode", name, i)
		}
		if err := checkWording(d.Platform, d.Wording); err != nil {
			return nil, fmt.Errorf("%s: devices[%d].wording: %w", name, i, err)
		}
	}
	return &s, nil
}

// Offline reports whether the device is inventory-only (never served).
func (sp *Spec) Offline() bool {
	switch sp.Platform {
	case CER, ESA, WSA:
		return true
	}
	return false
}

// Expand returns n devices: the scenario's devices first, then copies named
// NAME-2, NAME-3, ... cycling through them. n <= 0 keeps the scenario as is.
func (s *Scenario) Expand(n int) []Spec {
	if n <= 0 {
		return append([]Spec(nil), s.Devices...)
	}
	out := make([]Spec, 0, n)
	for i := 0; i < n; i++ {
		sp := s.Devices[i%len(s.Devices)]
		if round := i / len(s.Devices); round > 0 {
			sp.Name = fmt.Sprintf("%s-%d", sp.Name, round+1)
			sp.Hostname = fmt.Sprintf("%s-%d", sp.Hostname, round+1)
		}
		out = append(out, sp)
	}
	return out
}

func (sp *Spec) credentials(def Credentials) Credentials {
	c := def
	if sp.Username != "" {
		c.Username = sp.Username
	}
	if sp.Password != "" {
		c.Password = sp.Password
	}
	if sp.EnablePassword != "" {
		c.EnablePassword = sp.EnablePassword
	}
	if len(sp.AuthorizedKeys) > 0 {
		c.AuthorizedKeys = sp.AuthorizedKeys
	}
	return c
}
