// Package record defines the one row type that flows out of every run: the
// journal line, the `-o json` device object and the report row are all a
// Record, so the three cannot drift apart.
package record

import "time"

// Verdict is what detection concludes about a device.
type Verdict string

// Verdicts, as named in the SPEC.
const (
	Compliant       Verdict = "compliant"
	Remediate       Verdict = "remediate"
	UpgradeRequired Verdict = "upgrade-required"
	Unsupported     Verdict = "unsupported"
	Unreachable     Verdict = "unreachable"
	AuthFailed      Verdict = "auth-failed"
	Error           Verdict = "error"
)

// Verdicts lists every verdict in report order.
var Verdicts = []Verdict{Compliant, Remediate, UpgradeRequired, Unsupported, Unreachable, AuthFailed, Error}

// Outcome is what apply/fix did to a device.
type Outcome string

// Outcomes of apply/fix.
const (
	Remediated       Outcome = "remediated"
	AlreadyCompliant Outcome = "already-compliant"
	Failed           Outcome = "failed"
	Skipped          Outcome = "skipped"
	// InProgress is journaled just before a device is changed: if it is a
	// device's last line, the run stopped while changing it.
	InProgress Outcome = "in-progress"
)

// Outcomes lists every outcome in report order.
var Outcomes = []Outcome{Remediated, AlreadyCompliant, Failed, Skipped, InProgress}

// Method is an import sequence.
type Method string

// Import methods. MethodAuto is only ever a preference, never a decision.
const (
	MethodAuto     Method = "auto"
	MethodURL      Method = "url"
	MethodFile     Method = "file"
	MethodTerminal Method = "terminal"
)

// Advisory is the field-notice view of a device's software release.
type Advisory struct {
	Notice   string `json:"notice"`          // e.g. FN72298
	Affected bool   `json:"affected"`        // the release is named in the notice
	Fixed    string `json:"fixed,omitempty"` // the first fixed release(s), as the notice words them
	Note     string `json:"note,omitempty"`  // one line for the operator
}

// Proof is the target CA as the device lists it after a fix.
type Proof struct {
	Subject string `json:"subject"`
	Serial  string `json:"serial"`
	// Fingerprint is the SHA-1 the device lists (XR), or computes from the
	// certificate it prints (ASA running-config, FXOS PEM); "" where the
	// listing shows none (IOS XE), which MatchedBy then says.
	Fingerprint string `json:"fingerprint"`
	MatchedBy   string `json:"matched_by"` // "sha1" or "serial+subject"
}

// Record is one device in one run: a plan row, or an apply attempt.
type Record struct {
	Name     string `json:"name"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Platform string `json:"platform"`
	Version  string `json:"version"`
	Model    string `json:"model"`
	Hostname string `json:"hostname"`
	Serial   string `json:"serial,omitempty"`

	// CAPresent is nil when the trust store could not be read.
	CAPresent       *bool `json:"ca_present"`
	QuoVadisPresent *bool `json:"quovadis_present,omitempty"`

	Verdict Verdict `json:"verdict"`
	// Method is, for a plan, the method chosen; once applied, the method
	// actually used (after a fallback, the fallback).
	Method Method `json:"method"`
	// FallbackMethod, on a plan row, is the method the device falls back
	// to if Method fails there (import_method auto): Persistent is then
	// the worse of the two.
	FallbackMethod Method    `json:"fallback_method,omitempty"`
	Persistent     *bool     `json:"persistent"`
	Reason         string    `json:"reason,omitempty"` // why this verdict/method, one line; names the method used
	Advisory       *Advisory `json:"advisory"`
	Error          string    `json:"error"`
	// FollowUp is set when the CA is on the device only until its next
	// reload (persistent: false): what makes it last. Such a device is
	// listed apart from failures and fails the run (exit 2) unless
	// NonPersistentAllowed.
	FollowUp string `json:"follow_up,omitempty"`
	// NonPersistentAllowed: the operator accepted a fix lost on reload for
	// this device (--allow-non-persistent, allow_non_persistent: true).
	NonPersistentAllowed bool `json:"non_persistent_allowed,omitempty"`

	// Apply-only fields.
	Outcome    Outcome    `json:"outcome,omitempty"`
	Stage      Stage      `json:"stage,omitempty"` // how far the device got
	Fallback   string     `json:"fallback,omitempty"`
	Proof      *Proof     `json:"proof,omitempty"`
	Started    *time.Time `json:"started,omitempty"`
	Finished   *time.Time `json:"finished,omitempty"`
	Attempts   int        `json:"attempts,omitempty"`
	Transcript string     `json:"transcript,omitempty"`

	// Run binds a journal line to the run that wrote it (resume refuses a
	// journal of another CA).
	Run *RunInfo `json:"run,omitempty"`

	// NotSelected marks, in the output of a resumed run, a device of the
	// journal that this run did not select (removed from the inventory,
	// or left out by --limit): shown, never counted. Never journaled.
	NotSelected bool `json:"not_selected,omitempty"`
}

// RunInfo identifies a run. A resumed run is the same run when its CA is
// the same; its devices are matched by name, host and port (journal
// Resume), so an edited inventory can be resumed.
type RunInfo struct {
	ID string `json:"id"`
	// Inventory is the sha256 of the inventory file, for the record only:
	// an edit does not stop a resume.
	Inventory     string `json:"inventory"`
	CAFingerprint string `json:"ca_fingerprint"` // SHA-1 of the target CA
}

// Bool returns a pointer to b, for the optional fields.
func Bool(b bool) *bool { return &b }
