package session

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"
)

// Host-key policies (inventory host_key_policy).
const (
	Strict    = "strict"     // the key must already be in known_hosts
	AcceptNew = "accept-new" // record unknown hosts, refuse changed keys
	Insecure  = "insecure"   // accept anything (labs only)
)

// globalKnownHosts is read as well as the user's file when no known_hosts
// is configured, as OpenSSH does (GlobalKnownHostsFile).
const globalKnownHosts = "/etc/ssh/ssh_known_hosts"

// KnownHosts reads known_hosts files as OpenSSH does — hashed entries,
// @cert-authority and @revoked lines, and the host-key algorithms each host
// is known by — and appends keys under accept-new. One KnownHosts serves a
// whole run: each file set is parsed once and again only when a file
// changes (re-parsing for every device makes a large fleet quadratic), and
// appends from concurrent devices are serialised. The zero value is ready.
type KnownHosts struct {
	mu     sync.Mutex
	parsed map[string]parsedHosts // by the file list, NUL-joined
}

// parsedHosts is one parse of a set of files, valid while each file's
// size and modification time are unchanged.
type parsedHosts struct {
	db    *knownhosts.HostKeyDB
	stamp string
}

// hostKeyCheck is one connection's view of known_hosts: the algorithms to
// offer and the callback that enforces the policy.
type hostKeyCheck struct {
	algorithms []string // nil: the client's defaults (the host is not known)
	callback   ssh.HostKeyCallback
	files      []string // what was read, for messages
}

// check prepares the host-key check of one connection to addr (host:port)
// under policy. file is the known_hosts to use and to append to; "" means
// ~/.ssh/known_hosts, with /etc/ssh/ssh_known_hosts also read. legacy allows
// the SHA-1 ssh-rsa signature when known_hosts holds an RSA key.
func (k *KnownHosts) check(policy, file, addr string, legacy bool) (hostKeyCheck, error) {
	switch policy {
	case Insecure:
		return hostKeyCheck{callback: ssh.InsecureIgnoreHostKey()}, nil //nolint:gosec // explicit opt-in
	case "":
		policy = AcceptNew
	case Strict, AcceptNew:
	default:
		return hostKeyCheck{}, fmt.Errorf("unknown host_key_policy %q (want strict|accept-new|insecure)", policy)
	}
	files, write := knownHostsFiles(file)
	db, err := k.load(files)
	if err != nil {
		return hostKeyCheck{}, err
	}
	hc := hostKeyCheck{files: files, algorithms: offered(db, addr, legacy)}
	var verify ssh.HostKeyCallback = func(string, net.Addr, ssh.PublicKey) error { return &xknownhosts.KeyError{} }
	if db != nil {
		verify = db.HostKeyCallback()
	}
	hc.callback = func(host string, remote net.Addr, key ssh.PublicKey) error {
		err := verify(host, remote, key)
		var ke *xknownhosts.KeyError
		var re *xknownhosts.RevokedError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &re):
			return fmt.Errorf("%w: the key of %s (%s %s) is marked @revoked in %s:%d: refusing to connect",
				ErrHostKey, host, key.Type(), ssh.FingerprintSHA256(key), re.Revoked.Filename, re.Revoked.Line)
		case errors.As(err, &ke) && len(ke.Want) > 0:
			w := ke.Want[0]
			return fmt.Errorf("%w: the key of %s changed: it presents %s %s, %s:%d holds %s %s; refusing to connect (if the device was re-keyed on purpose: ssh-keygen -R '%s' -f %s)",
				ErrHostKey, host, key.Type(), ssh.FingerprintSHA256(key), w.Filename, w.Line, w.Key.Type(), ssh.FingerprintSHA256(w.Key),
				xknownhosts.Normalize(host), w.Filename)
		case errors.As(err, &ke) && policy == Strict:
			return fmt.Errorf("%w: %s is not in %s (host_key_policy strict); its key is %s %s",
				ErrHostKey, host, strings.Join(files, " or "), key.Type(), ssh.FingerprintSHA256(key))
		case errors.As(err, &ke):
			return k.append(write, host, remote, key)
		}
		return fmt.Errorf("%w: %v", ErrHostKey, err)
	}
	return hc, nil
}

// knownHostsFiles lists the files to read, existing ones only, and the
// one to append to.
func knownHostsFiles(file string) (read []string, write string) {
	candidates := []string{file}
	if file == "" {
		home, _ := os.UserHomeDir()
		file = filepath.Join(home, ".ssh", "known_hosts")
		candidates = []string{file, globalKnownHosts}
	}
	for _, f := range candidates {
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
			read = append(read, f)
		}
	}
	return read, file
}

// offered is what the client offers for addr's host key: the algorithms
// of the keys known_hosts holds for it (as OpenSSH orders its offer), so a
// device that also has a key of another type presents the one we know.
// nil when the host is not known: the client's defaults.
func offered(db *knownhosts.HostKeyDB, addr string, legacy bool) []string {
	if db == nil {
		return nil
	}
	supported := ssh.SupportedAlgorithms().HostKeys
	var out []string
	for _, a := range db.HostKeyAlgorithms(addr) {
		switch {
		case a == ssh.KeyAlgoRSA && legacy:
			out = append(out, a)
		case slices.Contains(supported, a):
			out = append(out, a)
		case strings.Contains(a, "-cert-v01@openssh.com"):
			out = append(out, a) // a @cert-authority entry for the host
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// load parses files once per change; nil when there is none to read.
func (k *KnownHosts) load(files []string) (*knownhosts.HostKeyDB, error) {
	if len(files) == 0 {
		return nil, nil
	}
	key := strings.Join(files, "\x00")
	stamp, err := stampOf(files)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if p, ok := k.parsed[key]; ok && p.stamp == stamp {
		return p.db, nil
	}
	db, err := knownhosts.NewDB(files...)
	if err != nil {
		return nil, fmt.Errorf("known_hosts: %w", err)
	}
	if k.parsed == nil {
		k.parsed = map[string]parsedHosts{}
	}
	k.parsed[key] = parsedHosts{db: db, stamp: stamp}
	return db, nil
}

func stampOf(files []string) (string, error) {
	var b strings.Builder
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return "", fmt.Errorf("known_hosts: %w", err)
		}
		fmt.Fprintf(&b, "%d/%d;", st.Size(), st.ModTime().UnixNano())
	}
	return b.String(), nil
}

// append records an accepted key: one O_APPEND write, serialised with the
// run's other appends, never glued to a last line without its newline.
func (k *KnownHosts) append(file, host string, remote net.Addr, key ssh.PublicKey) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	addrs := []string{xknownhosts.Normalize(host)}
	if remote != nil {
		if r := xknownhosts.Normalize(remote.String()); r != addrs[0] {
			addrs = append(addrs, r)
		}
	}
	line := xknownhosts.Line(addrs, key) + "\n"
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			line = "\n" + line
		}
	}
	if _, err := f.WriteString(line); err != nil {
		return err
	}
	return f.Sync()
}

// errNoKnownAlgorithm explains a handshake that failed because the device
// offers none of the key types known_hosts holds for it.
func errNoKnownAlgorithm(addr string, hc hostKeyCheck) error {
	return fmt.Errorf("%w: known_hosts (%s) holds only %s keys for %s, and the device offers none of them: it may have been re-keyed; check its key, then remove the old entry with ssh-keygen -R '%s'",
		ErrHostKey, strings.Join(hc.files, ", "), strings.Join(hc.algorithms, ", "), addr, xknownhosts.Normalize(addr))
}
