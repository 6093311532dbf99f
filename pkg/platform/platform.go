// Package platform is what a platform is to trustfix: a Spec (its id,
// scrapligo definition, session profile, detection, import methods with
// their persistence and fallback, advisory family) and, for the platforms
// trustfix logs in to, a small Driver (detect the trust store, run an
// import sequence, save, and put the device back as found). Each platform
// package registers one Spec in an explicit Registry.
package platform

import (
	"regexp"

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
	// Blockers are why the import cannot run as the platform's sequence
	// stands (an ASA in multiple-context mode, FIPS refusing a SHA-1 CA, a
	// trustpoint of our name holding another chain), in the order found:
	// the first decides the verdict. A device already holding the CA is
	// compliant whatever they say.
	Blockers []Blocker
	// BundlePresent says whether the configured bundle file exists (nil:
	// not checked).
	BundlePresent *bool
	// Notes are one-line observations for the operator, added to the reason
	// of a blocked or remediate verdict.
	Notes []string
	// Serial is the chassis serial where `show version` lacks it (IOS XR).
	Serial string
	// LostOnReload: the CA is present only where a reload loses it (IOS
	// XR's trustpoint Trustpool, filled by the terminal method).
	LostOnReload bool
}

// Blocker is one reason the import cannot run on a device as it is.
type Blocker struct {
	// Verdict is unsupported (the platform's fix does not apply: fix it by
	// hand) or error (something on the device is in the way).
	Verdict record.Verdict
	// Reason is the one line the operator reads.
	Reason string
}

// Prefs are the operator's choices for one device.
type Prefs struct {
	Method     record.Method // auto, url, file or terminal
	BundleFile string        // file method: e.g. flash:ios_core.p7b, harddisk:/ios.p7b
	BundleURL  string        // url method
}

// Auto reports whether the method is the platform's choice (import_method
// auto, or not set).
func (p Prefs) Auto() bool { return p.Method == "" || p.Method == record.MethodAuto }

// Result is what an import sequence did.
type Result struct {
	// Method is the method actually used (after a fallback, the fallback).
	Method record.Method
	// Persistent: the method used survives a reload once saved. Spec.Apply
	// sets it from the method's data.
	Persistent bool
	// Fallback says a fallback was taken and why, e.g. "url failed (…);
	// used terminal".
	Fallback string
	// After is the trust store as the driver read it once the import was
	// done, when it read it (to decide a fallback by state); the caller
	// then need not read it again to verify. nil: not read.
	After *State
}

// Driver is the code of one platform that trustfix logs in to. It holds
// no per-device state; what a platform is (methods, persistence, session
// profile) is data in its Spec.
type Driver interface {
	// Detect reads the trust store and reports anything that blocks the
	// import (State.Blockers) or that the operator should read (Notes).
	Detect(r Reader, ca *cert.CA, p Prefs) (State, error)
	// Apply runs the import sequence of method m and returns to the exec
	// prompt. It may fall back to another method of the Spec's (under
	// import_method auto) and says so in the Result. On error it has
	// already put the device back as found (left config mode, ended any
	// paste, discarded buffers).
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
