package inventory

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/trustfix/trustfix/pkg/secret"
	"github.com/trustfix/trustfix/pkg/sshconf"
)

// device merges defaults, the device's groups and the device's own fields
// into a Device and checks what only the merged view can tell: required
// fields, password variables, a file import without a bundle file. names
// maps device names seen so far to their line. ok is false when the device
// had an error.
func (p *parser) device(l *level, defaults *level, groups map[string]*level, names map[string]int) (Device, bool) {
	errs := len(p.errs)
	d := NewDevice("", "")
	d.Line = l.line

	if e := l.set["name"]; e == nil {
		p.add(l.line, l.path+".name", "missing")
	} else if e.ok {
		if first, dup := names[e.v.s]; dup {
			p.add(e.line, e.path, "duplicate name %s (first at %s)", quote(e.v.s), p.at(first))
		} else {
			names[e.v.s] = e.line
		}
	}

	chain := []*level{defaults}
	if e := l.set["groups"]; e != nil && e.ok {
		for j, g := range e.v.list {
			gl, found := groups[g]
			if !found {
				p.add(e.v.line[j], fmt.Sprintf("%s[%d]", e.path, j), "unknown group %s%s", quote(g), suggest(g, sortedKeys(groups)))
				continue
			}
			chain = append(chain, gl)
		}
		d.Groups = e.v.list
	}
	chain = append(chain, l)
	m := merge(chain)

	for i := range fields { // field order: deterministic
		if e := m[fields[i].key]; e != nil && e.ok && e.f.set != nil {
			e.f.set(&d, e.v)
		}
	}
	d.KnownHosts = p.filePath(d.KnownHosts)
	d.IdentityFile = p.filePath(d.IdentityFile)
	if d.SSHConfig != "none" {
		d.SSHConfig = p.filePath(d.SSHConfig)
	}
	if d.Host != "" {
		p.sshConfig(&d, m, l)
	}
	for _, key := range []string{"host", "username"} {
		if m[key] == nil && (key != "username" || d.Username == "") {
			p.add(l.line, l.path+"."+key, "missing")
		}
	}
	d.Password, d.PasswordFrom = p.password(m, "password", l, !d.SSH.CanUseKeys())
	d.EnablePassword, d.EnablePasswordFrom = p.password(m, "enable_password", l, false)
	if e := m["password_env"]; e != nil && e.ok {
		d.PasswordEnv = e.v.s
	}
	if e := m["enable_password_env"]; e != nil && e.ok {
		d.EnablePasswordEnv = e.v.s
	}
	if e := m["import_method"]; e != nil && e.ok && e.v.s == "file" && m["bundle_file"] == nil {
		p.add(l.line, l.path+".bundle_file", "missing (import_method file, set at %s, needs it)", p.at(e.line))
	}
	return d, len(p.errs) == errs
}

// merge overlays levels, later over earlier. A level that sets password or
// password_env replaces both (likewise the enable pair), so a device's
// plain password beats a default password_env and the other way round.
func merge(chain []*level) map[string]*entry {
	m := map[string]*entry{}
	for _, l := range chain {
		for _, key := range []string{"password", "enable_password"} {
			if l.set[key] != nil || l.set[key+"_env"] != nil {
				delete(m, key)
				delete(m, key+"_env")
			}
		}
		for k, e := range l.set {
			m[k] = e
		}
	}
	return m
}

// password resolves key ("password" or "enable_password") from its _env
// variable or its plain value, and for a plain value says where it is
// written (FILE:LINE). A missing variable is reported where the effective
// _env was written; a missing required password at the device.
func (p *parser) password(m map[string]*entry, key string, l *level, required bool) (secret.Secret, string) {
	if e := m[key+"_env"]; e != nil {
		if !e.ok {
			return secret.Secret{}, ""
		}
		s, err := secret.FromLookup(e.v.s, p.env)
		if err != nil {
			p.errs = append(p.errs, &Error{File: p.file, Line: e.line, Field: e.path, Msg: err.Error(), Err: err})
		} else if key == "enable_password" && hasControl(s.Reveal()) {
			p.add(e.line, e.path, "the value of %s holds a control character (a newline would be typed as a second line at the device; the value is not shown)", e.v.s)
		}
		return s, ""
	}
	if e := m[key]; e != nil {
		if e.ok && key == "enable_password" && hasControl(e.v.s) {
			p.add(e.line, e.path, "holds a control character (a newline would be typed as a second line at the device; the value is not shown)")
		}
		if e.ok {
			return secret.New(e.v.s), p.place(e.line)
		}
		return secret.Secret{}, ""
	}
	if required {
		p.add(l.line, l.path+"."+key+"_env", "missing (set password_env, or password, in the device, a group or defaults; or log in with a key: identity_file, ssh_config's IdentityFile or an ssh-agent)")
	}
	return secret.Secret{}, ""
}

// hasControl reports a C0 or C1 control character or DEL. The enable
// password is typed at the device's prompt, so it must be one line.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }) >= 0
}

func sortedKeys(m map[string]*level) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sshConfig completes d from ssh_config and its keys (see SSH); a problem
// is reported at the ssh_config or identity_file that caused it.
func (p *parser) sshConfig(d *Device, m map[string]*entry, l *level) {
	if p.ssh == nil {
		p.ssh = &sshResolver{env: p.env, files: map[string]*sshconf.File{}, warn: func(msg string) {
			if !slices.Contains(p.sshNotes, msg) {
				p.sshNotes = append(p.sshNotes, msg)
				p.warn(0, "", msg)
			}
		}}
	}
	err := p.ssh.resolve(d, Explicit{Port: m["port"] != nil, Username: m["username"] != nil, JumpHost: m["jump_host"] != nil})
	if err == nil {
		return
	}
	line, field := l.line, l.path+".ssh_config"
	if e := m["ssh_config"]; e != nil {
		line, field = e.line, e.path
	}
	if e := m["identity_file"]; e != nil && strings.HasPrefix(err.Error(), "identity_file ") {
		line, field = e.line, e.path
	}
	p.add(line, field, "%s", strings.TrimPrefix(err.Error(), "identity_file "))
}
