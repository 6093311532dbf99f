package cli

import (
	"errors"
	"fmt"
	"os"

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
		Use:   "report JOURNAL [-o table|json|csv]",
		Short: "Summarise a run from its journal alone",
		Long: `report reads a journal written by apply (or fix --journal) and prints the last
record of every device, with a summary per verdict, per outcome and per
platform. It needs no inventory and no device. A line torn by a crash is
reported and skipped; nothing in the journal is changed.`,
		Example: `  trustfix report tonight.jsonl
  trustfix report tonight.jsonl -o csv > tonight.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(env, args[0], opts) },
	}
	opts.Output = outputFlag(cmd, report.Table, report.JSON, report.CSV)
	return cmd
}

func runReport(env *Env, path string, opts ReportOptions) error {
	recs, problems, err := journal.Read(path)
	if errors.Is(err, os.ErrNotExist) {
		return inputErrf("%s: no such journal", path)
	}
	if err != nil {
		return inputErr(err)
	}
	for _, p := range problems {
		fmt.Fprintf(env.Err, "warning: %s: %s\n", path, p)
	}
	latest := journal.Latest(recs)
	if err := report.Render(env.Out, opts.Output.String(), latest, report.Options{Apply: true, Summary: true}); err != nil {
		return err
	}
	if needsAttention(latest) {
		return errDevicesFailed
	}
	return nil
}
