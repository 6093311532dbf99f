package devsim

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// Public-key login, as a device configured with `ip ssh pubkey-chain`
// (IOS XE), `crypto key import authentication` (IOS XR) or
// `ssh ... pubkey` / `username ... attributes ssh authentication
// publickey` (ASA) accepts it: the user's key must be one of the
// authorized keys. A keys_only device offers no other method, like
// `ip ssh server algorithm authentication publickey`.

// checkKeys parses authorized_keys lines; the error starts with the
// index of the bad one, e.g. "[1]: ...".
func checkKeys(lines []string) error {
	for i, l := range lines {
		if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(l)); err != nil {
			return fmt.Errorf("[%d]: not an authorized_keys line: %v", i, err)
		}
	}
	return nil
}

func parseKeys(lines []string) []ssh.PublicKey {
	var keys []ssh.PublicKey
	for _, l := range lines {
		if k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(l)); err == nil {
			keys = append(keys, k)
		}
	}
	return keys
}

// keyExtension marks, in a connection's Permissions, the key it logged
// in with.
const keyExtension = "pubkey-fp"

// authorize is a PublicKeyCallback over keys for user; failed records a
// refused key (the lab counts a failed login only if no method succeeds)
// and refused, if set, counts it.
func authorize(user string, keys []ssh.PublicKey, failed *bool, refused func()) func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) {
	return func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
		if c.User() == user {
			for _, k := range keys {
				if bytes.Equal(k.Marshal(), key.Marshal()) {
					return &ssh.Permissions{Extensions: map[string]string{keyExtension: ssh.FingerprintSHA256(key)}}, nil
				}
			}
		}
		*failed = true
		if refused != nil {
			refused()
		}
		return nil, errors.New("public key not authorized")
	}
}

// keyAuth adds public-key login to a device's server configuration; a
// keys_only device loses its password and keyboard-interactive login.
func (d *Device) keyAuth(cfg *ssh.ServerConfig, failed *bool) {
	d.mu.Lock()
	keys := parseKeys(d.creds.AuthorizedKeys)
	user, fault := d.creds.Username, d.spec.Faults.AuthFail
	d.mu.Unlock()
	if len(keys) > 0 && !fault {
		cfg.PublicKeyCallback = authorize(user, keys, failed, func() {
			d.mu.Lock()
			d.keysRefused++
			d.mu.Unlock()
		})
	} else if fault {
		cfg.PublicKeyCallback = func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) {
			*failed = true
			return nil, errors.New("permission denied")
		}
	}
	if d.spec.KeysOnly {
		cfg.PasswordCallback, cfg.KeyboardInteractiveCallback = nil, nil
	}
}

// noteLogin counts a login made with a public key.
func (d *Device) noteLogin(p *ssh.Permissions) {
	if p == nil || p.Extensions[keyExtension] == "" {
		return
	}
	d.mu.Lock()
	d.keyLogins++
	d.mu.Unlock()
}
