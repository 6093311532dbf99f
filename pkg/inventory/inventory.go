// Package inventory reads the YAML inventory into validated devices.
//
// The file has four top-level keys: defaults (fields for every device),
// groups (named sets of the same fields), devices (a list; each needs a name
// and, after merging, a host) and ca_file (top level only: the CA
// certificate to install). Relative ca_file and known_hosts paths are taken
// from the inventory file's directory; a leading "~/" is $HOME. A device's
// value for a field is taken from, highest precedence first: the device
// itself, its groups in reverse listed order (a later group overrides an
// earlier one), then defaults, then the built-in default. password and
// password_env are one setting: the level that sets either replaces both
// (likewise enable_password and enable_password_env). max_sessions is only
// allowed in groups and caps concurrent sessions to that group's members.
//
// Every problem is found before any connection and reported as one line,
// "FILE:LINE: FIELD: MESSAGE" (see Error); when the file has several, the
// first in file order wins. inventory.example.yaml at the repository root
// shows every field.
package inventory

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/trustfix/trustfix/pkg/secret"
)

// Defaults for fields the inventory leaves out.
const (
	DefaultPort          = 22
	DefaultPlatform      = "auto"
	DefaultTimeout       = 2 * time.Minute
	DefaultImportMethod  = "auto"
	DefaultBundleURL     = "http://www.cisco.com/security/pki/trs/ios_core.p7b"
	DefaultHostKeyPolicy = "accept-new"
	DefaultRetries       = 2
)

// Allowed values of the enumerated fields. The platforms are the
// registry's (Platforms), plus DefaultPlatform.
var (
	ImportMethods   = []string{"auto", "url", "file", "terminal"}
	HostKeyPolicies = []string{"strict", "accept-new", "insecure"}
)

// Platforms is what the inventory needs of the platform registry
// (*platform.Registry): the ids, listed when a name is unknown, and the id
// of a name, which may be an alias.
type Platforms interface {
	IDs() []string
	Canonical(name string) (id string, ok bool)
}

// Device is one inventory device with defaults, groups and its own fields
// merged and validated. Marshalled or printed, it never shows a password.
type Device struct {
	Name              string        `json:"name" yaml:"name"`
	Host              string        `json:"host" yaml:"host"`
	Port              int           `json:"port" yaml:"port"`
	Platform          string        `json:"platform" yaml:"platform"` // DefaultPlatform or a registered platform id
	Username          string        `json:"username" yaml:"username"`
	Password          secret.Secret `json:"password,omitzero" yaml:"password,omitempty"`                        // prints "[redacted]"
	EnablePassword    secret.Secret `json:"enable_password,omitzero" yaml:"enable_password,omitempty"`          // zero when not configured
	PasswordEnv       string        `json:"password_env,omitempty" yaml:"password_env,omitempty"`               // the variable Password came from ("" : a plain password or none)
	EnablePasswordEnv string        `json:"enable_password_env,omitempty" yaml:"enable_password_env,omitempty"` // likewise for EnablePassword
	// PasswordFrom says where a password that is not from a variable
	// comes from: "FILE:LINE" of a plain password, "prompt" (fix).
	PasswordFrom       string        `json:"password_from,omitempty" yaml:"password_from,omitempty"`
	EnablePasswordFrom string        `json:"enable_password_from,omitempty" yaml:"enable_password_from,omitempty"` // likewise for EnablePassword
	Timeout            time.Duration `json:"timeout" yaml:"timeout"`                                               // whole-device deadline
	ImportMethod       string        `json:"import_method" yaml:"import_method"`                                   // one of ImportMethods
	BundleFile         string        `json:"bundle_file,omitempty" yaml:"bundle_file,omitempty"`                   // e.g. flash:ios_core.p7b
	BundleURL          string        `json:"bundle_url" yaml:"bundle_url"`
	// AllowNonPersistent accepts a fix lost on reload (IOS XR terminal):
	// it stays a follow-up in every output, but does not fail the run.
	AllowNonPersistent bool     `json:"allow_non_persistent,omitempty" yaml:"allow_non_persistent,omitempty"`
	HostKeyPolicy      string   `json:"host_key_policy" yaml:"host_key_policy"`             // one of HostKeyPolicies
	KnownHosts         string   `json:"known_hosts,omitempty" yaml:"known_hosts,omitempty"` // "" means ~/.ssh/known_hosts (caller resolves); else ~/ expanded, relative joined to the file's dir
	LegacyAlgorithms   bool     `json:"legacy_algorithms" yaml:"legacy_algorithms"`
	JumpHost           string   `json:"jump_host,omitempty" yaml:"jump_host,omitempty"`         // [user@]host[:port]; see ParseJumpHost
	IdentityFile       string   `json:"identity_file,omitempty" yaml:"identity_file,omitempty"` // private key, tried before the password; ~/ expanded, relative is from the file's directory
	SSHConfig          string   `json:"ssh_config,omitempty" yaml:"ssh_config,omitempty"`       // OpenSSH client config to read ("" ~/.ssh/config, "none" none)
	SSH                SSH      `json:"ssh,omitzero" yaml:"ssh,omitempty"`                      // what ssh_config and the keys add (see SSH)
	Version            string   `json:"version,omitempty" yaml:"version,omitempty"`             // for cer/esa/wsa not reachable by CLI
	Groups             []string `json:"groups,omitempty" yaml:"groups,omitempty"`               // as listed on the device
	Retries            int      `json:"retries" yaml:"retries"`                                 // extra attempts after a retryable failure
	Line               int      `json:"line" yaml:"line"`                                       // line of the device entry in the file
}

// NewDevice returns a Device with every built-in default set, for a device
// that does not come from an inventory file (trustfix fix HOST). The caller
// fills in the username and passwords.
func NewDevice(name, host string) Device {
	return Device{
		Name:          name,
		Host:          host,
		Port:          DefaultPort,
		Platform:      DefaultPlatform,
		Timeout:       DefaultTimeout,
		ImportMethod:  DefaultImportMethod,
		BundleURL:     DefaultBundleURL,
		HostKeyPolicy: DefaultHostKeyPolicy,
		Retries:       DefaultRetries,
	}
}

// Inventory is a loaded, validated inventory file.
type Inventory struct {
	Path        string         // as given to Load/Parse
	Devices     []Device       // in file order
	CAFile      string         // ca_file, joined to the inventory's directory when relative; "" when not set
	GroupLimits map[string]int // group name → max_sessions, for groups that set it
	Warnings    []string       // one line each, "FILE:LINE: FIELD: MESSAGE", in file order
	SHA256      string         // hex SHA-256 of the file's bytes
}

// Load reads and validates the inventory at path against the registered
// platforms. env looks up password variables; nil means os.LookupEnv.
// Every error is an *Error matching ErrInvalid.
func Load(path string, platforms Platforms, env func(string) (string, bool)) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		msg := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			msg = pe.Op + ": " + pe.Err.Error()
		}
		return nil, &Error{File: path, Field: "", Msg: msg, Err: err}
	}
	return Parse(path, data, platforms, env)
}

// Parse validates inventory data against the registered platforms; path is
// used in messages and to resolve a relative ca_file. env looks up password
// variables; nil means os.LookupEnv. Every error is an *Error matching
// ErrInvalid.
func Parse(path string, data []byte, platforms Platforms, env func(string) (string, bool)) (*Inventory, error) {
	if env == nil {
		env = os.LookupEnv
	}
	root, err := decode(path, data)
	if err != nil {
		return nil, err
	}
	return parseTree(&parser{file: path, env: env, platforms: platforms}, root, data)
}

// parseTree validates a decoded tree; data is what its SHA256 is of.
func parseTree(p *parser, root *yaml.Node, data []byte) (*Inventory, error) {
	inv := p.inventory(root)
	if err := p.first(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	inv.Path = p.file
	inv.SHA256 = hex.EncodeToString(sum[:])
	inv.Warnings = p.warnings()
	return inv, nil
}

// Credential names the credential the device logs in with, as an operator
// finds it: the username and where each secret comes from (a variable, a
// line of the inventory, the prompt, keys). Devices with the same
// Credential share the credential circuit breaker: their failures count
// together, because an AAA server counts them together.
func (d Device) Credential() string {
	parts := []string{}
	if d.SSH.CanUseKeys() {
		keys := slices.Clone(d.SSH.IdentityFiles)
		if d.SSH.Agent != "" {
			keys = append(keys, "the ssh-agent")
		}
		parts = append(parts, "keys "+strings.Join(keys, ", "))
	}
	if p := source(d.PasswordEnv, d.PasswordFrom, !d.Password.IsZero()); p != "" {
		parts = append(parts, "password "+p)
	}
	if p := source(d.EnablePasswordEnv, d.EnablePasswordFrom, !d.EnablePassword.IsZero()); p != "" {
		parts = append(parts, "enable password "+p)
	}
	if len(parts) == 0 {
		return d.Username
	}
	return d.Username + " (" + strings.Join(parts, "; ") + ")"
}

// source says where a secret comes from: $VAR, FILE:LINE, the prompt.
func source(env, from string, set bool) string {
	switch {
	case env != "":
		return "from $" + env
	case from == "prompt":
		return "typed at the prompt"
	case from != "":
		return "at " + from
	case set:
		return "given"
	}
	return ""
}

// CredentialCheck says what to check when the device's credential is
// refused: the variables, inventory lines, prompt or keys it comes from.
func (d Device) CredentialCheck() string {
	var what []string
	if d.SSH.CanUseKeys() {
		what = append(what, "the keys offered")
	}
	for _, s := range []struct{ env, from string }{{d.PasswordEnv, d.PasswordFrom}, {d.EnablePasswordEnv, d.EnablePasswordFrom}} {
		switch {
		case s.env != "":
			what = append(what, "$"+s.env)
		case s.from == "prompt":
			what = append(what, "the password typed at the prompt")
		case s.from != "":
			what = append(what, "the password at "+s.from)
		}
	}
	if len(what) == 0 {
		return "check the login of " + d.Username
	}
	return "check " + strings.Join(what, " and ") + " for " + d.Username
}
