package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/trustfix/trustfix/pkg/cert"
	"github.com/trustfix/trustfix/pkg/fleet"
	"github.com/trustfix/trustfix/pkg/inventory"
	"github.com/trustfix/trustfix/pkg/platform"
	"github.com/trustfix/trustfix/pkg/record"
	"github.com/trustfix/trustfix/pkg/remediate"
	"github.com/trustfix/trustfix/pkg/report"
)

// PlanOptions are the flags of `trustfix plan`.
type PlanOptions struct {
	fleetFlags
	Captures string
	Diff     bool
}

func newPlanCmd(env *Env) *cobra.Command {
	opts := PlanOptions{}
	cmd := &cobra.Command{
		Use:   "plan -i INVENTORY [-l LIMIT] [-o table|wide|json|csv] [--diff] [-c N] [--max-auth-failures N] [--allow-non-persistent]",
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

With --diff it shows, per device, exactly what apply would send, in order:
every command, the certificate pasted (named by its subject and SHA-256),
the answer to each question, the save, the change to the trust store and
whether it survives a reload; then the backout of each platform and method.

With --captures DIR it plans from outputs collected by other tools instead,
without an inventory: one folder per device, one file per command
(show_version.txt, ...); -l selects folders by name or glob.`,
		Example: `  trustfix plan -i inventory.yaml
  trustfix plan -i inventory.yaml -o wide                 # every column
  trustfix plan -i inventory.yaml -l asa-edge-1 --diff    # the exact lines apply would send
  trustfix plan -i inventory.yaml -l campus,asa-* -o json > plan.json
  trustfix plan --captures ./captures -o csv
  trustfix plan --captures ./captures -l 'asa-*' -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runPlan(cmd.Context(), env, opts) },
	}
	opts.bind(cmd, report.Table, report.Wide, report.JSON, report.CSV)
	cmd.Flags().StringVar(&opts.Captures, "captures", "", "plan from captured outputs in DIR (no login)")
	cmd.Flags().BoolVar(&opts.Diff, "diff", false, "show the lines apply would send to each device, in order, and the backout")
	return cmd
}

func runPlan(ctx context.Context, env *Env, opts PlanOptions) error {
	if opts.Diff && opts.Output.String() != report.Table {
		return inputErrf("--diff shows the sequences as text: it cannot be combined with -o %s", opts.Output)
	}
	if opts.Captures != "" {
		if opts.Diff {
			return inputErrf("--diff needs the inventory's import settings: it cannot be combined with --captures")
		}
		if opts.Shard != "" {
			return inputErrf("--shard splits an inventory's devices: it cannot be combined with --captures")
		}
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
	prog := newProgress(env, "plan", len(devs), opts.Concurrency)
	sum := fleet.Run(ctx, env.Hard, devs, runner.Device, fleet.Options{
		Concurrency: opts.Concurrency, GroupLimits: inv.GroupLimits, Breaker: b,
		OnStart: prog.start, OnDone: prog.done, OnStop: prog.stopping,
	})
	prog.finish()
	recs := inOrder(devs, sum.Records)
	var err2 error
	if opts.Diff {
		err2 = report.RenderDiff(env.Out, planned(env, devs, recs, ca), env.tableOptions(false))
	} else {
		err2 = report.Render(env.Out, opts.Output.String(), recs, env.tableOptions(false))
	}
	if err2 != nil {
		return err2
	}
	// plan's stop is a plain line on stderr, terminal or not.
	return endOfRun(sum, devs, recs, func(_ zapcore.Level, msg string, _ ...zap.Field) { fmt.Fprintln(env.Err, msg) }, "")
}

// planned pairs each plan record with the sequence its platform's driver
// describes for the decided method and the device's import settings (for
// devices to remediate), and the backout of that method.
func planned(env *Env, devs []inventory.Device, recs []record.Record, ca *cert.CA) []report.Planned {
	byName := make(map[string]inventory.Device, len(devs))
	for _, d := range devs {
		byName[d.Name] = d
	}
	out := make([]report.Planned, 0, len(recs))
	for _, r := range recs {
		p := report.Planned{Record: r, CA: ca.CommonName(), CASHA256: ca.SHA256()}
		if r.Verdict == record.Remediate {
			spec, err := env.Registry.Lookup(r.Platform)
			if err == nil {
				var seq platform.Sequence
				if seq, err = spec.Describe(r.Method, ca, remediate.Prefs(byName[r.Name])); err == nil {
					p.Sequence = &seq
					if bo, ok := spec.BackoutOf(r.Method, ca); ok {
						p.Backout = &bo
					}
				}
			}
			p.Err = err
		}
		out = append(out, p)
	}
	return out
}
