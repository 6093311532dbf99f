// Package report is the one output layer of trustfix: plan, apply and
// report all print a []record.Record through Render, as a table (one that
// fits the terminal, or every column with -o wide), one JSON document or
// CSV, so the three commands cannot drift apart. RenderChange writes the
// change record of a run (markdown or HTML) and RenderDiff what apply
// would send to each device.
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
	Table    = "table"
	Wide     = "wide"
	JSON     = "json"
	CSV      = "csv"
	Markdown = "markdown"
	HTML     = "html"
)

// Schema versions the JSON documents and the CSV columns (docs/json.md):
// a field is only ever added within a version; a renamed or removed field
// or column gets a new one.
const Schema = "trustfix/v1"

// Formats lists the formats Render writes, in the order help text shows them.
var Formats = []string{Table, Wide, JSON, CSV}

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
	// Apply: the records are apply results (apply, fix, report): the
	// table shows OUTCOME instead of VERDICT, CSV adds the apply columns.
	// JSON always carries every field.
	Apply bool
	// Summary appends the summary block to a table. JSON always has its
	// "summary"; CSV never does (it would not be CSV any more).
	Summary bool
	// Width is the terminal's width: a table's reason column takes what
	// the other columns leave and is cut to it. 0 (not a terminal: a pipe,
	// a file) cuts nothing.
	Width int
	// Color paints verdicts and outcomes (a terminal, unless NO_COLOR or
	// --color never).
	Color bool

	wide bool
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
	case Table, Wide:
		opts.wide = format == Wide
		err = renderTable(w, recs, opts)
	case JSON:
		err = renderJSON(w, recs)
	case CSV:
		err = renderCSV(w, recs, opts.Apply)
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	return nil
}

// document is the `-o json` shape (docs/json.md).
type document struct {
	Schema  string          `json:"schema"`
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
	return enc.Encode(document{Schema: Schema, Devices: recs, Summary: Summarise(recs)})
}
