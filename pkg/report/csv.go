package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/sanitize"
)

// PlanColumns is the CSV header of a plan; ApplyColumns is that of apply
// and report: the plan's columns, then those only a change has. Both are
// stable within a Schema version (docs/json.md): a new column goes at
// the end, so spreadsheets of different runs line up.
var (
	PlanColumns = []string{
		"name", "host", "port", "platform", "version", "model", "hostname", "serial",
		"ca_present", "quovadis_present", "verdict", "method", "persistent",
		"advisory_notice", "advisory_affected", "advisory_fixed", "reason", "error",
	}
	ApplyColumns = append(PlanColumns[:len(PlanColumns):len(PlanColumns)],
		"outcome", "stage", "fallback", "follow_up", "attempts", "started", "finished",
		"proof_subject", "proof_serial", "proof_fingerprint", "transcript", "run_id",
		"fallback_method", "non_persistent_allowed", "not_selected",
	)
)

// renderCSV writes a header and one row per record. Values are as in the
// JSON (booleans true/false, times RFC 3339); an absent value is empty. A
// cell a spreadsheet would run as a formula (=, +, -, @ first) gets a
// leading single quote (OWASP's CSV-injection rule).
func renderCSV(w io.Writer, recs []record.Record, apply bool) error {
	cw := csv.NewWriter(w)
	head := PlanColumns
	if apply {
		head = ApplyColumns
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range recs {
		row := csvRow(r, apply)
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

func csvRow(r record.Record, apply bool) []string {
	var notice, affected, fixed string
	if a := r.Advisory; a != nil {
		notice, affected, fixed = a.Notice, strconv.FormatBool(a.Affected), a.Fixed
	}
	row := []string{
		r.Name, r.Host, strconv.Itoa(r.Port), r.Platform, r.Version, r.Model, r.Hostname, r.Serial,
		optBool(r.CAPresent), optBool(r.QuoVadisPresent), string(r.Verdict), string(r.Method), optBool(r.Persistent),
		notice, affected, fixed, r.Reason, r.Error,
	}
	if !apply {
		return row
	}
	var subject, serial, proof, runID string
	if p := r.Proof; p != nil {
		subject, serial, proof = p.Subject, p.Serial, p.Fingerprint
	}
	if r.Run != nil {
		runID = r.Run.ID
	}
	return append(row,
		string(r.Outcome), string(r.Stage), r.Fallback, FollowUp(r), attempts(r), optTime(r.Started), optTime(r.Finished),
		subject, serial, proof, r.Transcript, runID,
		string(r.FallbackMethod), optTrue(r.NonPersistentAllowed), optTrue(r.NotSelected),
	)
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

// optTrue is an optional true: "true", or empty.
func optTrue(b bool) string {
	if b {
		return "true"
	}
	return ""
}
