package devsim

import (
	"crypto/x509"
	"slices"
	"time"
)

// entry is one certificate in a trust store.
type entry struct {
	cert *x509.Certificate
	// source is how it got there: Built-In, Downloaded or Terminal.
	source string
}

// trustpoint is a configured trustpoint (IOS XR, ASA, FXOS).
type trustpoint struct {
	name           string
	enrollTerminal bool
	crlConfigured  bool
	certs          []*x509.Certificate
}

// config is the part of a device's configuration the lab models: its
// trustpool and its trustpoints. running and startup are two copies.
type config struct {
	pool        []entry
	trustpoints []*trustpoint
}

func (c *config) clone() *config {
	out := &config{pool: slices.Clone(c.pool)}
	for _, tp := range c.trustpoints {
		cp := *tp
		cp.certs = slices.Clone(tp.certs)
		out.trustpoints = append(out.trustpoints, &cp)
	}
	return out
}

func (c *config) equal(o *config) bool {
	if len(c.pool) != len(o.pool) || len(c.trustpoints) != len(o.trustpoints) {
		return false
	}
	for i := range c.pool {
		if !sameCert(c.pool[i].cert, o.pool[i].cert) || c.pool[i].source != o.pool[i].source {
			return false
		}
	}
	for i, tp := range c.trustpoints {
		p := o.trustpoints[i]
		if tp.name != p.name || tp.enrollTerminal != p.enrollTerminal || tp.crlConfigured != p.crlConfigured ||
			!slices.EqualFunc(tp.certs, p.certs, sameCert) {
			return false
		}
	}
	return true
}

func (c *config) trustpoint(name string) *trustpoint {
	for _, tp := range c.trustpoints {
		if tp.name == name {
			return tp
		}
	}
	return nil
}

func (c *config) hasPooled(cert *x509.Certificate) bool {
	return slices.ContainsFunc(c.pool, func(e entry) bool { return sameCert(e.cert, cert) })
}

// addPool adds a certificate to the trustpool unless present; it reports
// whether it was new.
func (c *config) addPool(cert *x509.Certificate, source string) bool {
	if c.hasPooled(cert) {
		return false
	}
	c.pool = append(c.pool, entry{cert, source})
	return true
}

// Line is one line the device received.
type Line struct {
	Mode   string
	Text   string
	Hidden bool // typed with echo off (a password); Text is masked
	// Split: the line came in more than one read, typed key by key or its
	// Enter sent after a pause (a client that waits for the echo first).
	Split bool
}

// SessionLog is everything the lab saw in one SSH session.
type SessionLog struct {
	ID    int
	Start time.Time
	End   time.Time
	// Terminal is the PTY the client asked for: "TYPE COLUMNSxROWS", or ""
	// without one (or with a pty-req the device could not read).
	Terminal string
	Lines    []Line
	// Mutating lists the commands that changed (or could change) state:
	// configuration mode, imports, saves, file operations.
	Mutating []string
	// EndMode is the mode the session was in when it ended.
	EndMode string
	// EndedInConfig is true when the session ended inside a configuration mode.
	EndedInConfig bool
	// PendingBuffer is true when it ended with uncommitted changes (FXOS
	// buffer, IOS XR candidate configuration).
	PendingBuffer bool
	// HalfPaste is true when it ended in the middle of a certificate paste.
	HalfPaste bool
	Dropped   bool
	Ended     bool
}

// CertInfo is one trust-store certificate as tests see it.
type CertInfo struct {
	CommonName string
	SHA1       string
	Serial     string
	Store      string // "trustpool" or the trustpoint name
	Source     string
}

// State is a snapshot of a device for tests and for `trustfix lab`.
type State struct {
	Name        string
	Platform    string
	TrustStore  []CertInfo // running
	SavedStore  []CertInfo // what survives a reload
	Unsaved     bool       // running differs from startup
	Trustpoints []string
	// Files are the files on the device's file systems (flash:, harddisk:,
	// the XR shell's /tmp), normalised as fs:name or tmp/name.
	Files       []string
	Connections int
	Logins      int
	KeyLogins   int // of Logins, those made with a public key
	KeysRefused int // public keys offered that the device refused
	AuthFailed  int
	Sessions    []SessionLog
}

// Has reports whether the store lists a certificate with this SHA-1.
func Has(store []CertInfo, sha1 string) bool {
	return slices.ContainsFunc(store, func(c CertInfo) bool { return c.SHA1 == sha1 })
}

// MutatingCommands returns every state-changing command any session sent.
func (st State) MutatingCommands() []string {
	var out []string
	for _, s := range st.Sessions {
		out = append(out, s.Mutating...)
	}
	return out
}

// Dirty reports whether any ended session left config mode, a pending
// buffer or a half paste behind.
func (st State) Dirty() bool {
	for _, s := range st.Sessions {
		if s.EndedInConfig || s.PendingBuffer || s.HalfPaste {
			return true
		}
	}
	return false
}

func storeInfo(c *config) []CertInfo {
	var out []CertInfo
	for _, e := range c.pool {
		out = append(out, info(e.cert, "trustpool", e.source))
	}
	for _, tp := range c.trustpoints {
		for _, cert := range tp.certs {
			out = append(out, info(cert, tp.name, "Terminal"))
		}
	}
	return out
}

func info(c *x509.Certificate, store, source string) CertInfo {
	return CertInfo{CommonName: c.Subject.CommonName, SHA1: sha1Hex(c), Serial: serialHex(c), Store: store, Source: source}
}
