package cli

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"

	"github.com/spf13/cobra"

	"github.com/trustfix/trustfix/pkg/journal"
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

// changeRecord is the change record of the journals, written now by this
// binary.
func changeRecord(env *Env, paths []string, files []*journal.File, m journal.Merged) report.Change {
	ch := report.NewChange(paths, files, m, env.Registry)
	ch.Generated, ch.Version = env.Now(), moduleVersion()
	return ch
}

// moduleVersion is the module version of this binary, for the record's
// footer.
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
