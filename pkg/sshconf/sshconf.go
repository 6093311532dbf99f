// Package sshconf reads an OpenSSH client configuration (ssh_config(5))
// with github.com/kevinburke/ssh_config and says, for one host, what trustfix
// takes from it: HostName, User, Port, ProxyJump (or a ProxyCommand that is
// a plain `ssh -W` jump), IdentityFile, IdentitiesOnly, IdentityAgent,
// PubkeyAuthentication, PasswordAuthentication and the algorithm lists. As
// in OpenSSH, the first value found for a keyword wins, and IdentityFile
// accumulates.
package sshconf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"

	sshconfig "github.com/kevinburke/ssh_config"
)

// File is one parsed ssh_config file.
type File struct {
	Path string
	cfg  *sshconfig.Config
}

// ErrSyntax is matched by every error Load returns for a file it could read.
var ErrSyntax = errors.New("ssh_config")

var posRE = regexp.MustCompile(`^\((\d+), \d+\): (?:ssh_config: )?(.*)$`)

// Load parses path. A missing file is (nil, nil): OpenSSH runs without one.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cfg, err := sshconfig.DecodeBytes(data)
	if err != nil {
		msg := strings.Join(strings.Fields(err.Error()), " ")
		if m := posRE.FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%w: %s:%s: %s", ErrSyntax, path, m[1], m[2])
		}
		return nil, fmt.Errorf("%w: %s: %s", ErrSyntax, path, msg)
	}
	return &File{Path: path, cfg: cfg}, nil
}

// Settings is what the file says about one host; an empty field was not
// said (Port 0, a nil *bool).
type Settings struct {
	HostName               string
	User                   string
	Port                   int
	ProxyJump              string // as written; "none" disables a jump
	ProxyCommand           string
	IdentityFiles          []string // as written (tokens not expanded)
	IdentitiesOnly         *bool
	IdentityAgent          string
	PubkeyAuthentication   *bool
	PasswordAuthentication *bool
	HostKeyAlgorithms      string // OpenSSH list syntax: a,b | +a | -a | ^a
	KexAlgorithms          string
	Ciphers                string
	MACs                   string
	// Set names the keywords that matched, in the order above.
	Set []string
}

// Host returns the settings for alias (the host as given, before
// HostName), with every value checked.
func (f *File) Host(alias string) (Settings, error) {
	var s Settings
	if f == nil {
		return s, nil
	}
	get := func(key string) (string, error) {
		v, err := f.cfg.Get(alias, key)
		if err != nil {
			return "", fmt.Errorf("%w: %s: %s: %v", ErrSyntax, f.Path, key, err)
		}
		v = strings.TrimSpace(v)
		if v != "" {
			s.Set = append(s.Set, key)
		}
		return v, nil
	}
	var err error
	str := func(key string, dst *string) {
		if err == nil {
			*dst, err = get(key)
		}
	}
	flag := func(key string, dst **bool) {
		var v string
		str(key, &v)
		if err != nil || v == "" {
			return
		}
		switch strings.ToLower(v) {
		case "yes", "true":
			b := true
			*dst = &b
		case "no", "false":
			b := false
			*dst = &b
		default:
			err = fmt.Errorf("%w: %s: Host %s: %s %q: want yes or no", ErrSyntax, f.Path, alias, key, v)
		}
	}
	str("HostName", &s.HostName)
	str("User", &s.User)
	var port string
	str("Port", &port)
	if err == nil && port != "" {
		n, perr := strconv.Atoi(port)
		if perr != nil || n < 1 || n > 65535 {
			return s, fmt.Errorf("%w: %s: Host %s: Port %q: want 1-65535", ErrSyntax, f.Path, alias, port)
		}
		s.Port = n
	}
	str("ProxyJump", &s.ProxyJump)
	str("ProxyCommand", &s.ProxyCommand)
	if err == nil {
		var ids []string
		ids, err = f.cfg.GetAll(alias, "IdentityFile")
		for _, id := range ids {
			if id = strings.TrimSpace(id); id != "" {
				s.IdentityFiles = append(s.IdentityFiles, id)
			}
		}
		if len(s.IdentityFiles) > 0 {
			s.Set = append(s.Set, "IdentityFile")
		}
	}
	flag("IdentitiesOnly", &s.IdentitiesOnly)
	str("IdentityAgent", &s.IdentityAgent)
	flag("PubkeyAuthentication", &s.PubkeyAuthentication)
	flag("PasswordAuthentication", &s.PasswordAuthentication)
	str("HostKeyAlgorithms", &s.HostKeyAlgorithms)
	str("KexAlgorithms", &s.KexAlgorithms)
	str("Ciphers", &s.Ciphers)
	str("MACs", &s.MACs)
	return s, err
}

// Tokens are the values the %-tokens of HostName, IdentityFile and
// IdentityAgent stand for (ssh_config(5) "TOKENS").
type Tokens struct {
	Home       string // %d and a leading ~/
	LocalUser  string // %u
	LocalHost  string // %l (%L: up to the first dot)
	Host       string // %h: the host name after HostName
	Original   string // %n: the host as given
	RemoteUser string // %r
	Port       int    // %p
}

// Expand replaces the tokens in s; an unknown token is an error (as in
// OpenSSH).
func Expand(s string, t Tokens) (string, error) {
	if rest, ok := strings.CutPrefix(s, "~/"); ok && t.Home != "" {
		s = t.Home + "/" + rest
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("%q ends with %%", s)
		}
		i++
		switch s[i] {
		case '%':
			b.WriteByte('%')
		case 'd':
			b.WriteString(t.Home)
		case 'u':
			b.WriteString(t.LocalUser)
		case 'l':
			b.WriteString(t.LocalHost)
		case 'L':
			short, _, _ := strings.Cut(t.LocalHost, ".")
			b.WriteString(short)
		case 'h':
			b.WriteString(t.Host)
		case 'n':
			b.WriteString(t.Original)
		case 'r':
			b.WriteString(t.RemoteUser)
		case 'p':
			b.WriteString(strconv.Itoa(t.Port))
		default:
			return "", fmt.Errorf("%q: unknown token %%%c", s, s[i])
		}
	}
	return b.String(), nil
}
