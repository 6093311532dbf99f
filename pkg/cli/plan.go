package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/inventory"
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
		Use:   "plan -i INVENTORY [-l LIMIT] [-o table|json|csv] [-c N] [--max-auth-failures N]",
		Short: "Say per device what would be done, and why (read-only)",
		Long: `plan logs in to every device read-only, finds platform, release and trust
store, and says per device whether it is compliant, what import method would
fix it, or why it cannot be fixed by CLI. Nothing on any device changes: the
sessions refuse every command but show, dir and terminal settings.

METHOD shows a possible fallback (url→terminal: IOS XR under import_method
auto, when the device cannot fetch the bundle) and PERSISTENT the worst case.
A device whose CA a reload would lose is a follow-up: exit 2 unless
--allow-non-persistent. --max-auth-failures (default 3) stops logging in with
a credential that devices refuse, before the account locks (exit 3).

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
	opts.bind(cmd, report.Table, report.JSON, report.CSV)
	cmd.Flags().StringVar(&opts.Captures, "captures", "", "plan from captured outputs in DIR (no login)")
	return cmd
}

func runPlan(ctx context.Context, env *Env, opts PlanOptions) error {
	if opts.Captures != "" {
		return runPlanCaptures(env, opts)
	}
	inv, devs, ca, err := loadFleet(env, opts.fleetFlags)
	if err != nil {
		return err
	}
	if err := checkFDs(opts.Concurrency, devs, false); err != nil {
		return err
	}
	b := opts.breaker()
	runner := newRunner(env, ca, nil)
	runner.AllowNonPersistent = opts.AllowNonPersistent
	if b != nil {
		runner.OnLogin = b.LoggedIn
	}
	prog := newProgress(env, "plan", len(devs))
	sum := fleet.Run(ctx, env.Hard, devs, runner.Device, fleet.Options{
		Concurrency: opts.Concurrency, GroupLimits: inv.GroupLimits, Breaker: b,
		OnStart: func(inventory.Device) { prog.start() }, OnDone: prog.done, OnStop: prog.stopping,
	})
	prog.finish()
	recs := inOrder(devs, sum.Records)
	if err := report.Render(env.Out, opts.Output.String(), recs, report.Options{Summary: true}); err != nil {
		return err
	}
	// plan's stop is a plain line on stderr, terminal or not.
	return endOfRun(sum, devs, recs, func(_ zapcore.Level, msg string, _ ...zap.Field) { fmt.Fprintln(env.Err, msg) })
}
