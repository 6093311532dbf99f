package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/sanitize"
)

// csvColumns is the stable CSV header: the same for plan, apply and report,
// so spreadsheets of different runs line up. New columns go at the end.
var csvColumns = []string{
	"name", "host", "port", "platform", "version", "model", "hostname",
	"ca_present", "verdict", "method", "persistent",
	"advisory_notice", "advisory_affected", "advisory_fixed",
	"error", "outcome", "started", "finished", "attempts", "transcript",
	"serial", "quovadis_present", "reason", "stage", "fallback", "proof_fingerprint", "run_id",
	"fallback_method", "follow_up", "non_persistent_allowed", "not_selected",
}

// renderCSV writes a header and one row per record. Values are as in the
// JSON (booleans true/false, times RFC 3339); an absent value is empty. A
// cell a spreadsheet would run as a formula (=, +, -, @ first) gets a
// leading single quote (OWASP's CSV-injection rule).
func renderCSV(w io.Writer, recs []record.Record) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	for _, r := range recs {
		row := csvRow(r)
		for i, c := range row {
			row[i] = sanitize.CSVCell(c)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvRow(r record.Record) []string {
	var notice, affected, fixed string
	if a := r.Advisory; a != nil {
		notice, affected, fixed = a.Notice, strconv.FormatBool(a.Affected), a.Fixed
	}
	var proof, runID string
	if r.Proof != nil {
		proof = r.Proof.Fingerprint
	}
	if r.Run != nil {
		runID = r.Run.ID
	}
	attempts := ""
	if r.Attempts > 0 {
		attempts = strconv.Itoa(r.Attempts)
	}
	return []string{
		r.Name, r.Host, strconv.Itoa(r.Port), r.Platform, r.Version, r.Model, r.Hostname,
		optBool(r.CAPresent), string(r.Verdict), string(r.Method), optBool(r.Persistent),
		notice, affected, fixed,
		r.Error, string(r.Outcome), optTime(r.Started), optTime(r.Finished), attempts, r.Transcript,
		r.Serial, optBool(r.QuoVadisPresent), r.Reason, string(r.Stage), r.Fallback, proof, runID,
		string(r.FallbackMethod), r.FollowUp, optTrue(r.NonPersistentAllowed), optTrue(r.NotSelected),
	}
}

// optTrue is an optional true: "true", or empty.
func optTrue(b bool) string {
	if b {
		return "true"
	}
	return ""
}

func optBool(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

func optTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}
