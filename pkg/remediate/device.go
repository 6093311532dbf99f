package remediate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/trustfix/trustfix/pkg/advisory"
	"github.com/trustfix/trustfix/pkg/detect"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/plan"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/secret"
	"github.com/trustfix/trustfix/pkg/session"
)

// Prefs are a device's import preferences.
func Prefs(dev inventory.Device) platform.Prefs {
	return platform.Prefs{Method: record.Method(dev.ImportMethod), BundleFile: dev.BundleFile, BundleURL: dev.BundleURL}
}

// appliance decides an upgrade-only product from its inventory release.
func (r *Runner) appliance(rec *record.Record, spec *platform.Spec, dev inventory.Device) {
	rec.Version = dev.Version
	facts := detect.Facts{Platform: spec.ID, Supported: true, Version: dev.Version}
	in := plan.Input{Facts: facts, Spec: spec, CA: r.CA}
	if dev.Version != "" {
		if a, err := advisory.Lookup(spec.AdvisoryFamily(), dev.Version, ""); err == nil {
			in.Advisory = &a
		} else {
			rec.Error = err.Error()
		}
	}
	rec.Advisory = in.Advisory
	r.decide(rec, plan.Decide(in))
	rec.Stage = record.StageDetect
}

// decide copies a decision into the record and, for apply, sets the
// outcome of a device that will not be changed.
func (r *Runner) decide(rec *record.Record, dec plan.Decision) {
	rec.Verdict, rec.Method, rec.Persistent, rec.Reason = dec.Verdict, dec.Method, dec.Persistent, dec.Reason
	rec.FallbackMethod, rec.FollowUp = dec.Fallback, dec.FollowUp
	if dec.Verdict == record.Error && rec.Error == "" {
		rec.Error = dec.Reason
	}
	if !r.Apply {
		return
	}
	switch dec.Verdict {
	case record.Compliant:
		rec.Outcome = record.AlreadyCompliant
	case record.Unsupported, record.UpgradeRequired:
		rec.Outcome = record.Skipped
	case record.Remediate:
	default:
		rec.Outcome = record.Failed
	}
}

func (r *Runner) fail(a *record.Attempt, stage record.Stage, err error) {
	v, retry := classify(err)
	a.Record.Stage = stage
	if a.Record.Verdict == "" || a.Record.Verdict == record.Remediate {
		if stage == record.StageConnect || stage == record.StageDetect {
			a.Record.Verdict = v
		}
	}
	a.Record.Error = err.Error()
	a.Retryable = retry && (stage == record.StageConnect || stage == record.StageDetect)
	a.Local = errors.Is(err, session.ErrLocal)
	if r.Apply {
		a.Record.Outcome = record.Failed
	}
}

func (r *Runner) live(ctx context.Context, a *record.Attempt, dev inventory.Device, started time.Time) {
	rec := &a.Record
	log := r.log().With(zap.String("device", dev.Name))
	deadline := started.Add(dev.Timeout)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	red := newRedactor(dev.Password, dev.EnablePassword)
	// Last, after everything else: nothing from the device leaves this
	// function unescaped, unredacted or unbounded.
	defer seal(rec, red)
	w, closeT, path, err := r.transcript(dev, rec.Attempts, red)
	defer closeT()
	if err != nil {
		r.fail(a, record.StageConnect, err)
		return
	}
	ask := r.AskEnable
	if ask != nil {
		// A password typed at a prompt is redacted before it is sent: a
		// device may echo it.
		ask = func() (secret.Secret, error) {
			s, err := r.AskEnable()
			addSecret(red, s)
			return s, err
		}
	}
	rec.Transcript = path
	var want *platform.Spec // nil: detect the platform
	if dev.Platform != "" && dev.Platform != platform.Auto {
		spec, err := r.Registry.Lookup(dev.Platform)
		if err != nil {
			r.fail(a, record.StageConnect, fmt.Errorf("connect: %w", err))
			return
		}
		want = spec
	}
	rec.Stage = record.StageConnect
	// open logs in, within the same deadline and into the same transcript:
	// once for the attempt, and again only to check a device whose
	// connection was lost while it was being changed.
	open := func(spec *platform.Spec) (*session.Session, error) {
		var prof *session.Profile
		if spec != nil {
			prof = spec.Profile()
		}
		return session.Open(ctx, r.withSSH(session.Target{
			Name: dev.Name, Host: dev.Host, Port: dev.Port, Username: dev.Username,
			Password: dev.Password, EnablePassword: dev.EnablePassword,
			HostKeyPolicy: dev.HostKeyPolicy, KnownHosts: dev.KnownHosts,
			Legacy: dev.LegacyAlgorithms, JumpHost: dev.JumpHost, AskEnable: ask,
		}, dev), session.Options{
			Profile: prof, Deadline: deadline, Handshake: r.Handshake, ReadOnly: !r.Apply,
			Transcript: w, ReadDelay: r.ReadDelay, KnownHosts: &r.knownHosts,
			OnWarning: func(msg string) { log.Warn(deviceText(red, msg)) },
		})
	}
	sess, err := open(want)
	if err != nil {
		r.fail(a, record.StageConnect, fmt.Errorf("connect: %w", err))
		return
	}
	defer sess.Close()
	// The credentials are proven once the device took them: at login when
	// its platform is known (the session enabled), else once detection
	// switched the session to the platform found.
	loggedIn := func() {
		if r.OnLogin != nil {
			r.OnLogin(dev)
		}
	}
	if want != nil {
		loggedIn()
	}
	sh := guard(sess, ctx, r.Hard)
	rec.Stage = record.StageDetect
	use := func(spec *platform.Spec) error {
		err := sess.Use(*spec.Profile())
		if err == nil {
			loggedIn()
		}
		return err
	}
	spec, st, dec, ok := r.detect(a, sh, use, want, Prefs(dev))
	if rec.Verdict != record.AuthFailed {
		loggedIn() // a platform without enable, or one trustfix does not cover
	}
	if rec.Hostname == "" {
		rec.Hostname = sess.Hostname() // XR and FXOS print it only in the prompt
	}
	if !ok || !r.Apply {
		return
	}
	switch {
	case dec.Verdict == record.Remediate:
		if err := r.apply(a, sh, spec, st, dec, dev, red); err != nil {
			r.afterLostConnection(ctx, a, spec, Prefs(dev), err, open)
		}
	case dec.Verdict == record.Compliant && r.Interrupted != nil && r.Interrupted(dev.Name):
		r.finishInterrupted(a, sh, spec)
	}
}

// detect reads show version and the trust store and decides. want is the
// platform the inventory names (nil: detect it); use switches a live
// session to the detected platform (nil for captures).
func (r *Runner) detect(a *record.Attempt, rd platform.Reader, use func(*platform.Spec) error, want *platform.Spec, prefs platform.Prefs) (*platform.Spec, platform.State, plan.Decision, bool) {
	rec := &a.Record
	out, err := rd.Show("show version")
	if err != nil {
		r.fail(a, record.StageDetect, fmt.Errorf("detect: %w", err))
		return nil, platform.State{}, plan.Decision{}, false
	}
	facts, spec, err := r.facts(out, want)
	if err != nil {
		r.fail(a, record.StageDetect, fmt.Errorf("detect: %w", err))
		rec.Verdict = record.Error
		return nil, platform.State{}, plan.Decision{}, false
	}
	rec.Platform, rec.Version, rec.Model, rec.Hostname, rec.Serial = facts.Platform, facts.Version, facts.Model, facts.Hostname, facts.Serial
	in := plan.Input{Facts: facts, Prefs: prefs, CA: r.CA}
	if facts.Supported && spec != nil && spec.CLI() {
		in.Spec = spec
		if adv, err := advisory.Lookup(spec.AdvisoryFamily(), facts.Version, facts.Model); err == nil {
			in.Advisory = &adv
			rec.Advisory = &adv
		}
		if want == nil && use != nil {
			if err := use(spec); err != nil {
				r.fail(a, record.StageDetect, fmt.Errorf("detect: %w", err))
				return nil, platform.State{}, plan.Decision{}, false
			}
		}
		st, err := spec.ReadState(rd, out, r.CA, in.Prefs)
		if err != nil {
			r.fail(a, record.StageDetect, fmt.Errorf("detect trust store: %w", err))
			return nil, platform.State{}, plan.Decision{}, false
		}
		in.State = &st
		if rec.Serial == "" {
			rec.Serial = st.Serial
		}
		rec.CAPresent = record.Bool(st.Trust.CAPresent)
		rec.QuoVadisPresent = record.Bool(st.Trust.QuoVadisPresent)
		dec := plan.Decide(in)
		r.decide(rec, dec)
		return spec, st, dec, true
	}
	dec := plan.Decide(in)
	r.decide(rec, dec)
	return nil, platform.State{}, dec, true
}

// facts parses show version: as the family of the platform the inventory
// names, or, with none named, as whatever it is, and finds the platform
// that family belongs to (nil for one trustfix does not cover).
func (r *Runner) facts(out string, want *platform.Spec) (detect.Facts, *platform.Spec, error) {
	if want == nil {
		facts, err := detect.ParseVersion(out)
		spec, ok := r.Registry.Detected(facts.Platform)
		if err == nil && ok {
			facts.Platform = spec.ID
		}
		return facts, spec, err
	}
	facts, err := detect.ParseVersionAs(want.Detect.Family, out)
	var mismatch *detect.MismatchError
	if errors.As(err, &mismatch) {
		mismatch.Want = want.ID
	}
	if err == nil {
		facts.Platform = want.ID
	}
	return facts, want, err
}

// apply runs the sequence, verifies by detecting again, and saves. It
// returns the error that failed the device (already in the record).
func (r *Runner) apply(a *record.Attempt, sh platform.Shell, spec *platform.Spec, st platform.State, dec plan.Decision, dev inventory.Device, red *secret.Redactor) error {
	rec := &a.Record
	prefs := Prefs(dev)
	rec.Stage = record.StageImport
	if r.BeforeChange != nil {
		intent := *rec
		intent.Outcome = record.InProgress
		seal(&intent, red)
		if err := r.BeforeChange(intent); err != nil {
			r.fail(a, record.StageImport, fmt.Errorf("not changed: the journal could not record the intent: %w", err))
			return nil // nothing was sent
		}
	}
	// The driver may fall back to another method (under import_method
	// auto); the Result names the method used and says why.
	res, err := spec.Apply(sh, dec.Method, r.CA, prefs)
	rec.Method, rec.Persistent, rec.Fallback, rec.FallbackMethod = res.Method, record.Bool(res.Persistent), res.Fallback, ""
	md, _ := spec.Method(res.Method)
	rec.Reason = plan.Applied(md, prefs, res.Fallback, st.Notes)
	if err != nil && (errors.Is(err, platform.ErrStopped) || errors.Is(err, platform.ErrNotSupported)) {
		r.fail(a, record.StageImport, fmt.Errorf("import: %w", err))
		return err
	}
	// Success is what the trust store lists now, whatever the device said
	// (its messages are largely unverified: docs/platforms.md).
	rec.Stage = record.StageVerify
	after := res.After
	if after == nil || err != nil {
		st, derr := spec.Driver.Detect(sh, r.CA, prefs)
		if derr != nil {
			// The import may have landed: "possibly changed" (the stage
			// says so to a resume), never "not installed".
			cause := fmt.Errorf("verify: could not verify: %w", derr)
			if err != nil {
				cause = fmt.Errorf("import: %v; verify: could not verify: %w", err, derr)
			}
			r.fail(a, record.StageVerify, cause)
			rec.CAPresent = nil // unknown: never "not installed"
			return derr
		}
		after = &st
	}
	rec.CAPresent = record.Bool(after.Trust.CAPresent)
	switch {
	case !after.Trust.CAPresent && err != nil:
		r.fail(a, record.StageImport, fmt.Errorf("import: %w", err))
		return err
	case !after.Trust.CAPresent:
		err := fmt.Errorf("verify: the device accepted the import but does not list %s; configuration not saved", r.CA.CommonName())
		r.fail(a, record.StageVerify, err)
		return err
	case after.LostOnReload && res.Persistent:
		err := fmt.Errorf("verify: after the %s import %s is still listed only where a reload loses it; configuration not saved", res.Method, r.CA.CommonName())
		r.fail(a, record.StageVerify, err)
		return err
	}
	rec.Reason = plan.Applied(md, prefs, res.Fallback, after.Notes)
	if err != nil {
		rec.Reason = plan.WithNotes(rec.Reason, []string{"the device's answer read as a failure (" + err.Error() + "), but it lists " + r.CA.CommonName()})
	}
	rec.Proof = proof(after.Trust.CA)
	rec.Stage = record.StageSave
	if err := spec.Driver.Save(sh); err != nil {
		r.fail(a, record.StageSave, fmt.Errorf("save: the CA is in the running configuration but %w", err))
		return err
	}
	rec.Stage = record.StageDone
	rec.Outcome = record.Remediated
	rec.Error = ""
	rec.FollowUp = spec.FollowUp(res.Method)
	return nil
}

func proof(c *detect.Cert) *record.Proof {
	if c == nil {
		return nil
	}
	p := &record.Proof{Subject: c.Subject, Serial: c.Serial, Fingerprint: c.SHA1, MatchedBy: "serial+subject"}
	if c.SHA1 != "" {
		p.MatchedBy = "sha1"
	}
	return p
}

// finishInterrupted completes a change a stopped run left unsaved: the CA is
// in the running configuration (our import), the save never happened.
func (r *Runner) finishInterrupted(a *record.Attempt, sh platform.Shell, spec *platform.Spec) {
	rec := &a.Record
	rec.Stage = record.StageSave
	if err := spec.Driver.Save(sh); err != nil {
		r.fail(a, record.StageSave, fmt.Errorf("save after an interrupted run: %w", err))
		return
	}
	rec.Stage = record.StageDone
	rec.Outcome = record.Remediated
	rec.Reason = "the previous run stopped after importing; saved now"
}
