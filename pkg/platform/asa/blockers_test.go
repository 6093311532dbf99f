package asa_test

import (
	"strings"
	"testing"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/platform/asa"
	"github.com/trustfix/trustfix/pkg/record"
)

// outputs is a device that answers show commands from a map (a command
// it does not know prints nothing, as an empty listing does).
type outputs map[string]string

func (o outputs) Show(cmd string) (string, error) { return o[cmd], nil }

// TestDetectBlockers: what rules the import out is reported as blockers,
// in order (multiple-context mode, FIPS refusing a SHA-1-signed CA), with
// the notes the plan adds; a device that already holds the CA has none.
func TestDetectBlockers(t *testing.T) {
	const multi, single, fips = "Security context mode: multiple", "Security context mode: single", "fips enable"
	for _, tc := range []struct {
		name     string
		mode     string
		fips     string
		ca       *cert.CA
		blockers []string // the reasons, in order (a part of each)
		notes    []string
	}{
		{"single, no FIPS", single, "", cert.Default(), nil, nil},
		{"multiple context", multi, "", cert.Default(), []string{"multiple-context mode"}, nil},
		{"FIPS and SHA-256", single, fips, cert.Default(), nil, []string{"FIPS mode is on (IdenTrust Commercial Root CA 1 is SHA-256 signed"}},
		{"FIPS and SHA-1", single, fips, cert.QuoVadis(), []string{"FIPS mode refuses SHA-1-signed CA certificates (QuoVadis Root CA 2 is one)"},
			[]string{"FIPS mode refuses SHA-1-signed CA certificates"}},
		{"multiple context, FIPS and SHA-1", multi, fips, cert.QuoVadis(), []string{"multiple-context mode", "FIPS mode refuses SHA-1"},
			[]string{"FIPS mode refuses SHA-1-signed CA certificates"}},
		// a blocker leaves no room for the "FIPS is on" note
		{"multiple context and FIPS", multi, fips, cert.Default(), []string{"multiple-context mode"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := asa.Driver{}.Detect(outputs{asa.ModeCommand: tc.mode, asa.FIPSCommand: tc.fips}, tc.ca, platform.Prefs{})
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Blockers) != len(tc.blockers) {
				t.Fatalf("blockers %+v, want %q", st.Blockers, tc.blockers)
			}
			for i, b := range st.Blockers {
				if b.Verdict != record.Unsupported || !strings.Contains(b.Reason, tc.blockers[i]) {
					t.Errorf("blocker %d: %s %q, want unsupported %q", i, b.Verdict, b.Reason, tc.blockers[i])
				}
			}
			if len(st.Notes) != len(tc.notes) || len(tc.notes) > 0 && !strings.Contains(st.Notes[0], tc.notes[0]) {
				t.Errorf("notes %q, want %q", st.Notes, tc.notes)
			}
		})
	}
}
