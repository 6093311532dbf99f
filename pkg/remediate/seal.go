package remediate

import (
	"strings"

	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/sanitize"
	"github.com/trustfix/trustfix/pkg/secret"
)

// maxText caps each device-derived text in a record: a device can print a
// 2 MB error line, and the record is a journal line and a report cell.
const maxText = 512

// newRedactor masks a device's passwords as typed and as they read once
// escaped (Text and Line): a device that wraps an echoed password in
// escape sequences must not get it past the redactor by having the
// escaping join it back together.
func newRedactor(secrets ...secret.Secret) *secret.Redactor {
	red := secret.NewRedactor()
	for _, s := range secrets {
		addSecret(red, s)
	}
	return red
}

func addSecret(red *secret.Redactor, s secret.Secret) {
	v := s.Reveal()
	red.Add(s, secret.New(sanitize.Text(v)), secret.New(sanitize.Line(v)))
}

// deviceText makes one string from a device fit for a record, a log line
// or a terminal: one line, escaped, redacted, at most maxText bytes. The
// result is a copy: a version or hostname cut out of the device's output
// would otherwise keep that whole output alive as long as the record (a
// fleet's records last until the run ends).
func deviceText(red *secret.Redactor, s string) string {
	if s == "" {
		return s
	}
	return strings.Clone(sanitize.Cap(red.RedactString(sanitize.Line(s)), maxText))
}

// seal passes every record field that can hold text from the device
// through deviceText, before the record reaches the journal, a log or any
// output. Fields trustfix writes itself (name, host, verdict, ...) are
// left alone.
func seal(rec *record.Record, red *secret.Redactor) {
	for _, f := range []*string{&rec.Version, &rec.Model, &rec.Hostname, &rec.Serial, &rec.Reason, &rec.Error, &rec.Fallback} {
		*f = deviceText(red, *f)
	}
	if p := rec.Proof; p != nil {
		cp := *p
		cp.Subject, cp.Serial, cp.Fingerprint = deviceText(red, p.Subject), deviceText(red, p.Serial), deviceText(red, p.Fingerprint)
		rec.Proof = &cp
	}
}
