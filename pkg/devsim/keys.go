package devsim

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// UserKey is a client key pair for a lab session: what a network engineer
// has in ~/.ssh and in ssh-agent. Lab and test use only.
type UserKey struct {
	Private ed25519.PrivateKey
	Signer  ssh.Signer
}

// NewUserKey makes a fresh ed25519 key.
func NewUserKey() (*UserKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, err
	}
	return &UserKey{Private: priv, Signer: s}, nil
}

// AuthorizedKey is the key's authorized_keys line.
func (k *UserKey) AuthorizedKey() string {
	return string(ssh.MarshalAuthorizedKey(k.Signer.PublicKey()))
}

// WriteFile writes the private key in OpenSSH format to path (mode 0600),
// encrypted when passphrase is not empty, and its .pub beside it.
func (k *UserKey) WriteFile(path, passphrase string) error {
	var block *pem.Block
	var err error
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(k.Private, "trustfix lab key")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(k.Private, "trustfix lab key", []byte(passphrase))
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return err
	}
	return os.WriteFile(path+".pub", []byte(k.AuthorizedKey()), 0o644)
}

// Agent is an ssh-agent on a unix socket, serving an in-memory keyring
// (golang.org/x/crypto/ssh/agent), as $SSH_AUTH_SOCK points to.
type Agent struct {
	Socket  string
	Keyring agent.Agent
	ln      net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	signs   int
}

// StartAgent serves an agent holding keys on a socket in dir.
func StartAgent(dir string, keys ...*UserKey) (*Agent, error) {
	kr := agent.NewKeyring()
	for _, k := range keys {
		if err := kr.Add(agent.AddedKey{PrivateKey: k.Private, Comment: "trustfix lab key"}); err != nil {
			return nil, err
		}
	}
	sock := filepath.Join(dir, "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, err
	}
	a := &Agent{Socket: sock, Keyring: kr, ln: ln}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			a.wg.Add(1)
			go func() {
				defer a.wg.Done()
				defer conn.Close()
				_ = agent.ServeAgent(countingAgent{kr.(agent.ExtendedAgent), a}, conn)
			}()
		}
	}()
	return a, nil
}

// Signatures is how many signatures the agent made.
func (a *Agent) Signatures() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.signs
}

// Close stops serving and waits for the connections to end.
func (a *Agent) Close() {
	_ = a.ln.Close()
	a.wg.Wait()
}

// countingAgent counts the signatures its keyring makes.
type countingAgent struct {
	agent.ExtendedAgent
	a *Agent
}

func (c countingAgent) Sign(key ssh.PublicKey, data []byte) (*ssh.Signature, error) {
	return c.SignWithFlags(key, data, 0)
}

func (c countingAgent) SignWithFlags(key ssh.PublicKey, data []byte, flags agent.SignatureFlags) (*ssh.Signature, error) {
	sig, err := c.ExtendedAgent.SignWithFlags(key, data, flags)
	if err == nil {
		c.a.mu.Lock()
		c.a.signs++
		c.a.mu.Unlock()
	}
	return sig, err
}
