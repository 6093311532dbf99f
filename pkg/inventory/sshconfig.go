package inventory

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/trustfix/trustfix/pkg/sshconf"
)

// SSH is what a device's connection takes from ssh_config and
// identity_file, beyond the host, port, username and jump host that it
// also sets. Precedence is OpenSSH's with the inventory as the command
// line: a value the inventory sets (at any level) wins over ssh_config,
// as `ssh -o` beats the config file; HostName always applies (the
// inventory's host is what ssh_config's Host patterns match); identity
// files are tried in order, identity_file first.
type SSH struct {
	Config            string   `json:"config,omitempty" yaml:"config,omitempty"` // the ssh_config file read; "" none
	Alias             string   `json:"alias,omitempty" yaml:"alias,omitempty"`   // the inventory's host when HostName replaced it
	From              []string `json:"from,omitempty" yaml:"from,omitempty"`     // the ssh_config keywords that applied
	IdentityFiles     []string `json:"identity_files,omitempty" yaml:"identity_files,omitempty"`
	IdentitiesOnly    bool     `json:"identities_only,omitempty" yaml:"identities_only,omitempty"`
	Agent             string   `json:"agent,omitempty" yaml:"agent,omitempty"` // ssh-agent socket; "" none
	NoPubkey          bool     `json:"no_pubkey,omitempty" yaml:"no_pubkey,omitempty"`
	NoPassword        bool     `json:"no_password,omitempty" yaml:"no_password,omitempty"`
	JumpIdentityFiles []string `json:"jump_identity_files,omitempty" yaml:"jump_identity_files,omitempty"`
	HostKeyAlgorithms []string `json:"host_key_algorithms,omitempty" yaml:"host_key_algorithms,omitempty"` // nil: trustfix's default
	KexAlgorithms     []string `json:"kex_algorithms,omitempty" yaml:"kex_algorithms,omitempty"`
	Ciphers           []string `json:"ciphers,omitempty" yaml:"ciphers,omitempty"`
	MACs              []string `json:"macs,omitempty" yaml:"macs,omitempty"`
}

// CanUseKeys reports whether public-key login can be tried.
func (s SSH) CanUseKeys() bool { return !s.NoPubkey && (len(s.IdentityFiles) > 0 || s.Agent != "") }

// defaultIdentities are the keys OpenSSH tries when no IdentityFile is set.
var defaultIdentities = []string{"id_ed25519", "id_ecdsa", "id_rsa"}

// Explicit says which connection settings the inventory itself set.
type Explicit struct{ Port, Username, JumpHost bool }

// sshResolver reads ssh_config files once per load.
type sshResolver struct {
	env   func(string) (string, bool)
	files map[string]*sshconf.File
	warn  func(msg string)
	// stats are the identity files looked at, each once: a fleet of
	// thousands of devices shares a handful.
	stats map[string]error
}

// stat is os.Stat's error for path, asked once per resolver.
func (r *sshResolver) stat(path string) error {
	if err, ok := r.stats[path]; ok {
		return err
	}
	_, err := os.Stat(path)
	if r.stats == nil {
		r.stats = map[string]error{}
	}
	r.stats[path] = err
	return err
}

// ResolveSSH completes d from its ssh_config (d.SSHConfig: "" is
// ~/.ssh/config, "none" none) and its keys, for a device that does not
// come from an inventory file (trustfix fix). env looks up HOME, USER and
// SSH_AUTH_SOCK (nil: os.LookupEnv). It returns notes to show the user.
func ResolveSSH(d *Device, set Explicit, env func(string) (string, bool)) (notes []string, err error) {
	if env == nil {
		env = os.LookupEnv
	}
	r := &sshResolver{env: env, files: map[string]*sshconf.File{}, warn: func(m string) { notes = append(notes, m) }}
	return notes, r.resolve(d, set)
}

// resolve applies ssh_config and the identities to d. An error is about
// the device's ssh_config or identity_file.
func (r *sshResolver) resolve(d *Device, set Explicit) error {
	home, _ := r.env("HOME")
	path := d.SSHConfig
	if path == "" && home != "" {
		path = filepath.Join(home, ".ssh", "config")
	}
	var file *sshconf.File
	if path != "" && path != "none" {
		f, ok := r.files[path]
		if !ok {
			var err error
			if f, err = sshconf.Load(path); err != nil {
				if errors.Is(err, sshconf.ErrSyntax) {
					return errors.New(strings.TrimPrefix(err.Error(), "ssh_config: "))
				}
				return fmt.Errorf("%s: %v", path, err)
			}
			if f == nil && d.SSHConfig != "" {
				return fmt.Errorf("%s: no such file", path)
			}
			r.files[path] = f
		}
		file = f
	}
	alias := d.Host
	s, err := file.Host(alias)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "ssh_config: "))
	}
	if file != nil {
		d.SSH.Config = file.Path
	}
	used := func(k string) { d.SSH.From = append(d.SSH.From, k) }
	tok := sshconf.Tokens{Home: home, Original: alias, Host: alias, Port: d.Port}
	tok.LocalUser, _ = r.env("USER")
	tok.LocalHost, _ = os.Hostname()
	if s.HostName != "" {
		h, err := sshconf.Expand(s.HostName, tok)
		if err != nil {
			return fmt.Errorf("%s: Host %s: HostName: %v", file.Path, alias, err)
		}
		if h != alias {
			d.Host, d.SSH.Alias = h, alias
		}
		used("HostName")
	}
	if s.User != "" && !set.Username {
		d.Username = s.User
		used("User")
	}
	if s.Port != 0 && !set.Port {
		d.Port = s.Port
		used("Port")
	}
	tok.Host, tok.Port, tok.RemoteUser = d.Host, d.Port, d.Username
	if !set.JumpHost {
		jump, found, err := r.jumpFrom(s)
		if err != nil {
			return fmt.Errorf("%s: Host %s: %v", file.Path, alias, err)
		}
		if found {
			d.JumpHost = jump
			used("ProxyJump")
		}
	}
	if err := r.identities(d, s, file, tok); err != nil {
		return err
	}
	if d.JumpHost != "" {
		if err := r.jumpHost(d, file, tok); err != nil {
			return err
		}
	}
	return r.algorithms(d, s, file, alias)
}

func (r *sshResolver) jumpFrom(s sshconf.Settings) (string, bool, error) {
	if s.ProxyJump != "" {
		return sshconf.ProxyJump(s.ProxyJump)
	}
	if s.ProxyCommand != "" {
		return sshconf.ProxyCommand(s.ProxyCommand)
	}
	return "", false, nil
}

// identities sets the keys to offer: identity_file, then ssh_config's
// IdentityFile (or OpenSSH's default keys when neither names one), and
// the agent, as OpenSSH finds them.
func (r *sshResolver) identities(d *Device, s sshconf.Settings, file *sshconf.File, tok sshconf.Tokens) error {
	if d.IdentityFile != "" {
		if err := r.stat(d.IdentityFile); err != nil {
			return fmt.Errorf("identity_file %s: %v", d.IdentityFile, unwrapPathError(err))
		}
		d.SSH.IdentityFiles = append(d.SSH.IdentityFiles, d.IdentityFile)
	}
	for _, id := range s.IdentityFiles {
		p, err := sshconf.Expand(id, tok)
		if err != nil {
			return fmt.Errorf("%s: IdentityFile: %v", file.Path, err)
		}
		if r.stat(p) == nil && !slices.Contains(d.SSH.IdentityFiles, p) {
			d.SSH.IdentityFiles = append(d.SSH.IdentityFiles, p) // a missing one is skipped, as OpenSSH does
		}
	}
	if len(s.IdentityFiles) > 0 {
		d.SSH.From = append(d.SSH.From, "IdentityFile")
	}
	if d.IdentityFile == "" && len(s.IdentityFiles) == 0 && tok.Home != "" {
		for _, name := range defaultIdentities {
			p := filepath.Join(tok.Home, ".ssh", name)
			if r.stat(p) == nil {
				d.SSH.IdentityFiles = append(d.SSH.IdentityFiles, p)
			}
		}
	}
	if s.IdentitiesOnly != nil {
		d.SSH.IdentitiesOnly = *s.IdentitiesOnly
		d.SSH.From = append(d.SSH.From, "IdentitiesOnly")
	}
	switch agent := s.IdentityAgent; agent {
	case "none":
		d.SSH.From = append(d.SSH.From, "IdentityAgent")
	case "", "SSH_AUTH_SOCK", "$SSH_AUTH_SOCK", "${SSH_AUTH_SOCK}":
		d.SSH.Agent, _ = r.env("SSH_AUTH_SOCK")
	default:
		p, err := sshconf.Expand(agent, tok)
		if err != nil {
			return fmt.Errorf("%s: IdentityAgent: %v", file.Path, err)
		}
		d.SSH.Agent = p
		d.SSH.From = append(d.SSH.From, "IdentityAgent")
	}
	if s.PubkeyAuthentication != nil && !*s.PubkeyAuthentication {
		d.SSH.NoPubkey = true
		d.SSH.From = append(d.SSH.From, "PubkeyAuthentication")
	}
	if s.PasswordAuthentication != nil && !*s.PasswordAuthentication {
		d.SSH.NoPassword = true
		d.SSH.From = append(d.SSH.From, "PasswordAuthentication")
	}
	return nil
}

// jumpHost resolves the jump host through ssh_config too, as OpenSSH
// does for ProxyJump: its HostName, User, Port (unless the jump host
// names them) and IdentityFile.
func (r *sshResolver) jumpHost(d *Device, file *sshconf.File, tok sshconf.Tokens) error {
	user, host, port, err := splitJump(d.JumpHost)
	if err != nil {
		return err
	}
	js, err := file.Host(host)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "ssh_config: "))
	}
	jt := tok
	jt.Original, jt.Host = host, host
	if js.HostName != "" {
		if host, err = sshconf.Expand(js.HostName, jt); err != nil {
			return fmt.Errorf("%s: Host %s: HostName: %v", file.Path, jt.Original, err)
		}
	}
	if user == "" {
		user = js.User
	}
	if port == 0 {
		port = js.Port
	}
	jt.Host, jt.RemoteUser, jt.Port = host, user, port
	for _, id := range js.IdentityFiles {
		p, err := sshconf.Expand(id, jt)
		if err != nil {
			return fmt.Errorf("%s: IdentityFile: %v", file.Path, err)
		}
		if _, err := os.Stat(p); err == nil {
			d.SSH.JumpIdentityFiles = append(d.SSH.JumpIdentityFiles, p)
		}
	}
	j := host
	if port != 0 {
		j = net.JoinHostPort(host, strconv.Itoa(port))
	}
	if user != "" {
		j = user + "@" + j
	}
	d.JumpHost = j
	return nil
}

// splitJump splits [user@]host[:port]; port is 0 when not given.
func splitJump(s string) (user, host string, port int, err error) {
	j, err := ParseJumpHost(s)
	if err != nil {
		return "", "", 0, err
	}
	if _, p, err := net.SplitHostPort(strings.TrimPrefix(s, j.User+"@")); err == nil && p != "" {
		port = j.Port
	}
	return j.User, j.Host, port, nil
}

func (r *sshResolver) algorithms(d *Device, s sshconf.Settings, file *sshconf.File, alias string) error {
	for _, a := range []struct {
		kind sshconf.Kind
		spec string
		dst  *[]string
	}{
		{sshconf.HostKeyAlgorithms, s.HostKeyAlgorithms, &d.SSH.HostKeyAlgorithms},
		{sshconf.KexAlgorithms, s.KexAlgorithms, &d.SSH.KexAlgorithms},
		{sshconf.Ciphers, s.Ciphers, &d.SSH.Ciphers},
		{sshconf.MACs, s.MACs, &d.SSH.MACs},
	} {
		if a.spec == "" {
			continue
		}
		algs, unknown, err := sshconf.List(a.kind, a.spec)
		if err != nil {
			return fmt.Errorf("%s: Host %s: %v", file.Path, alias, err)
		}
		if len(unknown) > 0 && r.warn != nil {
			r.warn(fmt.Sprintf("%s: Host %s: %s: not implemented by trustfix's SSH, left out: %s", file.Path, alias, a.kind, strings.Join(unknown, ",")))
		}
		*a.dst = algs
		d.SSH.From = append(d.SSH.From, string(a.kind))
	}
	return nil
}

func unwrapPathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
