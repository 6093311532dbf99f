// Package report is the one output layer of trustfix: plan, apply and
// report all print a []record.Record through Render, as a table, one JSON
// document or CSV, so the three commands cannot drift apart.
package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/trustfix/trustfix/pkg/record"
)

// Output formats, as given to -o.
const (
	Table = "table"
	JSON  = "json"
	CSV   = "csv"
)

// Formats lists the valid formats in the order help text shows them.
var Formats = []string{Table, JSON, CSV}

// ErrFormat matches (with errors.Is) the error for an unknown format.
var ErrFormat = errors.New("unknown output format")

// CheckFormat returns an error naming the valid formats unless format is
// one of them; call it before touching any device.
func CheckFormat(format string) error {
	for _, f := range Formats {
		if format == f {
			return nil
		}
	}
	return fmt.Errorf("%w %q (want %s)", ErrFormat, format, strings.Join(Formats, "|"))
}

// Options shape the output.
type Options struct {
	// Apply adds the table's OUTCOME and ATTEMPTS columns. JSON and CSV
	// always carry every field, so their shape never depends on the command.
	Apply bool
	// Summary appends the summary block to a table. JSON always has its
	// "summary"; CSV never does (it would not be CSV any more).
	Summary bool
}

// Render writes recs to w in format, in the order given. Every string of
// every record is escaped first (see escapeRecords), whatever the format:
// records read back from a journal may come from anywhere.
func Render(w io.Writer, format string, recs []record.Record, opts Options) error {
	if err := CheckFormat(format); err != nil {
		return err
	}
	recs = escapeRecords(recs)
	var err error
	switch format {
	case Table:
		err = renderTable(w, recs, opts)
	case JSON:
		err = renderJSON(w, recs)
	case CSV:
		err = renderCSV(w, recs)
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	return nil
}

// document is the `-o json` shape from the SPEC.
type document struct {
	Devices []record.Record `json:"devices"`
	Summary Summary         `json:"summary"`
}

// renderJSON writes one indented document. Each device is the Record's own
// JSON, exactly what the journal holds.
func renderJSON(w io.Writer, recs []record.Record) error {
	if recs == nil {
		recs = []record.Record{} // "devices": [], never null
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(document{Devices: recs, Summary: Summarise(recs)})
}
