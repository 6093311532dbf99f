package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
)

// Device is what identifies a device across the processes of a run: the
// same identity a journal's resume checks (name, host, port).
type Device struct {
	Name string
	Host string
	Port int
}

// RunID derives the run id every shard of a run computes alike, without
// talking to the others: SHA-256 over the CA's fingerprint, N, what the
// split is by, and the identities of every device selected before the
// split (-l applied), in order. The same inventory selection, CA and N
// give the same id on every machine; another N, CA or fleet another id.
// Cosmetic edits of the inventory (comments, timeouts) keep it.
func RunID(caFingerprint string, s Spec, devices []Device) string {
	h := sha256.New()
	fmt.Fprintf(h, "trustfix-shards/v1\nca %s\nshards %d by %s\n", caFingerprint, s.Count, s.By)
	for _, d := range devices {
		fmt.Fprintf(h, "%q %q %d\n", d.Name, d.Host, d.Port)
	}
	return fmt.Sprintf("shards%d-%s", s.Count, hex.EncodeToString(h.Sum(nil))[:16])
}

var runIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$`)

// CheckRunID refuses a --run-id that could not name a directory safely
// (transcripts go to JOURNAL.d/RUN-ID/): letters, digits, '.', '_' and
// '-', at most 80, starting with a letter or digit, no "..".
func CheckRunID(id string) error {
	if !runIDPattern.MatchString(id) || containsDotDot(id) {
		return fmt.Errorf("%w: --run-id %q: want 1 to 80 letters, digits, '.', '_' or '-', starting with a letter or digit, without \"..\"", ErrInvalid, id)
	}
	return nil
}

func containsDotDot(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && s[i+1] == '.' {
			return true
		}
	}
	return false
}
