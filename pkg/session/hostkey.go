package session

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Host-key policies (inventory host_key_policy).
const (
	Strict    = "strict"     // the key must already be in known_hosts
	AcceptNew = "accept-new" // record unknown hosts, refuse changed keys
	Insecure  = "insecure"   // accept anything (labs only)
)

// knownHostsMu serialises appends to known_hosts files within the process;
// each append is also a single O_APPEND write.
var knownHostsMu sync.Mutex

// hostKeyCallback implements the policy against a known_hosts file.
func hostKeyCallback(policy, file string) (ssh.HostKeyCallback, error) {
	switch policy {
	case Insecure:
		return ssh.InsecureIgnoreHostKey(), nil //nolint:gosec // explicit opt-in
	case Strict, AcceptNew, "":
	default:
		return nil, fmt.Errorf("unknown host_key_policy %q (want strict|accept-new|insecure)", policy)
	}
	if policy == "" {
		policy = AcceptNew
	}
	return func(host string, remote net.Addr, key ssh.PublicKey) error {
		knownHostsMu.Lock()
		defer knownHostsMu.Unlock()
		check, err := loadKnownHosts(file)
		if err != nil {
			return err
		}
		err = check(host, remote, key)
		var ke *knownhosts.KeyError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &ke) && len(ke.Want) > 0:
			return fmt.Errorf("%w: the key of %s changed (%s %s, known_hosts %s:%d): refusing to connect",
				ErrHostKey, host, key.Type(), ssh.FingerprintSHA256(key), ke.Want[0].Filename, ke.Want[0].Line)
		case errors.As(err, &ke) && policy == Strict:
			return fmt.Errorf("%w: %s is not in %s (host_key_policy strict); its key is %s %s",
				ErrHostKey, host, file, key.Type(), ssh.FingerprintSHA256(key))
		case errors.As(err, &ke):
			return appendKnownHost(file, host, remote, key)
		}
		return err
	}, nil
}

// parsed caches each known_hosts file's parsed form (guarded by
// knownHostsMu): re-parsing it for every connection makes a large fleet
// quadratic. A changed size or time, or our own append, invalidates it.
var parsed = map[string]knownHostsFile{}

type knownHostsFile struct {
	check ssh.HostKeyCallback
	size  int64
	mtime time.Time
}

func loadKnownHosts(file string) (ssh.HostKeyCallback, error) {
	st, err := os.Stat(file)
	if errors.Is(err, os.ErrNotExist) {
		return func(string, net.Addr, ssh.PublicKey) error {
			return &knownhosts.KeyError{}
		}, nil
	}
	if err != nil {
		return nil, err
	}
	if c, ok := parsed[file]; ok && c.size == st.Size() && c.mtime.Equal(st.ModTime()) {
		return c.check, nil
	}
	check, err := knownhosts.New(file)
	if err != nil {
		return nil, err
	}
	parsed[file] = knownHostsFile{check: check, size: st.Size(), mtime: st.ModTime()}
	return check, nil
}

func appendKnownHost(file, host string, remote net.Addr, key ssh.PublicKey) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	addrs := []string{knownhosts.Normalize(host)}
	if remote != nil {
		if r := knownhosts.Normalize(remote.String()); r != addrs[0] {
			addrs = append(addrs, r)
		}
	}
	line := knownhosts.Line(addrs, key) + "\n"
	// Never glue our line to a last line that lacks its newline.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			line = "\n" + line
		}
	}
	delete(parsed, file)
	if _, err := f.WriteString(line); err != nil {
		return err
	}
	return f.Sync()
}
