package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform/registry"
	"github.com/trustfix/trustfix/pkg/remediate"
	"github.com/trustfix/trustfix/pkg/report"
)

// PlanOptions are the flags of `trustfix plan`.
type PlanOptions struct {
	fleetFlags
	Captures string
}

func newPlanCmd(env *Env) *cobra.Command {
	opts := PlanOptions{}
	cmd := &cobra.Command{
		Use:   "plan -i INVENTORY [-l LIMIT] [-o table|json|csv] [-c N]",
		Short: "Say per device what would be done, and why (read-only)",
		Long: `plan logs in to every device read-only, finds platform, release and trust
store, and says per device whether it is compliant, what import method would
fix it, or why it cannot be fixed by CLI. Nothing on any device changes: the
sessions refuse every command but show, dir and terminal settings.

With --captures DIR it plans from outputs collected by other tools instead,
without an inventory: one folder per device, one file per command
(show_version.txt, ...); -l selects folders by name or glob.`,
		Example: `  trustfix plan -i inventory.yaml
  trustfix plan -i inventory.yaml -l campus,asa-* -o json > plan.json
  trustfix plan --captures ./captures -o csv
  trustfix plan --captures ./captures -l 'asa-*' -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runPlan(cmd.Context(), env, opts) },
	}
	opts.bind(cmd, "table|json|csv")
	cmd.Flags().StringVar(&opts.Captures, "captures", "", "plan from captured outputs in DIR (no login)")
	return cmd
}

func runPlan(ctx context.Context, env *Env, opts PlanOptions) error {
	if opts.Captures != "" {
		return runPlanCaptures(env, opts)
	}
	inv, devs, ca, err := loadFleet(env, opts.fleetFlags, report.Table, report.JSON, report.CSV)
	if err != nil {
		return err
	}
	if err := checkFDs(opts.Concurrency, devs, false); err != nil {
		return err
	}
	log := newLogger(env, false)
	defer func() { _ = log.Sync() }()
	runner := &remediate.Runner{Registry: registry.Default(), CA: ca, Apply: false, Logger: log, Now: env.Now, Hard: env.Hard}
	prog := newProgress(env, log, "plan", len(devs))
	sum := fleet.Run(ctx, env.Hard, devs, runner.Device, fleet.Options{
		Concurrency: opts.Concurrency, GroupLimits: inv.GroupLimits,
		OnStart: func(inventory.Device) { prog.start() }, OnDone: prog.done, OnStop: prog.stopping,
	})
	prog.finish()
	recs := inOrder(devs, sum.Records)
	if err := report.Render(env.Out, opts.Output, recs, report.Options{Summary: true}); err != nil {
		return err
	}
	return endOfRun(env, sum)
}

// endOfRun maps how a run ended to its exit code.
func endOfRun(env *Env, sum fleet.Summary) error {
	if sum.Stopped != "" {
		fmt.Fprintf(env.Err, "trustfix: stopped early (%s): %d devices not started\n", sum.Stopped, len(sum.NotStarted))
		return &errStopped{reason: sum.Stopped}
	}
	if anyFailure(sum.Records) {
		return errDevicesFailed
	}
	return nil
}
