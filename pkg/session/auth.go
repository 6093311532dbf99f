package session

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/trustfix/trustfix/pkg/secret"
)

// KeyAuth is public-key login as OpenSSH does it, before the password.
type KeyAuth struct {
	// IdentityFiles are private keys, tried in this order. An encrypted
	// one is used only through the agent: nothing ever asks for a
	// passphrase in an unattended run.
	IdentityFiles []string
	// IdentitiesOnly offers only the identity files (through the agent
	// when it holds them), not every key the agent has.
	IdentitiesOnly bool
	// Agent is the ssh-agent's socket; "" means no agent.
	Agent string
	// NoPubkey and NoPassword are ssh_config's PubkeyAuthentication no and
	// PasswordAuthentication no.
	NoPubkey, NoPassword bool
	// Warn receives what could not be used (an encrypted key the agent does
	// not hold, an agent that does not answer); nil drops it.
	Warn func(string)
	// AskPassword, when the target has no password, is called only if the
	// device asks for one after the keys (fix on a laptop prompts then, as
	// ssh does); nil offers no password.
	AskPassword func() (secret.Secret, error)
}

// Algorithms are ssh_config's algorithm lists; a nil list is the default.
type Algorithms struct {
	HostKeys, KeyExchanges, Ciphers, MACs []string
}

// agentTimeout bounds every exchange with the agent.
const agentTimeout = 10 * time.Second

// maxKeyFile bounds an identity file read.
const maxKeyFile = 1 << 20

// authMethods are the login methods in OpenSSH's order: public keys, then
// the password (also answered to keyboard-interactive prompts, which some
// images use for it). A zero password is not offered.
func authMethods(k KeyAuth, pw secret.Secret) []ssh.AuthMethod {
	var methods []ssh.AuthMethod
	if !k.NoPubkey && (len(k.IdentityFiles) > 0 || k.Agent != "") {
		methods = append(methods, ssh.PublicKeysCallback(k.signers))
	}
	if k.NoPassword {
		return methods
	}
	password := func() (string, error) { return pw.Reveal(), nil }
	switch {
	case !pw.IsZero():
	case k.AskPassword != nil:
		password = func() (string, error) {
			s, err := k.AskPassword()
			return s.Reveal(), err
		}
	default:
		return methods
	}
	return append(methods,
		ssh.PasswordCallback(password),
		// Some images only offer keyboard-interactive for passwords.
		ssh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
			ans := make([]string, len(qs))
			for i := range ans {
				p, err := password()
				if err != nil {
					return nil, err
				}
				ans[i] = p
			}
			return ans, nil
		}))
}

// describe says what was offered, for an authentication error.
func (k KeyAuth) describe(pw secret.Secret) string {
	var parts []string
	if !k.NoPubkey {
		if k.Agent != "" {
			parts = append(parts, "the ssh-agent's keys")
		}
		if n := len(k.IdentityFiles); n > 0 {
			parts = append(parts, fmt.Sprintf("%d identity file(s)", n))
		}
	}
	if (!pw.IsZero() || k.AskPassword != nil) && !k.NoPassword {
		parts = append(parts, "the password")
	}
	if len(parts) == 0 {
		return "nothing: no key and no password to offer"
	}
	return strings.Join(parts, ", then ")
}

func (k KeyAuth) warn(format string, args ...any) {
	if k.Warn != nil {
		k.Warn(fmt.Sprintf(format, args...))
	}
}

// signers lists the keys to offer, in OpenSSH's order: identity files
// the agent holds (signed by the agent), the agent's other keys (unless
// IdentitiesOnly), then the identity files it does not hold, read from
// disk when not encrypted.
func (k KeyAuth) signers() ([]ssh.Signer, error) {
	type identity struct {
		path   string
		pub    ssh.PublicKey
		signer ssh.Signer // nil: encrypted or unreadable
	}
	var ids []identity
	for _, path := range k.IdentityFiles {
		pub, signer, err := readIdentity(path)
		if err != nil {
			k.warn("identity file %s: %v: not offered", path, err)
			continue
		}
		ids = append(ids, identity{path, pub, signer})
	}
	var held []*agent.Key
	if k.Agent != "" {
		keys, err := agentList(k.Agent)
		if err != nil {
			k.warn("ssh-agent at %s: %v: its keys are not offered", k.Agent, err)
		}
		held = keys
	}
	inAgent := func(pub ssh.PublicKey) *agent.Key {
		for _, a := range held {
			if pub != nil && string(a.Marshal()) == string(pub.Marshal()) {
				return a
			}
		}
		return nil
	}
	var out []ssh.Signer
	used := map[string]bool{}
	add := func(s ssh.Signer) {
		if m := string(s.PublicKey().Marshal()); !used[m] {
			used[m] = true
			out = append(out, s)
		}
	}
	for _, id := range ids {
		if a := inAgent(id.pub); a != nil {
			add(agentSigner{sock: k.Agent, key: a})
		}
	}
	if !k.IdentitiesOnly {
		for _, a := range held {
			add(agentSigner{sock: k.Agent, key: a})
		}
	}
	for _, id := range ids {
		switch {
		case id.pub != nil && used[string(id.pub.Marshal())]:
		case id.signer != nil:
			add(id.signer)
		default:
			k.warn("identity file %s is encrypted and the ssh-agent does not hold it: not offered (trustfix never asks for a passphrase; ssh-add it)", id.path)
		}
	}
	return out, nil
}

// readIdentity reads a private key file: its public key (from the key,
// or from PATH.pub for an encrypted key in the old PEM format) and, when
// it is not encrypted, a signer.
func readIdentity(path string) (ssh.PublicKey, ssh.Signer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, unwrapPath(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile))
	if err != nil {
		return nil, nil, err
	}
	signer, err := ssh.ParsePrivateKey(data)
	if err == nil {
		return signer.PublicKey(), signer, nil
	}
	var missing *ssh.PassphraseMissingError
	if !errors.As(err, &missing) {
		return nil, nil, errors.New("not a private key")
	}
	pub := missing.PublicKey
	if pub == nil {
		if b, err := os.ReadFile(path + ".pub"); err == nil {
			pub, _, _, _, _ = ssh.ParseAuthorizedKey(b)
		}
	}
	return pub, nil, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// agentDial opens one exchange with the agent, bounded in time.
func agentDial(sock string) (net.Conn, agent.ExtendedAgent, error) {
	conn, err := net.DialTimeout("unix", sock, agentTimeout)
	if err != nil {
		return nil, nil, unwrapNet(err)
	}
	_ = conn.SetDeadline(time.Now().Add(agentTimeout))
	return conn, agent.NewClient(conn), nil
}

func unwrapNet(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return unwrapPath(oe.Err)
	}
	return err
}

func agentList(sock string) ([]*agent.Key, error) {
	conn, client, err := agentDial(sock)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return client.List()
}

// agentSigner signs through the agent, one connection per signature, so
// no agent connection outlives the handshake that needs it.
type agentSigner struct {
	sock string
	key  *agent.Key
}

func (s agentSigner) PublicKey() ssh.PublicKey { return s.key }

func (s agentSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	return s.SignWithAlgorithm(rand, data, "")
}

// SignWithAlgorithm asks for rsa-sha2-256/512 signatures when the server
// wants them (ssh-rsa SHA-1 otherwise), as agent.Client's signers do.
func (s agentSigner) SignWithAlgorithm(_ io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	var flags agent.SignatureFlags
	switch algorithm {
	case ssh.KeyAlgoRSASHA256:
		flags = agent.SignatureFlagRsaSha256
	case ssh.KeyAlgoRSASHA512:
		flags = agent.SignatureFlagRsaSha512
	}
	conn, client, err := agentDial(s.sock)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return client.SignWithFlags(s.key, data, flags)
}

// applyAlgorithms puts ssh_config's lists in place of the defaults; the
// legacy ones legacy_algorithms adds stay added.
func applyAlgorithms(cc *ssh.ClientConfig, a Algorithms, legacy bool) {
	with := func(list []string, extra ...string) []string {
		out := append([]string(nil), list...)
		if legacy {
			for _, e := range extra {
				if !slices.Contains(out, e) {
					out = append(out, e)
				}
			}
		}
		return out
	}
	if a.KeyExchanges != nil {
		cc.KeyExchanges = with(a.KeyExchanges, ssh.InsecureKeyExchangeDH14SHA1, ssh.InsecureKeyExchangeDH1SHA1)
	}
	if a.Ciphers != nil {
		cc.Ciphers = with(a.Ciphers, ssh.InsecureCipherAES128CBC, ssh.InsecureCipherTripleDESCBC)
	}
	if a.MACs != nil {
		cc.MACs = with(a.MACs)
	}
	if a.HostKeys != nil {
		cc.HostKeyAlgorithms = with(a.HostKeys, ssh.KeyAlgoRSA)
	}
}
