package ansible

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/shlex"
	"github.com/trustfix/trustfix/pkg/sshconf"
)

// How Ansible variables become trustfix fields.
//
//   - ansible_host, ansible_port, ansible_user and
//     ansible_ssh_private_key_file give host, port, username and
//     identity_file; the older ansible_ssh_host, ansible_ssh_port,
//     ansible_ssh_user and ansible_private_key_file count only when the
//     current name is not set. Without any, the host is its inventory name.
//   - ansible_network_os gives platform: the platform whose Spec declares
//     the name (pkg/platform, Spec.Names.Ansible), which today reads
//     cisco.ios.ios or ios → auto (IOS XE, or classic IOS that detection
//     refuses), cisco.iosxr.iosxr or iosxr → iosxr, cisco.asa.asa or asa
//     → asa. A host with another network OS, or none, is not a device
//     trustfix fixes: it is left out, with a warning, unless
//     trustfix_platform says otherwise.
//   - A jump host in ansible_ssh_common_args or ansible_ssh_extra_args
//     (-J, -o ProxyJump=..., or -o ProxyCommand="ssh -W %h:%p ... HOST")
//     gives jump_host.
//   - trustfix_<field> sets any trustfix field (trustfix_password_env,
//     trustfix_import_method, trustfix_max_sessions on a group, ...). It
//     wins over the Ansible variable it overlaps, wherever each is set, so
//     trustfix can log in differently from your playbooks.
//   - Passwords never come from the inventory: ansible_password,
//     ansible_ssh_pass and ansible_become_password are ignored with a
//     warning that says what to set instead; trustfix_password is an error.
//   - Jinja expressions ({{ ... }}) are not evaluated: a field that would
//     take one is an error that says to set trustfix_<field>.

// connectionVars are the variables a field reads, current name first.
var connectionVars = []struct {
	field string
	names []string
}{
	{"host", []string{"ansible_host", "ansible_ssh_host"}},
	{"port", []string{"ansible_port", "ansible_ssh_port"}},
	{"username", []string{"ansible_user", "ansible_ssh_user"}},
	{"identity_file", []string{"ansible_ssh_private_key_file", "ansible_private_key_file"}},
}

// passwordVars are ignored; the value is the trustfix field to set instead.
var passwordVars = map[string]string{
	"ansible_password":        "trustfix_password_env",
	"ansible_ssh_pass":        "trustfix_password_env",
	"ansible_ssh_password":    "trustfix_password_env",
	"ansible_become_password": "trustfix_enable_password_env",
	"ansible_become_pass":     "trustfix_enable_password_env",
}

// Platforms is what the Ansible front-end needs of the platform registry
// (*platform.Registry): the trustfix platform an ansible_network_os value
// stands for (a platform id, or auto), as the platforms' Specs declare.
type Platforms interface {
	AnsiblePlatform(networkOS string) (platform string, ok bool)
	// AnsiblePlatforms lists every platform AnsiblePlatform answers.
	AnsiblePlatforms() []string
}

const prefix = "trustfix_"

// names spells a trustfix field the Ansible way, for messages.
func names(field string) string {
	for _, c := range connectionVars {
		if c.field == field {
			return c.names[0] + " or " + prefix + field
		}
	}
	return prefix + field
}

// mapped is one set of variables in trustfix terms.
type mapped struct {
	fields []inventory.Field
	skip   string           // why this is not a trustfix device ("": it is)
	err    *inventory.Error // the first value trustfix cannot use (strict only)
	notes  []inventory.Problem
}

func (r *mapped) fail(pos inventory.Pos, format string, args ...any) {
	if r.err == nil {
		r.err = inventory.Errorf(pos, format, args...)
	}
}

// mapVars translates variables. strict (a host's resolved variables)
// reports what cannot be used; otherwise (one level's own variables, for
// the grouped layout) such values are simply left out: the strict pass
// over every host reports them.
func mapVars(vs vars, strict bool, platforms Platforms) mapped {
	var r mapped
	set := func(field string, v variable) {
		node, why := usable(v.node)
		if why != "" {
			if strict {
				r.fail(v.pos, "%s; set %s%s to a plain value", why, prefix, field)
			}
			return
		}
		r.fields = append(r.fields, inventory.Field{Key: field, Value: inventory.Value{Node: node, Pos: v.pos}})
	}
	overridden := func(field string) bool { _, ok := vs.get(prefix + field); return ok }

	for _, c := range connectionVars {
		if overridden(c.field) {
			continue
		}
		for _, name := range c.names {
			if v, ok := vs.get(name); ok && !inventory.IsNull(v.node) {
				set(c.field, v)
				break
			}
		}
	}
	if !overridden("platform") {
		r.platform(vs, strict, set, platforms)
	}
	if !overridden("jump_host") {
		for _, name := range []string{"ansible_ssh_common_args", "ansible_ssh_extra_args"} {
			v, ok := vs.get(name)
			if !ok || inventory.IsNull(v.node) {
				continue
			}
			if _, why := usable(v.node); why != "" {
				if strict {
					r.fail(v.pos, "%s; set %sjump_host to a plain value", why, prefix)
				}
				continue
			}
			jump, found, err := jumpFromArgs(v.node.Value)
			if err != nil {
				if strict {
					r.fail(v.pos, "%v; set %sjump_host", err, prefix)
				}
				continue
			}
			if found {
				if jump != "" {
					set("jump_host", variable{inventory.Scalar(jump), v.pos})
				}
				break
			}
		}
	}
	for _, k := range vs.keys {
		v := vs.m[k]
		if field, ok := strings.CutPrefix(k, prefix); ok {
			switch field {
			case "name", "groups":
				if strict {
					r.fail(v.pos, "not a variable: a device's %s comes from the inventory itself", field)
				}
			case "password", "enable_password":
				if strict {
					r.fail(v.pos, "passwords are never read from an inventory: set %s%s_env to the name of an environment variable that holds it", prefix, field)
				}
			default:
				set(field, v)
			}
			continue
		}
		if instead, ok := passwordVars[k]; ok && strict {
			r.notes = append(r.notes, inventory.Problem{Pos: v.pos,
				Msg: fmt.Sprintf("ignored: trustfix never reads passwords from an inventory; set %s to the name of an environment variable that holds it", instead)})
		}
	}
	return r
}

// platform maps ansible_network_os, or says why the host is left out.
func (r *mapped) platform(vs vars, strict bool, set func(string, variable), platforms Platforms) {
	v, ok := vs.get("ansible_network_os")
	if !ok || inventory.IsNull(v.node) {
		r.skip = "without ansible_network_os"
		return
	}
	if _, why := usable(v.node); why != "" {
		if strict {
			r.fail(v.pos, "%s; set %splatform to %s", why, prefix, orList(platforms.AnsiblePlatforms()))
		}
		return
	}
	p, ok := platforms.AnsiblePlatform(strings.TrimSpace(v.node.Value))
	if !ok {
		r.skip = "with ansible_network_os " + v.node.Value + ", not a platform trustfix fixes"
		return
	}
	set("platform", variable{inventory.Scalar(p), v.pos})
}

// orList spells a list the way a message reads it: "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// usable returns n ready for the validator, or why trustfix cannot use
// it as Ansible would.
func usable(n *yaml.Node) (*yaml.Node, string) {
	n = inventory.Deref(n)
	switch {
	case n.Tag == "!vault" || strings.HasPrefix(strings.TrimSpace(n.Value), "$ANSIBLE_VAULT;"):
		return nil, "encrypted with ansible-vault (trustfix does not decrypt)"
	case n.Kind == yaml.ScalarNode && (strings.Contains(n.Value, "{{") || strings.Contains(n.Value, "{%")):
		return nil, fmt.Sprintf("a Jinja expression %s (trustfix does not evaluate templates)", inventory.Quote(n.Value))
	}
	if n.Kind == yaml.ScalarNode && n.Tag != "" && n.Tag[0] == '!' && !strings.HasPrefix(n.Tag, "!!") {
		c := *n
		c.Tag = "!!str" // !unsafe and other local tags: the text as written
		return &c, ""
	}
	return n, ""
}

// jumpFromArgs finds the jump host in ssh arguments: -J HOST,
// -o ProxyJump=HOST, or -o ProxyCommand="ssh -W %h:%p [opts] [USER@]HOST".
// found with an empty jump means ProxyJump=none.
func jumpFromArgs(args string) (jump string, found bool, err error) {
	words, err := shlex.Split(args)
	if err != nil {
		return "", false, fmt.Errorf("cannot read ssh arguments %s: %v", inventory.Quote(args), err)
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		var opt string
		switch {
		case w == "-J" && i+1 < len(words):
			i++
			return sshconf.ProxyJump(words[i])
		case strings.HasPrefix(w, "-J"):
			return sshconf.ProxyJump(w[2:])
		case w == "-o" && i+1 < len(words):
			i++
			opt = words[i]
		case strings.HasPrefix(w, "-o"):
			opt = w[2:]
		default:
			continue
		}
		key, val, ok := strings.Cut(opt, "=")
		if !ok {
			key, val, _ = strings.Cut(opt, " ")
		}
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "proxyjump":
			return sshconf.ProxyJump(strings.TrimSpace(val))
		case "proxycommand":
			return sshconf.ProxyCommand(strings.TrimSpace(val))
		}
	}
	return "", false, nil
}
