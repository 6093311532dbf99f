package remediate

import (
	"context"
	"errors"
	"strings"

	"github.com/trustfix/trustfix/pkg/plan"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/session"
)

// afterLostConnection handles a device whose connection went away while it
// was being changed: the sequence's own guard could not run, so nobody
// knows what the device kept. It logs in once more, within the device's
// deadline, and looks:
//   - the CA is there (the import landed, the save or the verify did not
//     run): save it; the device is remediated, and the record says how;
//   - it is not: the driver removes what its sequence leaves behind when
//     cut short (platform.Recoverer), or says it cannot.
//
// Nothing is imported again: a change is never retried.
func (r *Runner) afterLostConnection(ctx context.Context, a *record.Attempt, spec *platform.Spec, prefs platform.Prefs, cause error, open func(*platform.Spec) (*session.Session, error)) {
	if !errors.Is(cause, session.ErrClosed) || ctx.Err() != nil || (r.Hard != nil && r.Hard.Err() != nil) {
		return
	}
	rec := &a.Record
	note := func(s string) { rec.Error += "; " + s }
	sess, err := open(spec)
	if err != nil {
		note("logging in again to check the device failed: " + err.Error())
		return
	}
	defer sess.Close()
	sh := guard(sess, ctx, r.Hard)
	st, err := spec.Driver.Detect(sh, r.CA, prefs)
	if err != nil {
		note("logged in again, but reading the trust store failed: " + err.Error())
		return
	}
	if st.Trust.CAPresent {
		rec.CAPresent = record.Bool(true)
		rec.Proof = proof(st.Trust.CA)
		if err := spec.Driver.Save(sh); err != nil {
			rec.Stage = record.StageSave
			note("logged in again: the CA is in the running configuration, but saving it failed: " + err.Error())
			return
		}
		lost := rec.Error
		rec.Stage, rec.Outcome, rec.Error = record.StageDone, record.Remediated, ""
		rec.Reason = plan.WithNotes(rec.Reason, []string{"the connection was lost (" + lost + "); logged in again, found the CA and saved"})
		return
	}
	rec.CAPresent = record.Bool(false)
	rc, ok := spec.Driver.(platform.Recoverer)
	if !ok {
		note("logged in again: the CA is not on the device and the sequence leaves nothing behind")
		return
	}
	did, err := rc.Recover(sh, rec.Method, r.CA, prefs)
	if err != nil {
		note("logged in again: the CA is not on the device; cleaning up failed: " + err.Error())
		return
	}
	if strings.Contains(rec.Error, did) { // the sequence already said so
		note("logged in again: the CA is not on the device")
		return
	}
	note("logged in again: the CA is not on the device; " + did)
}
