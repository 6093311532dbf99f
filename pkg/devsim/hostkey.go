package devsim

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
	mrand "math/rand/v2"
	"sync"

	"golang.org/x/crypto/ssh"
)

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

// freshHostKey is a re-imaged device's new key, of the same kind.
func freshHostKey(legacy bool) (ssh.Signer, error) {
	if legacy {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
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
