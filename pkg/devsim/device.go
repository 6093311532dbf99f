package devsim

import (
	"fmt"
	"iter"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// Device is one simulated device listening on its own loopback port.
type Device struct {
	spec  Spec
	creds Credentials
	ln    net.Listener
	done  chan struct{}
	wg    sync.WaitGroup

	mu          sync.Mutex
	hostKeys    []ssh.Signer // first is the primary
	running     *config
	startup     *config
	files       map[string]bool
	sessions    []*SessionLog
	conns       int
	logins      int
	keyLogins   int // logins with a public key (pubkey.go)
	keysRefused int // public keys offered and refused
	authFailed  int
	dropsLeft   int
	corruptLeft int
	askedReport bool // ASA anonymous error reporting question answered
	live        map[net.Conn]bool
	// trapHook replaces the prompt trap's pause when set (tests hold the
	// device right after "host#" instead of relying on a delay).
	trapHook func()
}

func newDevice(sp Spec, creds Credentials) (*Device, error) {
	d := &Device{spec: sp, creds: creds, done: make(chan struct{}), files: map[string]bool{}, live: map[net.Conn]bool{}}
	kinds := sp.HostKeys
	if len(kinds) == 0 {
		kinds = []string{KeyEd25519}
	}
	for _, kind := range kinds {
		k, err := hostKeyOfKind(sp.Name, kind)
		if sp.LegacySSH {
			k, err = legacyHostKey(sp.Name) // an old image has one ssh-rsa key
		}
		if err != nil {
			return nil, fmt.Errorf("devsim: %s: %w", sp.Name, err)
		}
		d.hostKeys = append(d.hostKeys, k)
		if sp.LegacySSH {
			break
		}
	}
	d.running = initialConfig(&sp)
	d.startup = d.running.clone()
	for _, f := range sp.Files {
		d.files[normaliseFile(f)] = true
	}
	d.dropsLeft = sp.Faults.DropSessions
	if sp.Faults.DropAfterBytes > 0 && d.dropsLeft == 0 {
		d.dropsLeft = 1
	}
	d.corruptLeft = sp.Faults.CorruptPaste
	return d, nil
}

// initialConfig is the trust store a device ships with. IOS XE and XR keep
// their roots in the trustpool; recent ASA images keep IdenTrust in the
// built-in trustpoint _SmartCallHome_ServerCA and QuoVadis in
// _SmartCallHome_ServerCA2; FXOS keeps roots in trustpoints only.
func initialConfig(sp *Spec) *config {
	c := &config{}
	p := certPool()
	switch sp.Platform {
	case ASA, FTD:
		// The ASA trustpool starts empty: the CSCvm80874 write-up's first import installs
		// all ten certificates of ios_core.p7b with no duplicates.
		if sp.IdenTrust || sp.Decoy {
			tp := &trustpoint{name: "_SmartCallHome_ServerCA"}
			if sp.IdenTrust {
				tp.certs = append(tp.certs, p.identrust)
			} else {
				tp.certs = append(tp.certs, p.decoy)
			}
			c.trustpoints = append(c.trustpoints, tp)
		}
		if sp.QuoVadis {
			c.trustpoints = append(c.trustpoints, &trustpoint{name: "_SmartCallHome_ServerCA2", certs: []*x509Cert{p.quovadis}})
		}
	case FXOS:
		if sp.QuoVadis {
			c.trustpoints = append(c.trustpoints, &trustpoint{name: "QuoVadisRootCA2", enrollTerminal: true, certs: []*x509Cert{p.quovadis}})
		}
		if sp.IdenTrust {
			c.trustpoints = append(c.trustpoints, &trustpoint{name: "CiscoLicRootCA", enrollTerminal: true, certs: []*x509Cert{p.identrust}})
		}
		if sp.Decoy {
			c.trustpoints = append(c.trustpoints, &trustpoint{name: "IdenTrustOld", enrollTerminal: true, certs: []*x509Cert{p.decoy}})
		}
	default:
		for _, cert := range builtIn(sp) {
			c.addPool(cert, "Built-In")
		}
	}
	if tp := sp.Faults.TrustpointExists; tp != nil {
		t := &trustpoint{name: tp.Name, enrollTerminal: true}
		switch tp.Chain {
		case "identrust":
			t.certs = append(t.certs, p.identrust)
		case "quovadis":
			t.certs = append(t.certs, p.quovadis)
		}
		c.trustpoints = append(c.trustpoints, t)
	}
	return c
}

// normaliseFile maps harddisk:ios.p7b, harddisk:/ios.p7b and
// /harddisk:/ios.p7b to one key.
func normaliseFile(f string) string {
	f = strings.TrimPrefix(f, "/")
	if i := strings.Index(f, ":"); i >= 0 {
		return f[:i+1] + strings.TrimPrefix(f[i+1:], "/")
	}
	return f
}

// Name is the device name.
func (d *Device) Name() string { return d.spec.Name }

// Spec is the device's scenario entry.
func (d *Device) Spec() Spec { return d.spec }

// Addr is host:port of the device's SSH listener.
func (d *Device) Addr() string { return d.ln.Addr().String() }

// Port is the device's TCP port.
func (d *Device) Port() int { return d.ln.Addr().(*net.TCPAddr).Port }

// HostKey is the device's primary public host key.
func (d *Device) HostKey() ssh.PublicKey {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.hostKeys[0].PublicKey()
}

// HostKeys are all the public host keys the device serves.
func (d *Device) HostKeys() []ssh.PublicKey {
	d.mu.Lock()
	defer d.mu.Unlock()
	keys := make([]ssh.PublicKey, len(d.hostKeys))
	for i, k := range d.hostKeys {
		keys[i] = k.PublicKey()
	}
	return keys
}

// RotateHostKey replaces every host key with a new one of the same kind,
// as a re-imaged device would.
func (d *Device) RotateHostKey() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, old := range d.hostKeys {
		s, err := freshHostKey(old)
		if err != nil {
			panic("devsim: host key: " + err.Error())
		}
		d.hostKeys[i] = s
	}
}

// Reload simulates a reload: running configuration is replaced by startup.
// On IOS XR this drops certificates added with `crypto ca authenticate`.
func (d *Device) Reload() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.running = d.startup.clone()
	// /tmp is a RAM disk on IOS XR: a staged bundle does not survive.
	for f := range d.files {
		if strings.HasPrefix(f, "tmp/") {
			delete(d.files, f)
		}
	}
}

// trapPause holds output right after the prompt trap's "host#".
func (d *Device) trapPause() {
	d.mu.Lock()
	h := d.trapHook
	d.mu.Unlock()
	if h != nil {
		h()
		return
	}
	// Long enough for a reader to see "...host#" as the end of its buffer.
	time.Sleep(50 * time.Millisecond)
}

// State returns a snapshot of the device.
func (d *Device) State() State {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := State{
		Name:        d.spec.Name,
		Platform:    d.spec.Platform,
		TrustStore:  storeInfo(d.running),
		SavedStore:  storeInfo(d.startup),
		Unsaved:     !d.running.equal(d.startup),
		Connections: d.conns,
		Logins:      d.logins,
		KeyLogins:   d.keyLogins,
		KeysRefused: d.keysRefused,
		AuthFailed:  d.authFailed,
	}
	for _, tp := range d.running.trustpoints {
		st.Trustpoints = append(st.Trustpoints, tp.name)
	}
	for f := range d.files {
		st.Files = append(st.Files, f)
	}
	slices.Sort(st.Files)
	for _, s := range d.sessions {
		cp := *s
		cp.Lines = slices.Clone(s.Lines)
		cp.Mutating = slices.Clone(s.Mutating)
		st.Sessions = append(st.Sessions, cp)
	}
	return st
}

// with runs f with the device state locked.
func (d *Device) with(f func(run, start *config)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f(d.running, d.startup)
}

// runningTrustpoints yields the running trustpoint named only, or every
// one when only is "", with the device state locked for the whole loop (its
// body must not lock the device again).
func (d *Device) runningTrustpoints(only string) iter.Seq[*trustpoint] {
	return func(yield func(*trustpoint) bool) {
		d.with(func(run, _ *config) {
			for _, tp := range run.trustpoints {
				if (only == "" || tp.name == only) && !yield(tp) {
					return
				}
			}
		})
	}
}

func (d *Device) save() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.startup = d.running.clone()
}

func (d *Device) hasFile(f string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.files[normaliseFile(f)]
}

func (d *Device) setFile(f string, present bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if present {
		d.files[normaliseFile(f)] = true
	} else {
		delete(d.files, normaliseFile(f))
	}
}

func (d *Device) recordLine(l *SessionLog, mode, text string, hidden, split bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if hidden && text != "" {
		text = "********"
	}
	l.Lines = append(l.Lines, Line{Mode: mode, Text: text, Hidden: hidden, Split: split})
}

func (d *Device) recordMutating(l *SessionLog, cmd string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	l.Mutating = append(l.Mutating, cmd)
}

func (d *Device) markDropped(l *SessionLog) {
	d.mu.Lock()
	defer d.mu.Unlock()
	l.Dropped = true
}

func (d *Device) endSession(l *SessionLog, mode string, inConfig, pending, halfPaste bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	l.End = time.Now()
	l.Ended = true
	l.EndMode = mode
	l.EndedInConfig = inConfig
	l.PendingBuffer = pending
	l.HalfPaste = halfPaste
}

func (d *Device) openSession(term string) (*SessionLog, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	l := &SessionLog{ID: len(d.sessions) + 1, Start: time.Now(), Terminal: term}
	d.sessions = append(d.sessions, l)
	return l, d.spec.Faults.DropAfterBytes
}

func (d *Device) String() string {
	return fmt.Sprintf("%s (%s) %s", d.spec.Name, d.spec.Platform, d.Addr())
}

// takeFault spends one unit of a fault budget, reporting whether any was left.
func (d *Device) takeFault(left *int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if *left <= 0 {
		return false
	}
	*left--
	return true
}
