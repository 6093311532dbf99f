package session

import (
	"bytes"
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
// whole run: each file set is parsed once and again only when someone else
// changes a file (re-parsing for every device makes a large fleet
// quadratic); the keys the run itself appends are kept beside the parse
// instead (a first night of 5,000 devices appends 5,000), and appends from
// concurrent devices are serialised. The zero value is ready.
type KnownHosts struct {
	mu     sync.Mutex
	parsed map[string]*parsedHosts // by the file list, NUL-joined
	parses int                     // how many parses it took (tests)
}

// parsedHosts is one parse of a set of files, valid while each file's
// size and modification time are what the parse and this run's own appends
// left. Its fields after db change only under KnownHosts.mu.
type parsedHosts struct {
	db    *knownhosts.HostKeyDB
	files []string
	stamp string
	// added are the keys this run appended to files[0] since the parse,
	// by normalised address; newlines counts files[0]'s newlines, for the
	// line number of the next append.
	added    map[string][]xknownhosts.KnownKey
	newlines int
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
	p, err := k.load(files)
	if err != nil {
		return hostKeyCheck{}, err
	}
	hc := hostKeyCheck{files: files, algorithms: offered(k.knownAlgorithms(p, addr), legacy)}
	verify := k.verifier(p)
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
			return k.append(p, write, host, remote, key)
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

// offered is what the client offers for a host's key, given the algorithms
// of the keys known_hosts holds for it (as OpenSSH orders its offer), so a
// device that also has a key of another type presents the one we know.
// nil when the host is not known: the client's defaults.
func offered(known []string, legacy bool) []string {
	supported := ssh.SupportedAlgorithms().HostKeys
	var out []string
	for _, a := range known {
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

// load parses files once per change by someone else; nil when there is
// none to read.
func (k *KnownHosts) load(files []string) (*parsedHosts, error) {
	if len(files) == 0 {
		return nil, nil
	}
	key := strings.Join(files, "\x00")
	// The stamp is taken under the lock: taken before it, a stamp read
	// while another device appends would not match what that append left
	// in the parse, and every such device would parse again.
	k.mu.Lock()
	defer k.mu.Unlock()
	stamp, err := stampOf(files)
	if err != nil {
		return nil, err
	}
	if p, ok := k.parsed[key]; ok && p.stamp == stamp {
		return p, nil
	}
	db, err := knownhosts.NewDB(files...)
	if err != nil {
		return nil, fmt.Errorf("known_hosts: %w", err)
	}
	k.parses++
	p := &parsedHosts{db: db, files: files, stamp: stamp, newlines: countNewlines(files[0])}
	if k.parsed == nil {
		k.parsed = map[string]*parsedHosts{}
	}
	k.parsed[key] = p
	return p, nil
}

// verifier checks a host's key against the parse, and a host the parse
// does not know against the keys this run appended for it since.
func (k *KnownHosts) verifier(p *parsedHosts) ssh.HostKeyCallback {
	if p == nil {
		return func(string, net.Addr, ssh.PublicKey) error { return &xknownhosts.KeyError{} }
	}
	db := p.db.HostKeyCallback()
	return func(host string, remote net.Addr, key ssh.PublicKey) error {
		err := db(host, remote, key)
		var ke *xknownhosts.KeyError
		if !errors.As(err, &ke) || len(ke.Want) > 0 {
			return err
		}
		want := k.added(p, host, remote)
		for _, w := range want {
			if bytes.Equal(w.Key.Marshal(), key.Marshal()) {
				return nil
			}
		}
		return &xknownhosts.KeyError{Want: want}
	}
}

// knownAlgorithms are the algorithms of the keys known for addr, as
// skeema/knownhosts orders them (RSA as rsa-sha2-512, rsa-sha2-256, then
// ssh-rsa).
func (k *KnownHosts) knownAlgorithms(p *parsedHosts, addr string) []string {
	if p == nil {
		return nil
	}
	if algs := p.db.HostKeyAlgorithms(addr); len(algs) > 0 {
		return algs
	}
	var algs []string
	for _, w := range k.added(p, addr, nil) {
		if t := w.Key.Type(); t == ssh.KeyAlgoRSA {
			algs = append(algs, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, t)
		} else {
			algs = append(algs, t)
		}
	}
	return slices.Compact(algs)
}

// added are the keys this run appended for host (or remote) since p's
// parse.
func (k *KnownHosts) added(p *parsedHosts, host string, remote net.Addr) []xknownhosts.KnownKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := slices.Clone(p.added[xknownhosts.Normalize(host)])
	if remote != nil {
		if r := xknownhosts.Normalize(remote.String()); r != xknownhosts.Normalize(host) {
			out = append(out, p.added[r]...)
		}
	}
	return out
}

// countNewlines counts the newlines of a file (0 when unreadable).
func countNewlines(file string) int {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte("\n"))
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
// When p is the parse of the file as it stands (nobody else wrote to it
// since), the key is added to p as well, so that the next device need not
// parse the file again.
func (k *KnownHosts) append(p *parsedHosts, file, host string, remote net.Addr, key ssh.PublicKey) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	current := false
	if p != nil && p.files[0] == file {
		stamp, err := stampOf(p.files)
		current = err == nil && stamp == p.stamp
	}
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
	if err := f.Sync(); err != nil {
		return err
	}
	if current {
		p.addLine(file, addrs, key, line)
	}
	return nil
}

// addLine records in p a line just appended to file (after p's parse),
// with the stamp the append left.
func (p *parsedHosts) addLine(file string, addrs []string, key ssh.PublicKey, line string) {
	stamp, err := stampOf(p.files)
	if err != nil {
		return
	}
	p.stamp = stamp
	if strings.HasPrefix(line, "\n") {
		p.newlines++ // the previous last line, ended
	}
	p.newlines++
	if p.added == nil {
		p.added = map[string][]xknownhosts.KnownKey{}
	}
	for _, a := range addrs {
		p.added[a] = append(p.added[a], xknownhosts.KnownKey{Key: key, Filename: file, Line: p.newlines})
	}
}

// errNoKnownAlgorithm explains a handshake that failed because the device
// offers none of the key types known_hosts holds for it.
func errNoKnownAlgorithm(addr string, hc hostKeyCheck) error {
	return fmt.Errorf("%w: known_hosts (%s) holds only %s keys for %s, and the device offers none of them: it may have been re-keyed; check its key, then remove the old entry with ssh-keygen -R '%s'",
		ErrHostKey, strings.Join(hc.files, ", "), strings.Join(hc.algorithms, ", "), addr, xknownhosts.Normalize(addr))
}
