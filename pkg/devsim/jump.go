package devsim

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// JumpSpec is a bastion a scenario serves. Empty credentials are the
// lab's defaults (a jump host on the same AAA as the devices).
type JumpSpec struct {
	Username       string   `yaml:"username"`
	Password       string   `yaml:"password"`
	AuthorizedKeys []string `yaml:"authorized_keys"`
	// KeysOnly refuses passwords, as most bastions do.
	KeysOnly bool `yaml:"keys_only"`
}

// JumpHost is an SSH bastion over real SSH, as OpenSSH's sshd serves
// `ssh -J` / ProxyJump: it logs users in (password and/or public keys)
// and forwards direct-tcpip channels to the addresses it allows, and
// nowhere else. It opens no shell.
type JumpHost struct {
	spec  JumpSpec
	ln    net.Listener
	key   ssh.Signer
	allow func(addr string) bool
	done  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once

	mu        sync.Mutex
	forwards  map[string]int // target host:port → channels forwarded
	refused   int            // forwards refused (a target it does not allow)
	logins    int
	keyLogins int
	live      map[net.Conn]bool
}

// StartJumpHost listens on host (port chosen by the system) and forwards
// to the addresses allow accepts.
func StartJumpHost(spec JumpSpec, host string, allow func(addr string) bool) (*JumpHost, error) {
	key, err := nameHostKey("jump-host/" + spec.Username)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, err
	}
	j := &JumpHost{spec: spec, ln: ln, key: key, allow: allow, done: make(chan struct{}),
		forwards: map[string]int{}, live: map[net.Conn]bool{}}
	j.wg.Add(1)
	go j.serve()
	return j, nil
}

// Addr is the jump host's host:port.
func (j *JumpHost) Addr() string { return j.ln.Addr().String() }

// Port is its TCP port.
func (j *JumpHost) Port() int { return j.ln.Addr().(*net.TCPAddr).Port }

// HostKey is its public host key.
func (j *JumpHost) HostKey() ssh.PublicKey { return j.key.PublicKey() }

// Spec is what it was started with.
func (j *JumpHost) Spec() JumpSpec { return j.spec }

// Forwards is how many channels it forwarded to addr (host:port).
func (j *JumpHost) Forwards(addr string) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.forwards[addr]
}

// Logins are its successful logins, and of those the ones with a key.
func (j *JumpHost) Logins() (all, withKey int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.logins, j.keyLogins
}

// Refused is how many forwards it refused.
func (j *JumpHost) Refused() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.refused
}

// Close stops it and waits for its connections to end.
func (j *JumpHost) Close() {
	j.once.Do(func() {
		close(j.done)
		_ = j.ln.Close()
		j.mu.Lock()
		for c := range j.live {
			_ = c.Close()
		}
		j.mu.Unlock()
		j.wg.Wait()
	})
}

func (j *JumpHost) serve() {
	defer j.wg.Done()
	for {
		conn, err := j.ln.Accept()
		if err != nil {
			return
		}
		j.mu.Lock()
		j.live[conn] = true
		j.mu.Unlock()
		j.wg.Add(1)
		go func() {
			defer j.wg.Done()
			defer func() {
				j.mu.Lock()
				delete(j.live, conn)
				j.mu.Unlock()
				_ = conn.Close()
			}()
			j.handle(conn)
		}()
	}
}

func (j *JumpHost) config() *ssh.ServerConfig {
	var failed bool
	cfg := &ssh.ServerConfig{ServerVersion: "SSH-2.0-OpenSSH_9.2p1 trustfix-devsim-bastion", MaxAuthTries: 6}
	if j.spec.Password != "" && !j.spec.KeysOnly {
		cfg.PasswordCallback = func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if c.User() == j.spec.Username && string(pw) == j.spec.Password {
				return nil, nil
			}
			return nil, errors.New("permission denied")
		}
	}
	if keys := parseKeys(j.spec.AuthorizedKeys); len(keys) > 0 {
		cfg.PublicKeyCallback = authorize(j.spec.Username, keys, &failed, nil)
	}
	cfg.AddHostKey(j.key)
	return cfg
}

func (j *JumpHost) handle(conn net.Conn) {
	_ = conn.SetDeadline(time.Now().Add(handshakeLimit))
	sconn, chans, reqs, err := ssh.NewServerConn(conn, j.config())
	if err != nil {
		return
	}
	_ = conn.SetDeadline(time.Time{})
	j.mu.Lock()
	j.logins++
	if sconn.Permissions != nil && sconn.Permissions.Extensions[keyExtension] != "" {
		j.keyLogins++
	}
	j.mu.Unlock()
	defer sconn.Close()
	go ssh.DiscardRequests(reqs)
	var wg sync.WaitGroup
	defer wg.Wait()
	for nc := range chans {
		if nc.ChannelType() != "direct-tcpip" {
			_ = nc.Reject(ssh.Prohibited, "this bastion only forwards (ssh -J)")
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			j.forward(nc)
		}()
	}
}

// forward connects a direct-tcpip channel (RFC 4254 7.2) to its target.
func (j *JumpHost) forward(nc ssh.NewChannel) {
	target, ok := directTarget(nc.ExtraData())
	if !ok {
		_ = nc.Reject(ssh.ConnectionFailed, "bad direct-tcpip request")
		return
	}
	if j.allow == nil || !j.allow(target) {
		j.mu.Lock()
		j.refused++
		j.mu.Unlock()
		_ = nc.Reject(ssh.Prohibited, "administratively prohibited: "+target)
		return
	}
	out, err := net.DialTimeout("tcp", target, 10*time.Second)
	if err != nil {
		_ = nc.Reject(ssh.ConnectionFailed, err.Error())
		return
	}
	ch, reqs, err := nc.Accept()
	if err != nil {
		out.Close()
		return
	}
	j.mu.Lock()
	j.forwards[target]++
	j.mu.Unlock()
	go ssh.DiscardRequests(reqs)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(out, ch); done <- struct{}{} }()
	go func() { _, _ = io.Copy(ch, out); done <- struct{}{} }()
	ended := 0
	select {
	case <-done: // either side hung up: end both
		ended = 1
	case <-j.done:
	}
	out.Close()
	ch.Close()
	for ; ended < 2; ended++ {
		<-done
	}
}

// directTarget decodes a direct-tcpip request's host and port.
func directTarget(b []byte) (string, bool) {
	if len(b) < 4 {
		return "", false
	}
	n := binary.BigEndian.Uint32(b)
	if uint32(len(b)-4) < n+4 {
		return "", false
	}
	host := string(b[4 : 4+n])
	port := binary.BigEndian.Uint32(b[4+n:])
	if port == 0 || port > 65535 {
		return "", false
	}
	return net.JoinHostPort(host, strconv.Itoa(int(port))), true
}
