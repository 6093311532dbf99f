// Package remediate handles one device end to end: connect, detect,
// decide, and with apply: import, verify by detecting again, save. Every
// path returns one record.Record; a failed device fails alone and is left
// as found.
package remediate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/plan"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/safefile"
	"github.com/trustfix/trustfix/pkg/sanitize"
	"github.com/trustfix/trustfix/pkg/secret"
	"github.com/trustfix/trustfix/pkg/session"
)

// Runner runs devices. One Runner serves a whole fleet concurrently.
type Runner struct {
	Registry *platform.Registry
	CA       *cert.CA
	// Apply false is plan: sessions are read-only.
	Apply bool
	// TranscriptDir receives one transcript per device per run ("" = none).
	TranscriptDir string
	Run           *record.RunInfo
	Logger        *zap.Logger
	Now           func() time.Time
	// Handshake bounds connect + SSH handshake (default 10s).
	Handshake time.Duration
	// Hard is cancelled by a second signal: sequences stop at the next step
	// and back out.
	Hard context.Context
	// ReadDelay is the session poll interval (0: the session default).
	ReadDelay time.Duration
	// AskEnable supplies an enable password on demand (fix prompts).
	AskEnable func() (secret.Secret, error)
	// AskPassword supplies the login password of a device that has none,
	// only if its keys were refused (fix prompts then, as ssh does).
	AskPassword func() (secret.Secret, error)
	// BeforeChange journals the intent to change a device (outcome
	// in-progress) before the first change; an error stops that device.
	BeforeChange func(record.Record) error
	// Interrupted says a previous run stopped while changing this device:
	// if it is now compliant, the save that run never reached is done.
	Interrupted func(name string) bool
	// Note is a remark on the device from the run itself (a resume: its
	// port changed since the journal), added to its record's reason.
	Note func(name string) string
	// OnLogin is told, once per attempt, that the device accepted the
	// credentials (login, and enable where the platform needs it): the
	// fleet's credential circuit breaker lets more devices use them.
	OnLogin func(dev inventory.Device)
	// AllowNonPersistent accepts a fix lost on reload on every device
	// (--allow-non-persistent), as allow_non_persistent does for one.
	AllowNonPersistent bool

	// knownHosts is shared by every device of the run: known_hosts is
	// parsed once, and accept-new appends are serialised.
	knownHosts session.KnownHosts
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) log() *zap.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return zap.NewNop()
}

// Device runs one attempt (n counts from 1) at dev.
func (r *Runner) Device(ctx context.Context, dev inventory.Device, n int) (a record.Attempt) {
	started := r.now()
	a.Record = record.Record{Name: dev.Name, Host: dev.Host, Port: dev.Port, Platform: dev.Platform, Attempts: n, Run: r.Run, Started: &started}
	defer func() {
		fin := r.now()
		a.Record.Finished = &fin
	}()
	defer func() {
		rec := &a.Record
		if rec.FollowUp != "" {
			rec.NonPersistentAllowed = r.AllowNonPersistent || dev.AllowNonPersistent
		}
		if r.Note != nil {
			rec.Reason = plan.WithNotes(rec.Reason, []string{r.Note(dev.Name)})
		}
	}()
	if spec, err := r.Registry.Lookup(dev.Platform); err == nil && !spec.CLI() {
		r.appliance(&a.Record, spec, dev)
		return a
	}
	r.live(ctx, &a, dev, started)
	return a
}

// MaxTranscript caps one device's transcript in a run: four operations
// at the session's output cap. A device that floods fails at that cap; this
// keeps its transcript (and the disk) from following it.
const MaxTranscript = 4 * session.MaxOutput

// transcript opens the device's transcript (0600), appending across
// attempts, at JOURNAL.d/RUN-ID/NAME.log: the name sanitised, the path
// checked to stay in the run's folder, no symbolic link followed. What the
// device sends is escaped, then redacted of red's secrets, then cut at
// MaxTranscript. A local error (no file descriptor left) is returned: the
// device must not run without its transcript for that reason.
func (r *Runner) transcript(dev inventory.Device, n int, red *secret.Redactor) (io.Writer, func(), string, error) {
	if r.TranscriptDir == "" {
		return nil, func() {}, "", nil
	}
	dir := r.TranscriptDir
	if r.Run != nil && r.Run.ID != "" {
		dir = filepath.Join(dir, safefile.Name(r.Run.ID))
	}
	path, err := safefile.Within(dir, safefile.Name(dev.Name)+".log")
	if err == nil {
		err = safefile.MkdirNoFollow(dir, 0o700)
	}
	var f *os.File
	if err == nil {
		f, err = safefile.Open(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	}
	if err != nil {
		if local := session.LocalError(err); local != nil {
			return nil, func() {}, "", fmt.Errorf("transcript: %w", local)
		}
		r.log().Warn("transcript", zap.String("device", dev.Name), zap.Error(err))
		return nil, func() {}, "", nil
	}
	left := int64(MaxTranscript)
	if st, err := f.Stat(); err == nil {
		left -= st.Size()
	}
	limit := sanitize.NewLimit(f, max(left, 0), fmt.Sprintf("\n[trustfix: transcript cut at %d MiB]\n", MaxTranscript>>20))
	redacted := red.Writer(limit)
	w := sanitize.NewWriter(redacted)
	fmt.Fprintf(w, "\n===== trustfix %s %s attempt %d %s =====\n", mode(r.Apply), dev.Name, n, r.now().UTC().Format(time.RFC3339))
	return w, func() {
		_ = w.Close()
		_ = redacted.Close()
		_ = f.Sync()
		_ = f.Close()
	}, path, nil
}

func mode(apply bool) string {
	if apply {
		return "apply"
	}
	return "plan"
}

// classify turns a connect/detect error into a verdict and says whether a
// retry is safe. Authentication and host-key failures never are.
func classify(err error) (record.Verdict, bool) {
	switch {
	case errors.Is(err, session.ErrAuth):
		return record.AuthFailed, false
	case errors.Is(err, session.ErrHostKey), errors.Is(err, session.ErrAlgorithms):
		return record.Error, false
	case errors.Is(err, session.ErrLocal), errors.Is(err, session.ErrOutputLimit):
		// This machine's resources, or a device that floods: neither is
		// helped by trying the device again.
		return record.Error, false
	case errors.Is(err, session.ErrUnreachable):
		return record.Unreachable, true
	case errors.Is(err, session.ErrDeadline), errors.Is(err, context.DeadlineExceeded):
		// Each attempt has its own deadline; one that ran out before any
		// change may be tried again (fail allows it only then).
		return record.Unreachable, true
	case errors.Is(err, session.ErrClosed), errors.Is(err, session.ErrTimeout):
		return record.Error, true
	case errors.Is(err, context.Canceled):
		return record.Error, false
	}
	return record.Error, false
}
