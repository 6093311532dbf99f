package remediate

import (
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/secret"
)

// Every device-derived field is one escaped, redacted line of at most
// maxText bytes before it enters the record; trustfix's own fields are
// left alone.
func TestSeal(t *testing.T) {
	pw := "lab-Pa55-w0rd"
	red := newRedactor(secret.New(pw), secret.New("en\table"))
	huge := "% Invalid input detected: " + strings.Repeat("x", 2<<20)
	rec := record.Record{
		Name: "sw1", Host: "10.0.0.1", Transcript: "/t/sw1.log",
		Error: huge,
		// The password split by escape sequences, which the escaping joins.
		Reason:   "user netops password lab-\x1b[0mPa55-\x1b]0;t\x07w0rd rejected",
		Model:    "C9300\x1b]52;c;ZXZpbA==\x07",
		Hostname: "sw1\nen\table",
		Proof:    &record.Proof{Subject: "CN=x\u009b2J", Serial: pw},
	}
	seal(&rec, red)
	if len(rec.Error) > maxText || !strings.HasSuffix(rec.Error, "…") {
		t.Errorf("error: %d bytes, ends %q", len(rec.Error), rec.Error[len(rec.Error)-8:])
	}
	if rec.Reason != "user netops password ******** rejected" {
		t.Errorf("reason %q", rec.Reason)
	}
	if rec.Model != "C9300" || rec.Hostname != "sw1 ********" || rec.Proof.Subject != "CN=x" || rec.Proof.Serial != "********" {
		t.Errorf("model %q hostname %q proof %+v", rec.Model, rec.Hostname, *rec.Proof)
	}
	if rec.Name != "sw1" || rec.Transcript != "/t/sw1.log" {
		t.Errorf("trustfix's own fields changed: %q %q", rec.Name, rec.Transcript)
	}
}
