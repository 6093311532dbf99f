package record

// Stage is how far a device got in one attempt.
type Stage string

// Stages, in the order a device goes through them.
const (
	StageConnect Stage = "connect"
	StageDetect  Stage = "detect"
	StageImport  Stage = "import"
	StageVerify  Stage = "verify"
	StageSave    Stage = "save"
	StageDone    Stage = "done"
)

// Changing reports whether a device at stage s may have been changed: the
// import began (import, verify, save) but the change was not saved.
func (s Stage) Changing() bool {
	return s == StageImport || s == StageVerify || s == StageSave
}

// Attempt is one try at one device: its record, and whether a new try is
// safe.
type Attempt struct {
	Record Record
	// Retryable: it failed before anything on the device could change, for
	// a reason a new try may not meet (unreachable, dropped, timed out).
	Retryable bool
	// Local: it failed because this machine ran out of a resource (open
	// files): not the device's fault; the fleet stops launching.
	Local bool
}

// Done reports whether the device needs nothing more: its last attempt left
// it with the CA installed (remediated, or already compliant). A resume
// skips it.
func (r Record) Done() bool {
	return r.Outcome == Remediated || r.Outcome == AlreadyCompliant
}

// Failed reports whether a record counts against the run (exit code 2):
// the outcome when there is one, else the verdict. Upgrade-required and
// unsupported are answers, not failures; an in-progress last line is a
// device the run stopped while changing.
func (r Record) Failed() bool {
	if r.NotSelected {
		return false
	}
	if r.Outcome != "" {
		return r.Outcome == Failed || r.Outcome == InProgress
	}
	switch r.Verdict {
	case Unreachable, AuthFailed, Error:
		return true
	}
	return false
}

// ChangeBegun reports whether a device's last record leaves it possibly
// changed but not saved: the run stopped while changing it (in-progress),
// or it failed once the change had begun (import, verify or save: e.g. the
// connection was lost after the import).
func (r Record) ChangeBegun() bool {
	switch r.Outcome {
	case InProgress:
		return true
	case Failed:
		return r.Stage.Changing()
	}
	return false
}

// NeedsFollowUp reports whether a device holds the CA only until its next
// reload: remediated by a method that does not survive one (persistent:
// false), or found so (follow_up set), so someone must come back to it.
func (r Record) NeedsFollowUp() bool {
	switch {
	case r.NotSelected || r.Failed():
		return false
	case r.FollowUp != "":
		return true
	}
	return r.Outcome == Remediated && r.Persistent != nil && !*r.Persistent
}

// FollowUpDue reports a follow-up the operator has not accepted: it fails
// the run (exit 2) as a failure does, but is listed apart.
func (r Record) FollowUpDue() bool { return r.NeedsFollowUp() && !r.NonPersistentAllowed }
