package devsim

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// JumpHost is an SSH bastion on loopback: it logs users in with the lab's
// credentials and forwards direct-tcpip channels (what `ssh -J` and
// trustfix's jump_host open) to the requested address, so a lab device can
// be reached the way production devices behind a bastion are.
type JumpHost struct {
	ln    net.Listener
	creds Credentials
	key   ssh.Signer
	done  chan struct{}
	wg    sync.WaitGroup

	mu      sync.Mutex
	live    map[io.Closer]bool
	tunnels []string // targets of the direct-tcpip channels opened
}

// StartJumpHost listens on 127.0.0.1 and serves until Close.
func StartJumpHost(creds Credentials) (*JumpHost, error) {
	key, err := nameHostKey("jump-host")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("devsim: jump host: %w", err)
	}
	j := &JumpHost{ln: ln, creds: creds, key: key, done: make(chan struct{}), live: map[io.Closer]bool{}}
	j.wg.Add(1)
	go j.serve()
	return j, nil
}

// Addr is host:port of the jump host.
func (j *JumpHost) Addr() string { return j.ln.Addr().String() }

// Tunnels lists the host:port of every direct-tcpip channel opened so far.
func (j *JumpHost) Tunnels() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.tunnels...)
}

// Close stops the jump host and cuts every connection through it.
func (j *JumpHost) Close() {
	select {
	case <-j.done:
		return
	default:
	}
	close(j.done)
	_ = j.ln.Close()
	j.mu.Lock()
	for c := range j.live {
		_ = c.Close()
	}
	j.mu.Unlock()
	j.wg.Wait()
}

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
	cfg := &ssh.ServerConfig{
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if c.User() != j.creds.Username || string(pw) != j.creds.Password {
				return nil, errors.New("permission denied")
			}
			return nil, nil
		},
		ServerVersion: "SSH-2.0-OpenSSH_9.6",
	}
	cfg.AddHostKey(j.key)
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
			j.handle(conn, cfg)
		}()
	}
}

func (j *JumpHost) handle(conn net.Conn, cfg *ssh.ServerConfig) {
	_ = conn.SetDeadline(time.Now().Add(handshakeLimit))
	sconn, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	_ = conn.SetDeadline(time.Time{})
	defer sconn.Close()
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "direct-tcpip" {
			_ = nc.Reject(ssh.Prohibited, "only direct-tcpip")
			continue
		}
		var to struct {
			Host     string
			Port     uint32
			OrigHost string
			OrigPort uint32
		}
		if err := ssh.Unmarshal(nc.ExtraData(), &to); err != nil {
			_ = nc.Reject(ssh.ConnectionFailed, "bad request")
			continue
		}
		target := net.JoinHostPort(to.Host, strconv.Itoa(int(to.Port)))
		j.wg.Add(1)
		go func() {
			defer j.wg.Done()
			j.forward(nc, target)
		}()
	}
}

// forward connects to target and copies both ways until either side ends.
func (j *JumpHost) forward(nc ssh.NewChannel, target string) {
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
