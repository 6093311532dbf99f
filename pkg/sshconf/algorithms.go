package sshconf

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Kind is an algorithm list ssh_config can set.
type Kind string

// The lists trustfix takes from ssh_config.
const (
	HostKeyAlgorithms Kind = "HostKeyAlgorithms"
	KexAlgorithms     Kind = "KexAlgorithms"
	Ciphers           Kind = "Ciphers"
	MACs              Kind = "MACs"
)

// sets returns the default offer and every name golang.org/x/crypto/ssh
// implements for kind.
func sets(kind Kind) (defaults, known []string) {
	sup, insecure := ssh.SupportedAlgorithms(), ssh.InsecureAlgorithms()
	switch kind {
	case HostKeyAlgorithms:
		return sup.HostKeys, append(slices.Clone(sup.HostKeys), insecure.HostKeys...)
	case KexAlgorithms:
		return sup.KeyExchanges, append(slices.Clone(sup.KeyExchanges), insecure.KeyExchanges...)
	case Ciphers:
		return sup.Ciphers, append(slices.Clone(sup.Ciphers), insecure.Ciphers...)
	case MACs:
		return sup.MACs, append(slices.Clone(sup.MACs), insecure.MACs...)
	}
	return nil, nil
}

// List applies an OpenSSH algorithm list to trustfix's default offer:
// "a,b" replaces it, "+a,b" appends, "-a,b" removes (wildcards allowed),
// "^a,b" puts first. Names golang.org/x/crypto/ssh does not implement are
// left out and returned in unknown, so a file shared with OpenSSH still
// works; an empty result is an error.
func List(kind Kind, spec string) (algs, unknown []string, err error) {
	defaults, known := sets(kind)
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return slices.Clone(defaults), nil, nil
	}
	op := spec[0]
	if op == '+' || op == '-' || op == '^' {
		spec = spec[1:]
	}
	var names []string
	for _, n := range strings.Split(spec, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	pick := func() []string {
		var out []string
		for _, n := range names {
			if slices.Contains(known, n) {
				if !slices.Contains(out, n) {
					out = append(out, n)
				}
			} else {
				unknown = append(unknown, n)
			}
		}
		return out
	}
	switch op {
	case '-':
		algs = slices.DeleteFunc(slices.Clone(defaults), func(a string) bool {
			return slices.ContainsFunc(names, func(p string) bool { ok, _ := path.Match(p, a); return ok })
		})
	case '+':
		algs = slices.Clone(defaults)
		for _, a := range pick() {
			if !slices.Contains(algs, a) {
				algs = append(algs, a)
			}
		}
	case '^':
		algs = pick()
		for _, a := range defaults {
			if !slices.Contains(algs, a) {
				algs = append(algs, a)
			}
		}
	default:
		algs = pick()
	}
	if len(algs) == 0 {
		return nil, unknown, fmt.Errorf("%s %q leaves no algorithm trustfix's SSH implements (it has %s)", kind, spec, strings.Join(known, ","))
	}
	return algs, unknown, nil
}
