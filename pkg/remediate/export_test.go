package remediate

// The guard, for the test that fires a second signal mid-paste.
var (
	Guard      = guard
	ErrAborted = errAborted
)
