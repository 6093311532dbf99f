package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/trustfix/trustfix/pkg/secret"
)

// ErrAlgorithms: no common key exchange, cipher or host-key algorithm.
// Not retried; legacy_algorithms: true may be what the device needs.
var ErrAlgorithms = errors.New("no common SSH algorithm")

// Target is everything needed to reach and log in to one device.
type Target struct {
	Name           string
	Host           string
	Port           int
	Username       string
	Password       secret.Secret
	EnablePassword secret.Secret
	HostKeyPolicy  string // strict | accept-new | insecure
	KnownHosts     string // path; "" means ~/.ssh/known_hosts
	Legacy         bool   // allow SHA-1 key exchange, ssh-rsa host keys, CBC ciphers
	JumpHost       string // [user@]host[:port]
	// Keys are tried before the password (auth.go); JumpKeys log in to the
	// jump host (their Agent defaults to Keys.Agent).
	Keys, JumpKeys KeyAuth
	// Algorithms are ssh_config's lists for the device (not the jump host).
	Algorithms Algorithms
	// AskEnable is called when the device asks for an enable password and
	// none is set (the fix command prompts then, not before).
	AskEnable func() (secret.Secret, error)
}

func (t Target) addr() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }

// algorithms are the client's offers: modern only unless the device asks
// for legacy ones, which are added after (never instead of) the modern set.
func algorithms(legacy bool) ssh.Config {
	sup := ssh.SupportedAlgorithms()
	cfg := ssh.Config{KeyExchanges: sup.KeyExchanges, Ciphers: sup.Ciphers, MACs: sup.MACs}
	if legacy {
		cfg.KeyExchanges = append(cfg.KeyExchanges, ssh.InsecureKeyExchangeDH14SHA1, ssh.InsecureKeyExchangeDH1SHA1)
		cfg.Ciphers = append(cfg.Ciphers, ssh.InsecureCipherAES128CBC, ssh.InsecureCipherTripleDESCBC)
	}
	return cfg
}

// clientConfig is the SSH client configuration for user at addr (the
// device, or the jump host), with the host-key algorithms known_hosts
// holds for addr.
func clientConfig(t Target, user, addr string, handshake time.Duration, kh *KnownHosts) (*ssh.ClientConfig, hostKeyCheck, error) {
	hc, err := kh.check(t.HostKeyPolicy, t.KnownHosts, addr, t.Legacy)
	if err != nil {
		return nil, hc, err
	}
	algs := hc.algorithms
	if algs == nil && t.Legacy {
		algs = append(ssh.SupportedAlgorithms().HostKeys, ssh.KeyAlgoRSA)
	}
	cc := &ssh.ClientConfig{
		Config:            algorithms(t.Legacy),
		User:              user,
		Auth:              authMethods(t.Keys, t.Password), // keys, then the password (auth.go)
		HostKeyCallback:   hc.callback,
		HostKeyAlgorithms: algs,
		Timeout:           handshake,
	}
	applyAlgorithms(cc, t.Algorithms, t.Legacy)
	return cc, hc, nil
}

// dial connects, bounded by handshake for TCP plus the whole SSH handshake
// and login, through the jump host too: a host that accepts TCP and never
// speaks SSH fails in time. Every stage is interrupted by closing its
// connection when the bound or ctx ends: a tunnelled connection has no
// SetDeadline.
func dial(ctx context.Context, t Target, handshake time.Duration, kh *KnownHosts) (client *ssh.Client, closeAll func(), err error) {
	cfg, hc, err := clientConfig(t, t.Username, t.addr(), handshake, kh)
	if err != nil {
		return nil, nil, err
	}
	var jump *ssh.Client
	var conn net.Conn
	dctx, cancel := context.WithTimeout(ctx, handshake)
	defer cancel()
	if t.JumpHost != "" {
		jump, err = dialJump(dctx, t, handshake, kh)
		if err != nil {
			return nil, nil, err
		}
		conn, err = jump.DialContext(dctx, "tcp", t.addr())
	} else {
		var d net.Dialer
		conn, err = d.DialContext(dctx, "tcp", t.addr())
	}
	if err != nil {
		if jump != nil {
			jump.Close()
		}
		if local := localError(err); local != nil {
			return nil, nil, local
		}
		if cerr := stageEnded(dctx, "TCP connect"); cerr != nil {
			return nil, nil, cerr
		}
		return nil, nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	client, err = handshakeOn(dctx, conn, t.addr(), cfg, hc)
	if errors.Is(err, ErrAuth) {
		err = fmt.Errorf("%w: the device refused %s", ErrAuth, t.Keys.describe(t.Password))
	}
	if err != nil {
		conn.Close()
		if jump != nil {
			jump.Close()
		}
		return nil, nil, err
	}
	return client, func() {
		client.Close()
		if jump != nil {
			jump.Close()
		}
	}, nil
}

// handshakeOn runs the SSH handshake and login on conn; when ctx ends
// first, conn is closed under it.
func handshakeOn(ctx context.Context, conn net.Conn, addr string, cfg *ssh.ClientConfig, hc hostKeyCheck) (*ssh.Client, error) {
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	if !stop() {
		if c != nil {
			c.Close()
		}
		return nil, stageEnded(ctx, "SSH handshake")
	}
	if err != nil {
		if hc.algorithms != nil && strings.Contains(err.Error(), "no common algorithm for host key") {
			return nil, errNoKnownAlgorithm(addr, hc)
		}
		return nil, classifyHandshake(err)
	}
	return ssh.NewClient(c, chans, reqs), nil
}

// stageEnded is the error for a stage whose context ended: cancelled (the
// run is stopping), or out of time (the handshake bound or the device's
// deadline, which Open tells apart). nil when ctx is still live.
func stageEnded(ctx context.Context, stage string) error {
	switch {
	case ctx.Err() == nil:
		return nil
	case errors.Is(ctx.Err(), context.Canceled):
		return fmt.Errorf("%s: %w", stage, ErrAborted)
	case stage == "SSH handshake":
		return fmt.Errorf("%w: SSH handshake timed out (the port answers TCP but no SSH server responded)", ErrUnreachable)
	}
	return fmt.Errorf("%w: %s timed out", ErrUnreachable, stage)
}

func classifyHandshake(err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, ErrHostKey):
		return err
	case strings.Contains(msg, "unable to authenticate"), strings.Contains(msg, "no supported methods remain"):
		return fmt.Errorf("%w: the device refused the username or password", ErrAuth)
	case strings.Contains(msg, "no common algorithm"):
		// The advice first: the algorithm lists that follow are long.
		return fmt.Errorf("%w; if the device is old, set legacy_algorithms: true (%s)", ErrAlgorithms, strings.TrimPrefix(msg, "ssh: handshake failed: "))
	}
	if local := localError(err); local != nil {
		return local
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%w: SSH handshake timed out (the port answers TCP but no SSH server responded)", ErrUnreachable)
	}
	return fmt.Errorf("%w: SSH handshake: %v", ErrUnreachable, strings.TrimPrefix(msg, "ssh: handshake failed: "))
}

// dialJump reaches the jump host as the user jump_host names (else the
// device's), with its keys and the agent first, then the device's password.
func dialJump(ctx context.Context, t Target, handshake time.Duration, kh *KnownHosts) (*ssh.Client, error) {
	user, hostport := t.Username, t.JumpHost
	if u, h, ok := strings.Cut(hostport, "@"); ok {
		user, hostport = u, h
	}
	if _, _, err := net.SplitHostPort(hostport); err != nil {
		hostport = net.JoinHostPort(hostport, "22")
	}
	jt := t
	jt.Legacy, jt.Algorithms, jt.Keys = false, Algorithms{}, t.JumpKeys
	if jt.Keys.Agent == "" {
		jt.Keys.Agent = t.Keys.Agent
	}
	cfg, hc, err := clientConfig(jt, user, hostport, handshake, kh)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", hostport)
	if err != nil {
		if local := localError(err); local != nil {
			return nil, local
		}
		if cerr := stageEnded(ctx, "TCP connect"); cerr != nil {
			return nil, fmt.Errorf("jump host %s: %w", hostport, cerr)
		}
		return nil, fmt.Errorf("%w: jump host %s: %v", ErrUnreachable, hostport, err)
	}
	c, err := handshakeOn(ctx, conn, hostport, cfg, hc)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("jump host %s: %w", hostport, err)
	}
	return c, nil
}

// keepalive pings the server until stop closes; a dead peer closes client.
func keepalive(client *ssh.Client, every time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if _, _, err := client.SendRequest("keepalive@openssh.com", true, nil); err != nil {
				client.Close()
				return
			}
		}
	}
}
