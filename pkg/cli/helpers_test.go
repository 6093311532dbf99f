package cli_test

// Shared helpers of the end-to-end tests of trustfix's commands. The lab,
// its inventory, the in-process runner and the waits are devsimtest's;
// what is here reads what trustfix wrote (journals, transcripts), and
// issues the throwaway certificates the bad-input tests offer as a CA.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustfix/trustfix/pkg/cli"
	"github.com/trustfix/trustfix/pkg/devsim"
	"github.com/trustfix/trustfix/pkg/devsim/devsimtest"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/record"
)

// Fingerprints of the two roots (pkg/cert holds the certificates).
const (
	identrustSHA1 = "DF717EAA4AD94EC9558499602D48DE5FBCF03A25"
	quovadisSHA1  = "CA3AFBCF1240364B44B216208880483919937CF7"
)

// apply runs `trustfix apply -i INV --journal J --yes` plus extra flags
// against the lab; J is journalName in the lab's directory.
func apply(t *testing.T, l *devsimtest.Lab, journalName string, extra ...string) (devsimtest.Result, string) {
	t.Helper()
	j := l.Path(journalName)
	args := append([]string{"apply", "-i", l.Inv, "--journal", j, "--yes"}, extra...)
	return devsimtest.Run(t, cli.Env{}, args...), j
}

// readJournal returns every record of a journal, failing on torn lines.
func readJournal(t *testing.T, path string) []record.Record {
	t.Helper()
	recs, problems, err := journal.Read(path)
	if err != nil {
		t.Fatalf("read journal: %v", err)
	}
	if len(problems) > 0 {
		t.Fatalf("journal %s has bad lines: %v", path, problems)
	}
	return recs
}

// last is the device's last journal record.
func last(t *testing.T, recs []record.Record, name string) record.Record {
	t.Helper()
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Name == name {
			return recs[i]
		}
	}
	t.Fatalf("no journal record for %s", name)
	return record.Record{}
}

// sha1s lists a store's fingerprints, sorted, to compare stores.
func sha1s(store []devsim.CertInfo) []string {
	var out []string
	for _, c := range store {
		out = append(out, c.Store+"/"+c.SHA1)
	}
	slices.Sort(out)
	return out
}

// checkTranscript proves the record names a transcript that exists with
// mode 0600 and holds this device's apply session.
func checkTranscript(t *testing.T, rec record.Record) {
	t.Helper()
	if rec.Transcript == "" {
		t.Errorf("%s: record names no transcript", rec.Name)
		return
	}
	fi, err := os.Stat(rec.Transcript)
	if err != nil {
		t.Errorf("%s: transcript: %v", rec.Name, err)
		return
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: transcript %s has mode %v, want 0600", rec.Name, rec.Transcript, fi.Mode().Perm())
	}
	b, _ := os.ReadFile(rec.Transcript)
	if !strings.Contains(string(b), "===== trustfix apply "+rec.Name+" attempt") {
		t.Errorf("%s: transcript %s does not hold the apply session", rec.Name, rec.Transcript)
	}
}

// mustRead returns the file's content, or fails the test.
func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// issued is a throwaway certificate, its key and its PEM.
type issued struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
}

// issue makes an ECDSA certificate for cn valid for the next hour, a CA
// or a leaf, signed by parent (self-signed when parent is nil).
func issue(t *testing.T, cn string, ca bool, parent *issued) *issued {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		BasicConstraintsValid: true, IsCA: ca, KeyUsage: x509.KeyUsageDigitalSignature}
	if ca {
		tmpl.KeyUsage = x509.KeyUsageCertSign
	}
	signer, signKey := tmpl, key
	if parent != nil {
		signer, signKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &issued{cert: c, key: key, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}
