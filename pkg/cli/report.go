package cli

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"

	"github.com/spf13/cobra"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/report"
)

// ReportOptions are the flags of `trustfix report`.
type ReportOptions struct {
	Output *enum
}

func newReportCmd(env *Env) *cobra.Command {
	opts := ReportOptions{}
	cmd := &cobra.Command{
		Use:   "report JOURNAL... [-o table|wide|json|csv|markdown|html]",
		Short: "Summarise a run from its journals alone; write its change record",
		Long: `report reads journals written by apply (or fix --journal) and prints the last
record of every device in inventory order, with a summary per verdict, per
outcome and per platform. It needs no inventory and no device. A line torn
by a crash is reported and skipped; nothing in a journal is changed.

Several journals (the same run split over machines, or a run and its
resume in separate files) are read as one: the latest record of each device
wins, and report says on stderr which journal each disputed device came
from. A file that is not a trustfix journal is refused (exit 1).

-o markdown and -o html write the change record a ticket needs: run id,
start, end, duration, operator, inventory and CA fingerprints, counts, the
failures and the follow-ups first, every device with its outcome, method,
persistence and reason, the backout for each platform and method used, and
the transcripts. The HTML is one self-contained file.`,
		Example: `  trustfix report tonight.jsonl
  trustfix report tonight.jsonl -o csv > tonight.csv
  trustfix report tonight.jsonl -o markdown > CHG0012345.md
  trustfix report tonight.jsonl -o html > tonight.html
  trustfix report site-a.jsonl site-b.jsonl        # one run, two journals`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(env, args, opts) },
	}
	opts.Output = outputFlag(cmd, report.Table, report.Wide, report.JSON, report.CSV, report.Markdown, report.HTML)
	return cmd
}

func runReport(env *Env, paths []string, opts ReportOptions) error {
	var files []*journal.File
	for _, path := range paths {
		f, err := journal.ReadFile(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return inputErrf("%s: no such journal", path)
		case err != nil:
			return inputErr(err)
		}
		for _, p := range f.Problems {
			fmt.Fprintf(env.Err, "warning: %s: %s\n", path, p)
		}
		files = append(files, f)
	}
	merged := journal.Merge(files)
	for _, c := range merged.Conflicts {
		for _, d := range c.Dropped {
			fmt.Fprintf(env.Err, "note: %s is in %s and %s: the record of %s (the later) is shown\n", line(c.Device), d.Source, c.Kept, c.Kept)
		}
	}
	if len(merged.Missing) > 0 {
		fmt.Fprintf(env.Err, "note: %d devices the run covered have no record in these journals (never started, or a journal is missing)\n", len(merged.Missing))
	}
	latest := merged.Records()
	format := opts.Output.String()
	if slices.Contains(report.ChangeFormats, format) {
		if err := report.RenderChange(env.Out, format, changeRecord(env, paths, files, merged)); err != nil {
			return err
		}
	} else if err := report.Render(env.Out, format, latest, env.tableOptions(true)); err != nil {
		return err
	}
	if anyFailure(latest) {
		return errDevicesFailed
	}
	return nil
}

// changeRecord gathers what the change record shows beyond the records:
// the CA from the run lines (or the embedded one, when an older journal's
// fingerprint says so), and the backout of every platform × method that
// changed a device, from the drivers.
func changeRecord(env *Env, paths []string, files []*journal.File, m journal.Merged) report.Change {
	ch := report.Change{Merged: m, Journals: paths, Generated: env.Now(), Version: moduleVersion()}
	for _, f := range files {
		for _, r := range f.Runs {
			if r.CA != nil && ch.CA == nil {
				ch.CA = r.CA
			}
		}
		if len(f.Runs) == 0 && len(f.Records) > 0 {
			ch.Notes = append(ch.Notes, fmt.Sprintf("%s has no run lines (written before trustfix recorded them): operator, start and end come from its records or are not recorded", f.Path))
		}
		for _, p := range f.Problems {
			ch.Notes = append(ch.Notes, fmt.Sprintf("%s: %s", f.Path, p))
		}
	}
	ca := caOf(ch.CA, m)
	if ca != nil && ch.CA == nil {
		ch.CA = caRef(ca)
	}
	type key struct {
		platform string
		method   record.Method
	}
	count := map[key]int{}
	var order []key
	for _, e := range m.Devices {
		r := e.Record
		if !report.Changed(r) || r.Method == "" {
			continue
		}
		k := key{r.Platform, r.Method}
		if count[k] == 0 {
			order = append(order, k)
		}
		count[k]++
	}
	for _, k := range order {
		spec, err := env.Registry.Lookup(k.platform)
		if err != nil || ca == nil {
			continue
		}
		if bo, ok := spec.BackoutOf(k.method, ca); ok {
			ch.Backouts = append(ch.Backouts, report.BackoutEntry{Platform: k.platform, Method: k.method, Devices: count[k], Backout: bo})
		}
	}
	if ca == nil && len(order) > 0 {
		ch.Notes = append(ch.Notes, "the journals do not say which certificate was installed: no backout commands can be given")
	}
	return ch
}

// caOf is the certificate a run installed: from its run line, else the
// embedded one when the records' fingerprint is its.
func caOf(ref *journal.CARef, m journal.Merged) *cert.CA {
	if ref != nil {
		if b, _ := pem.Decode([]byte(ref.PEM)); b != nil {
			if c, err := x509.ParseCertificate(b.Bytes); err == nil {
				return cert.New(c)
			}
		}
	}
	def := cert.Default()
	for _, e := range m.Devices {
		if e.Record.Run != nil && e.Record.Run.CAFingerprint == def.SHA1() {
			return def
		}
	}
	return nil
}

// moduleVersion is the module version of this binary, for the record's
// footer.
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
