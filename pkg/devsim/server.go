package devsim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"time"

	"golang.org/x/crypto/ssh"
)

// handshakeLimit bounds a client that connects and never finishes SSH.
const handshakeLimit = 30 * time.Second

func (d *Device) serve() {
	defer d.wg.Done()
	for {
		conn, err := d.ln.Accept()
		if err != nil {
			return
		}
		d.mu.Lock()
		d.conns++
		d.live[conn] = true
		d.mu.Unlock()
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			defer func() {
				d.mu.Lock()
				delete(d.live, conn)
				d.mu.Unlock()
				_ = conn.Close()
			}()
			if d.spec.Faults.Silent {
				// Accept TCP, never speak: hold the socket until the lab stops.
				<-d.done
				return
			}
			d.handle(conn)
		}()
	}
}

func (d *Device) close() {
	close(d.done)
	_ = d.ln.Close()
	d.mu.Lock()
	for c := range d.live {
		_ = c.Close()
	}
	d.mu.Unlock()
	d.wg.Wait()
}

// serverConfig builds one connection's SSH configuration; *failed records
// whether a password was refused, so the lab can count failed logins.
func (d *Device) serverConfig(failed *bool) *ssh.ServerConfig {
	check := func(user string, pw []byte) error {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.spec.Faults.AuthFail || user != d.creds.Username || string(pw) != d.creds.Password {
			*failed = true
			return errors.New("permission denied")
		}
		return nil
	}
	cfg := &ssh.ServerConfig{
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			return nil, check(c.User(), pw)
		},
		KeyboardInteractiveCallback: func(c ssh.ConnMetadata, ch ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			ans, err := ch("", "", []string{"Password: "}, []bool{false})
			if err != nil || len(ans) != 1 {
				return nil, errors.New("permission denied")
			}
			return nil, check(c.User(), []byte(ans[0]))
		},
		BannerCallback: func(ssh.ConnMetadata) string { return loginBanner },
		ServerVersion:  serverVersion(d.spec.Platform),
		MaxAuthTries:   3,
	}
	d.keyAuth(cfg, failed) // pubkey.go
	d.mu.Lock()
	keys := append([]ssh.Signer(nil), d.hostKeys...)
	d.mu.Unlock()
	key := keys[0]
	if d.spec.LegacySSH {
		// An old image: SHA-1 key exchange, ssh-rsa host key, CBC ciphers only.
		cfg.KeyExchanges = []string{ssh.InsecureKeyExchangeDH14SHA1, ssh.InsecureKeyExchangeDH1SHA1}
		cfg.Ciphers = []string{ssh.InsecureCipherAES128CBC, ssh.InsecureCipherTripleDESCBC}
		cfg.MACs = []string{ssh.HMACSHA1}
		if s, err := ssh.NewSignerWithAlgorithms(key.(ssh.AlgorithmSigner), []string{ssh.KeyAlgoRSA}); err == nil {
			key = s
		}
		cfg.AddHostKey(key)
		return cfg
	}
	cfg.KeyExchanges = deviceKex
	for _, k := range keys {
		cfg.AddHostKey(k)
	}
	return cfg
}

// deviceKex is the key exchanges a current Cisco image offers: the list an
// IOS XE 17.16 `show ip ssh` prints (public capture in ipspace/netlab
// issue #2976), which OpenSSH 7.8 (FXOS) and the XR and ASA servers share
// in part. None offers the post-quantum mlkem768x25519-sha256 that Go's
// server puts first (OpenSSH has it since 9.9, 2024): offering it would
// make every lab handshake cost more than a device's does.
var deviceKex = []string{
	ssh.KeyExchangeCurve25519, ssh.KeyExchangeECDHP256, ssh.KeyExchangeECDHP384, ssh.KeyExchangeECDHP521,
	ssh.KeyExchangeDH14SHA256, ssh.KeyExchangeDH16SHA512,
}

const loginBanner = "\r\nUnauthorized access to this device is prohibited.\r\nAll sessions are logged (trustfix device lab).\r\n\r\n"

func serverVersion(platform string) string {
	switch platform {
	case FXOS, FTD:
		return "SSH-2.0-OpenSSH_7.8"
	case IOSXR:
		return "SSH-2.0-Cisco-2.0"
	}
	return "SSH-2.0-Cisco-1.25"
}

func (d *Device) handle(conn net.Conn) {
	_ = conn.SetDeadline(time.Now().Add(handshakeLimit))
	var failed bool
	sconn, chans, reqs, err := ssh.NewServerConn(conn, d.serverConfig(&failed))
	if err != nil {
		if failed {
			d.mu.Lock()
			d.authFailed++
			d.mu.Unlock()
		}
		return
	}
	_ = conn.SetDeadline(time.Time{})
	d.mu.Lock()
	d.logins++
	d.mu.Unlock()
	d.noteLogin(sconn.Permissions)
	defer sconn.Close()
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "unsupported channel type")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			return
		}
		d.shell(conn, ch, creqs)
		return
	}
}

// shell waits for pty-req and shell, then runs the platform's CLI.
func (d *Device) shell(conn net.Conn, ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	started := make(chan struct{})
	var term string // the PTY asked for; set before started closes
	go func() {
		for req := range reqs {
			switch req.Type {
			case "pty-req":
				var pty ptyRequest
				err := ssh.Unmarshal(req.Payload, &pty)
				if err == nil {
					term = fmt.Sprintf("%s %dx%d", pty.Term, pty.Columns, pty.Rows)
				}
				_ = req.Reply(err == nil, nil)
			case "window-change", "env":
				_ = req.Reply(req.WantReply, nil)
			case "shell":
				if d.spec.Faults.Hostile.StallShell {
					continue // never answered
				}
				_ = req.Reply(true, nil)
				select {
				case <-started:
				default:
					close(started)
				}
			default:
				// exec and subsystems are not offered by these CLIs to us.
				_ = req.Reply(false, nil)
			}
		}
	}()
	select {
	case <-started:
	case <-d.done:
		return
	case <-time.After(handshakeLimit):
		return
	}
	if d.spec.Faults.Hostile.FloodAt == "login" {
		_ = d.flood(ch)
		return
	}
	log, dropAt := d.openSession(term)
	s := newSession(d, ch, conn, log, dropAt)
	cli := newCLI(d.spec.Platform, s)
	err := cli.run()
	mode, inConfig, pending, half := cli.status()
	d.endSession(log, mode, inConfig, pending, half)
	if err == nil {
		_, _ = ch.SendRequest("exit-status", false, binary.BigEndian.AppendUint32(nil, 0))
	}
}

// ptyRequest is a pty-req's payload (RFC 4254 6.2).
type ptyRequest struct {
	Term                         string
	Columns, Rows, Width, Height uint32
	Modes                        string
}
