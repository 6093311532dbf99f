package devsim

import (
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
// `ssh -J` / ProxyJump and trustfix's jump_host: it logs users in
// (password and/or public keys) and forwards direct-tcpip channels to the
// addresses it allows, and nowhere else. It opens no shell.
type JumpHost struct {
	spec  JumpSpec
	ln    net.Listener
	key   ssh.Signer
	allow func(addr string) bool
	done  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once

	mu        sync.Mutex
	live      map[io.Closer]bool // connections in and out, cut by Close
	tunnels   []string           // targets of the forwarded channels, in order
	refused   int                // forwards refused (a target it does not allow)
	logins    int
	keyLogins int
}

// StartJumpHost serves a bastion on 127.0.0.1 that logs in with creds and
// forwards to loopback addresses.
func StartJumpHost(creds Credentials) (*JumpHost, error) {
	return ServeJumpHost(JumpSpec{Username: creds.Username, Password: creds.Password, AuthorizedKeys: creds.AuthorizedKeys}, "127.0.0.1", loopback)
}

// loopback allows a forward to 127.0.0.0/8 or ::1 only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

// ServeJumpHost listens on host (port chosen by the system) and forwards
// to the addresses allow accepts (nil: none).
func ServeJumpHost(spec JumpSpec, host string, allow func(addr string) bool) (*JumpHost, error) {
	key, err := nameHostKey("jump-host/" + spec.Username)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, err
	}
	j := &JumpHost{spec: spec, ln: ln, key: key, allow: allow, done: make(chan struct{}), live: map[io.Closer]bool{}}
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

// Tunnels lists the host:port of every channel forwarded so far.
func (j *JumpHost) Tunnels() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.tunnels...)
}

// Forwards is how many channels it forwarded to addr (host:port).
func (j *JumpHost) Forwards(addr string) int {
	n := 0
	for _, t := range j.Tunnels() {
		if t == addr {
			n++
		}
	}
	return n
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

// Close stops it and cuts every connection through it.
func (j *JumpHost) Close() {
	j.once.Do(func() {
		j.mu.Lock()
		close(j.done)
		for c := range j.live {
			_ = c.Close()
		}
		j.mu.Unlock()
		_ = j.ln.Close()
		j.wg.Wait()
	})
}

// track adds (on) or removes a connection Close must cut; once closed it
// closes a new one at once and says so.
func (j *JumpHost) track(c io.Closer, on bool) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	select {
	case <-j.done:
		if on {
			_ = c.Close()
			return false
		}
	default:
	}
	if on {
		j.live[c] = true
	} else {
		delete(j.live, c)
	}
	return true
}

func (j *JumpHost) serve() {
	defer j.wg.Done()
	for {
		conn, err := j.ln.Accept()
		if err != nil {
			return
		}
		if !j.track(conn, true) {
			continue
		}
		j.wg.Add(1)
		go func() {
			defer j.wg.Done()
			defer j.track(conn, false)
			defer conn.Close()
			j.handle(conn)
		}()
	}
}

func (j *JumpHost) config() *ssh.ServerConfig {
	var failed bool
	cfg := &ssh.ServerConfig{ServerVersion: "SSH-2.0-OpenSSH_9.6", MaxAuthTries: 6}
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
	cfg.KeyExchanges = deviceKex // OpenSSH 9.6 predates mlkem768x25519 too
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
	for nc := range chans {
		if nc.ChannelType() != "direct-tcpip" {
			_ = nc.Reject(ssh.Prohibited, "this bastion only forwards (ssh -J)")
			continue
		}
		j.wg.Add(1)
		go func() {
			defer j.wg.Done()
			j.forward(nc)
		}()
	}
}

// forward connects a direct-tcpip channel (RFC 4254 7.2) to its target
// and copies both ways until either side ends.
func (j *JumpHost) forward(nc ssh.NewChannel) {
	var to struct {
		Host     string
		Port     uint32
		OrigHost string
		OrigPort uint32
	}
	if err := ssh.Unmarshal(nc.ExtraData(), &to); err != nil || to.Port == 0 || to.Port > 65535 {
		_ = nc.Reject(ssh.ConnectionFailed, "bad direct-tcpip request")
		return
	}
	target := net.JoinHostPort(to.Host, strconv.Itoa(int(to.Port)))
	if j.allow == nil || !j.allow(target) {
		j.mu.Lock()
		j.refused++
		j.mu.Unlock()
		_ = nc.Reject(ssh.Prohibited, "administratively prohibited: "+target)
		return
	}
	up, err := net.DialTimeout("tcp", target, handshakeLimit)
	if err != nil {
		_ = nc.Reject(ssh.ConnectionFailed, err.Error())
		return
	}
	ch, reqs, err := nc.Accept()
	if err != nil {
		_ = up.Close()
		return
	}
	go ssh.DiscardRequests(reqs)
	j.mu.Lock()
	j.tunnels = append(j.tunnels, target)
	j.mu.Unlock()
	if !j.track(up, true) {
		_ = ch.Close()
		return
	}
	defer j.track(up, false)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, ch); _ = up.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { _, _ = io.Copy(ch, up); _ = ch.CloseWrite(); done <- struct{}{} }()
	<-done
	_ = up.Close()
	_ = ch.Close()
	<-done
}
