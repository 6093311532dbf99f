package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

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
from. A file that is not a trustfix journal is refused (exit 1). A
directory stands for the *.jsonl journals in it.

The journals of a sharded run (apply --shard K/N: one run id, one journal
per shard) merge into the record of the whole night. report names every
shard no journal holds and exits 2 when one is missing, and names every
device that two shards recorded.

-o markdown and -o html write the change record a ticket needs: run id,
start, end, duration, operator, inventory and CA fingerprints, counts, the
failures and the follow-ups first, every device with its outcome, method,
persistence and reason, the backout for each platform and method used, and
the transcripts. The HTML is one self-contained file.`,
		Example: `  trustfix report tonight.jsonl
  trustfix report tonight.jsonl -o csv > tonight.csv
  trustfix report tonight.jsonl -o markdown > CHG0012345.md
  trustfix report tonight.jsonl -o html > tonight.html
  trustfix report site-a.jsonl site-b.jsonl        # one run, two journals
  trustfix report /journals/night/                 # every shard's journal in a directory`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(env, args, opts) },
	}
	opts.Output = outputFlag(cmd, report.Table, report.Wide, report.JSON, report.CSV, report.Markdown, report.HTML)
	return cmd
}

func runReport(env *Env, args []string, opts ReportOptions) error {
	paths, err := journalPaths(args)
	if err != nil {
		return err
	}
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
	shardsMissing := reportShards(env, merged)
	latest := merged.Records()
	format := opts.Output.String()
	if slices.Contains(report.ChangeFormats, format) {
		if err := report.RenderChange(env.Out, format, changeRecord(env, paths, files, merged)); err != nil {
			return err
		}
	} else if err := report.Render(env.Out, format, latest, env.tableOptions(true)); err != nil {
		return err
	}
	if needsAttention(latest) || shardsMissing {
		return errDevicesFailed
	}
	return nil
}

// reportShards says on stderr which shards of a sharded run no journal
// holds, whose split differs, and which devices two shards recorded; it
// reports whether a shard is missing (the night is not complete: exit 2).
func reportShards(env *Env, m journal.Merged) bool {
	missing := false
	for _, s := range m.Shards {
		for _, j := range s.Mismatch {
			fmt.Fprintf(env.Err, "warning: run %s: %s is not of the same split\n", s.RunID, j)
		}
		if len(s.Missing) == 0 {
			continue
		}
		missing = true
		fmt.Fprintf(env.Err, "trustfix: run %s: shard %s missing: no journal given holds %s (%d of %d shards here); its devices are not in this report\n",
			s.RunID, journal.ShardList(s.Missing, s.Count), plural(len(s.Missing), "it", "them"), s.Count-len(s.Missing), s.Count)
	}
	for _, o := range m.Overlaps {
		var where []string
		for i, k := range o.Shards {
			where = append(where, fmt.Sprintf("shard %d (%s)", k, o.Journals[i]))
		}
		fmt.Fprintf(env.Err, "warning: run %s: %s was recorded by %s: shards of one run must split the same selection (inventory, -l, N, --shard-by)\n",
			o.RunID, line(o.Device), strings.Join(where, " and "))
	}
	return missing
}

// journalPaths expands the arguments of report: a directory stands for
// the *.jsonl files in it (the journals of a run's shards, collected in
// one place), in name order.
func journalPaths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil || !st.IsDir() {
			out = append(out, a)
			continue
		}
		found, err := filepath.Glob(filepath.Join(a, "*.jsonl"))
		if err != nil {
			return nil, inputErr(err)
		}
		if len(found) == 0 {
			return nil, inputErrf("%s: a directory with no journals (*.jsonl) in it", a)
		}
		out = append(out, found...)
	}
	return out, nil
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
