// Package platform is the small interface every platform implements —
// detect the trust store, run an import sequence, save, and put the device
// back as found — and the explicit registry of those implementations.
package platform

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/record"
)

// Reader answers show commands: a live session or a folder of captures.
type Reader interface {
	Show(cmd string) (string, error)
}

// Shell is what an import sequence needs of a live session
// (*session.Session implements it).
type Shell interface {
	Reader
	// Send runs a command and waits for a prompt; a device error in the
	// output is returned as an error.
	Send(cmd string) (string, error)
	// SendExpect also stops at one of the (anchored) question patterns.
	SendExpect(cmd string, expect ...*regexp.Regexp) (string, error)
	// Write sends raw keystrokes without waiting (paste bursts, ^C).
	Write(text string) error
	// ReadUntil reads until one of the patterns or a prompt.
	ReadUntil(expect ...*regexp.Regexp) (string, error)
	// Prompt is the last prompt seen.
	Prompt() string
}

// State is what detection found on a device, beyond `show version`.
type State struct {
	Trust detect.Trust
	// MultiContext is an ASA in multiple-context mode.
	MultiContext bool
	// FIPS is an ASA with `fips enable`.
	FIPS bool
	// Conflict explains why the sequence cannot run as is (e.g. an FXOS
	// trustpoint of our name that holds another chain).
	Conflict string
	// BundlePresent says whether the configured bundle file exists (nil:
	// not checked).
	BundlePresent *bool
	// Notes are one-line observations for the operator.
	Notes []string
	// Serial is the chassis serial where `show version` lacks it (IOS XR).
	Serial string
}

// Prefs are the operator's choices for one device.
type Prefs struct {
	Method     record.Method // auto, url, file or terminal
	BundleFile string        // file method: e.g. flash:ios_core.p7b, harddisk:/ios.p7b
	BundleURL  string        // url method
}

// Result is what an import sequence did.
type Result struct {
	Method     record.Method
	Persistent bool
	// Fallback names a fallback taken, e.g. "url failed (…); used terminal".
	Fallback string
}

// Driver is one platform. Implementations hold no per-device state.
type Driver interface {
	// ID is the platform id (iosxe, iosxr, asa, fxos, cer, esa, wsa).
	ID() string
	// CLI reports whether trustfix can log in and act (false: cer/esa/wsa).
	CLI() bool
	// Methods lists the import methods the platform supports.
	Methods() []record.Method
	// Auto picks the method for import_method auto (SPEC).
	Auto(p Prefs) record.Method
	// Persistent says whether a method survives a reload.
	Persistent(m record.Method) bool
	// Detect reads the trust store (and anything else the plan needs).
	Detect(r Reader, ca *cert.CA, p Prefs) (State, error)
	// Apply runs the import sequence and returns to the exec prompt. On
	// error it has already put the device back as found (left config mode,
	// ended any paste, discarded buffers).
	Apply(sh Shell, m record.Method, ca *cert.CA, p Prefs) (Result, error)
	// Save makes the change survive a reload where the platform needs a
	// separate step (write memory); a no-op elsewhere.
	Save(sh Shell) error
}

// Recoverer is a Driver whose sequence leaves something on the device when
// the connection is lost in the middle, where its own guard cannot run
// (the ASA creates its trustpoint before the paste; IOS XR copies the
// bundle to /tmp and commits the Trustpool trustpoint first).
type Recoverer interface {
	// Recover runs on a new session after the connection of an Apply with
	// method m was lost and detection shows the CA absent. It removes what
	// the sequence left, or names it, and says so in one phrase.
	Recover(sh Shell, m record.Method, ca *cert.CA, p Prefs) (string, error)
}

// Registry maps platform ids to drivers.
type Registry struct{ drivers map[string]Driver }

// NewRegistry registers drivers; a duplicate id is an error.
func NewRegistry(ds ...Driver) (*Registry, error) {
	r := &Registry{drivers: map[string]Driver{}}
	for _, d := range ds {
		if _, dup := r.drivers[d.ID()]; dup {
			return nil, fmt.Errorf("platform %q registered twice", d.ID())
		}
		r.drivers[d.ID()] = d
	}
	return r, nil
}

// Get returns the driver for id, or an error listing the valid ids.
func (r *Registry) Get(id string) (Driver, error) {
	if d, ok := r.drivers[id]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("unknown platform %q (want %s)", id, strings.Join(r.IDs(), "|"))
}

// IDs lists the registered ids, sorted.
func (r *Registry) IDs() []string {
	ids := make([]string, 0, len(r.drivers))
	for id := range r.drivers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Supports reports whether d offers method m.
func Supports(d Driver, m record.Method) bool {
	for _, x := range d.Methods() {
		if x == m {
			return true
		}
	}
	return false
}
