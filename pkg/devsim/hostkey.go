package devsim

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"sync"

	"golang.org/x/crypto/ssh"
)

// Host key kinds a device can serve (Spec.HostKeys).
const (
	KeyEd25519 = "ed25519"
	KeyECDSA   = "ecdsa"
	KeyRSA     = "rsa"
)

// hostKeyOfKind derives the device's key of one kind from its name.
func hostKeyOfKind(name, kind string) (ssh.Signer, error) {
	switch kind {
	case KeyEd25519:
		return nameHostKey(name)
	case KeyRSA:
		s, err := legacyHostKey(name)
		if err != nil {
			return nil, err
		}
		// A modern server signs with SHA-2; ssh-rsa (SHA-1) stays for legacy_ssh.
		return ssh.NewSignerWithAlgorithms(s.(ssh.AlgorithmSigner), []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256})
	case KeyECDSA:
		seed := sha256.Sum256([]byte("trustfix-devsim-ecdsa/" + name))
		// A 32-byte scalar below the P-256 order: clear the top bit.
		seed[0] &= 0x7f
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), seed[:])
		if err != nil {
			return nil, err
		}
		return ssh.NewSignerFromKey(k)
	}
	return nil, fmt.Errorf("unknown host key kind %q (want %s, %s or %s)", kind, KeyEd25519, KeyECDSA, KeyRSA)
}

// Host keys derive from the device name so a restarted lab presents the
// same keys and known_hosts entries stay valid.

func nameHostKey(name string) (ssh.Signer, error) {
	seed := sha256.Sum256([]byte("trustfix-devsim/" + name))
	return ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:]))
}

// rsaKeys caches derived RSA keys: finding primes takes a noticeable time.
var rsaKeys sync.Map // name -> *rsa.PrivateKey

// legacyHostKey is an old image's ssh-rsa key, derived from the name.
// rsa.GenerateKey ignores its reader since Go 1.26, so the primes are
// searched here in a stream seeded by the name.
func legacyHostKey(name string) (ssh.Signer, error) {
	if k, ok := rsaKeys.Load(name); ok {
		return ssh.NewSignerFromKey(k)
	}
	seed := sha256.Sum256([]byte("trustfix-devsim-rsa/" + name))
	rng := mrand.New(mrand.NewChaCha8(seed))
	prime := func() *big.Int {
		buf := make([]byte, 128) // two 1024-bit primes: a 2048-bit modulus
		for {
			for i := range buf {
				buf[i] = byte(rng.Uint32())
			}
			buf[0] |= 0xc0 // top two bits set: the product has all 2048 bits
			buf[len(buf)-1] |= 1
			if p := new(big.Int).SetBytes(buf); p.ProbablyPrime(20) {
				return p
			}
		}
	}
	one, e := big.NewInt(1), big.NewInt(65537)
	for {
		p, q := prime(), prime()
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil || p.Cmp(q) == 0 {
			continue
		}
		k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: 65537}, D: d, Primes: []*big.Int{p, q}}
		if err := k.Validate(); err != nil {
			return nil, err
		}
		k.Precompute()
		rsaKeys.Store(name, k)
		return ssh.NewSignerFromKey(k)
	}
}

// freshHostKey is a re-imaged device's new key of the same kind as old.
func freshHostKey(old ssh.Signer) (ssh.Signer, error) {
	switch old.PublicKey().Type() {
	case ssh.KeyAlgoRSA:
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		s, err := ssh.NewSignerFromKey(k)
		if err != nil {
			return nil, err
		}
		if as, ok := old.(ssh.MultiAlgorithmSigner); ok {
			return ssh.NewSignerWithAlgorithms(s.(ssh.AlgorithmSigner), as.Algorithms())
		}
		return s, nil
	case ssh.KeyAlgoECDSA256:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		return ssh.NewSignerFromKey(k)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return ssh.NewSignerFromKey(priv)
}
