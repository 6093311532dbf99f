package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/journal"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/remediate"
	"github.com/trustfix/trustfix/pkg/report"
)

// ApplyOptions are the flags of `trustfix apply`.
type ApplyOptions struct {
	fleetFlags
	Journal     string
	Resume      bool
	Yes         bool
	MaxFailures int
	Canary      int
	Transcripts string
}

func newApplyCmd(env *Env) *cobra.Command {
	opts := ApplyOptions{}
	cmd := &cobra.Command{
		Use:   "apply -i INVENTORY --journal FILE [--resume] [--yes] [-c N] [--max-failures N] [--canary N]",
		Short: "Install the CA on every device that needs it, verify, save, record",
		Long: `apply re-detects every device, runs its platform's import sequence where the
plan says remediate, proves the result by listing the trust store again, saves
the configuration, and writes one journal line per device per attempt
(JSON Lines, fsynced). A device that fails is left as found and the rest of
the fleet goes on. Without --yes it shows the plan and asks first; it refuses
to run without --yes when stdin is not a terminal.

Unattended: --canary N runs the first N devices alone and stops if any fails;
--max-failures N stops launching once N devices failed; the first Ctrl-C lets
devices in flight finish, a second one backs them out. --resume continues a
journal: devices already remediated or compliant are skipped.`,
		Example: `  # interactive: see the plan, confirm, apply
  trustfix apply -i inventory.yaml --journal tonight.jsonl
  # overnight
  trustfix apply -i inventory.yaml --journal tonight.jsonl --yes --canary 5 --max-failures 10
  # after a crash or a stop
  trustfix apply -i inventory.yaml --journal tonight.jsonl --yes --resume`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runApply(cmd.Context(), env, opts) },
	}
	opts.bind(cmd, "table|json")
	f := cmd.Flags()
	f.StringVar(&opts.Journal, "journal", "", "journal file (JSON Lines; required)")
	f.BoolVar(&opts.Resume, "resume", false, "continue the run recorded in --journal")
	f.BoolVar(&opts.Yes, "yes", false, "do not ask for confirmation")
	f.IntVar(&opts.MaxFailures, "max-failures", 0, "stop launching devices after N failures (0: no limit)")
	f.IntVar(&opts.Canary, "canary", 0, "run the first N devices alone; stop if any fails")
	f.StringVar(&opts.Transcripts, "transcripts", "", "transcript directory (default: JOURNAL.d next to the journal)")
	return cmd
}

func runApply(ctx context.Context, env *Env, opts ApplyOptions) error {
	inv, devs, ca, err := loadFleet(env, opts.fleetFlags, report.Table, report.JSON)
	if err != nil {
		return err
	}
	if opts.Journal == "" {
		return inputErrf("--journal is required")
	}
	if opts.MaxFailures < 0 || opts.Canary < 0 {
		return inputErrf("--max-failures and --canary must be >= 0")
	}
	j, err := journal.Open(opts.Journal)
	if err != nil {
		if errors.Is(err, journal.ErrInUse) {
			return inputErr(err)
		}
		return err
	}
	defer j.Close()
	run := runInfo(env, inv, ca)
	devs, interrupted, err := resumeFilter(env, opts, devs, run)
	if err != nil {
		return err
	}
	log := newLogger(env, false)
	defer func() { _ = log.Sync() }()
	transcripts := opts.Transcripts
	if transcripts == "" {
		transcripts = opts.Journal + ".d"
	}
	if !opts.Yes {
		ok, err := planAndConfirm(ctx, env, opts, inv, devs, ca)
		if err != nil || !ok {
			if err == nil {
				fmt.Fprintln(env.Err, "trustfix: nothing applied")
			}
			return err
		}
	}
	runner := &remediate.Runner{Registry: registry.Default(), CA: ca, Apply: true, TranscriptDir: transcripts, Run: run, Logger: log, Now: env.Now, Hard: env.Hard,
		BeforeChange: j.Append, Interrupted: func(name string) bool { return interrupted[name] }}
	prog := newProgress(env, log, "apply", len(devs))
	sum := fleet.Run(ctx, env.Hard, devs, runner.Device, fleet.Options{
		Concurrency: opts.Concurrency, GroupLimits: inv.GroupLimits,
		Canary: opts.Canary, MaxFailures: opts.MaxFailures,
		OnAttempt: j.Append, OnDone: prog.done,
	})
	prog.finish()
	recs := inOrder(devs, sum.Records)
	if err := report.Render(env.Out, opts.Output, recs, report.Options{Apply: true, Summary: true}); err != nil {
		return err
	}
	fmt.Fprintf(env.Err, "journal: %s (run %s); transcripts: %s\n", opts.Journal, run.ID, filepath.Join(transcripts, run.ID))
	return endOfRun(env, sum)
}

// resumeFilter refuses to mix runs in one journal and, with --resume,
// drops the devices whose last record is remediated or already-compliant,
// and names those a stopped run was changing (last record in-progress).
func resumeFilter(env *Env, opts ApplyOptions, devs []inventory.Device, run *record.RunInfo) ([]inventory.Device, map[string]bool, error) {
	recs, problems, err := journal.Read(opts.Journal)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, err
	}
	for _, p := range problems {
		fmt.Fprintf(env.Err, "warning: %s: %s\n", opts.Journal, p)
	}
	if len(recs) == 0 {
		return devs, nil, nil
	}
	if !opts.Resume {
		return nil, nil, inputErrf("%s already holds %d records: use --resume to continue that run, or a new journal", opts.Journal, len(recs))
	}
	if err := journal.CheckRun(recs, *run); err != nil {
		return nil, nil, inputErr(err)
	}
	last := journal.LastByDevice(recs)
	var todo []inventory.Device
	interrupted := map[string]bool{}
	for _, d := range devs {
		r, ok := last[d.Name]
		if ok && journal.Done(r) {
			continue
		}
		if ok && r.Outcome == record.InProgress {
			interrupted[d.Name] = true
		}
		todo = append(todo, d)
	}
	fmt.Fprintf(env.Err, "resume: %d devices already done, %d to go (%d were being changed when the run stopped)\n",
		len(devs)-len(todo), len(todo), len(interrupted))
	return todo, interrupted, nil
}

// planAndConfirm shows the read-only plan and asks before changing anything.
func planAndConfirm(ctx context.Context, env *Env, opts ApplyOptions, inv *inventory.Inventory, devs []inventory.Device, ca *cert.CA) (bool, error) {
	if !env.InTerminal {
		return false, inputErrf("stdin is not a terminal: refusing to change devices without --yes")
	}
	runner := &remediate.Runner{Registry: registry.Default(), CA: ca, Now: env.Now, Hard: env.Hard}
	sum := fleet.Run(ctx, env.Hard, devs, runner.Device, fleet.Options{Concurrency: opts.Concurrency, GroupLimits: inv.GroupLimits})
	recs := inOrder(devs, sum.Records)
	if err := report.Render(env.Err, report.Table, recs, report.Options{Summary: true}); err != nil {
		return false, err
	}
	if sum.Stopped != "" {
		return false, &errStopped{reason: sum.Stopped}
	}
	n := 0
	for _, r := range recs {
		if r.Verdict == record.Remediate {
			n++
		}
	}
	if n == 0 {
		fmt.Fprintln(env.Err, "nothing to remediate")
	}
	return confirm(env, fmt.Sprintf("Apply to %d devices (%d to remediate)?", len(devs), n))
}
