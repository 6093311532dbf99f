// Package cli is trustfix's command tree: plan, apply, fix, report and lab.
package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/trustfix/trustfix/pkg/sanitize"
)

// Run executes the command line and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if err := env.fill(); err != nil {
		fmt.Fprintf(env.Err, "trustfix: %v\n", err)
		return ExitInput
	}
	root := newRoot(&env)
	root.SetArgs(args)
	root.SetIn(env.In)
	root.SetOut(env.Out)
	root.SetErr(env.Err)
	err := root.ExecuteContext(ctx)
	_ = env.Logger.Sync()
	if err != nil && !errors.Is(err, errDevicesFailed) {
		fmt.Fprintf(env.Err, "trustfix: %s\n", sanitize.Line(err.Error()))
	}
	return exitCode(err)
}

func newRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "trustfix",
		Short: "Install the IdenTrust Commercial Root CA 1 on a fleet of Cisco devices",
		Long: `trustfix logs in to Cisco IOS XE, IOS XR, ASA and FXOS devices over SSH, finds
whether their trust store holds IdenTrust Commercial Root CA 1 (the root that
replaced QuoVadis Root CA 2 for Smart Licensing and Smart Call Home), and
installs it with each platform's own import sequence, proving the result.`,
		Example: `  trustfix plan -i inventory.yaml                      # what would be done (read-only)
  trustfix plan -i inventory.yaml -l asa-edge-1 --diff # the exact lines apply would send
  trustfix apply -i inventory.yaml --journal run.jsonl  # do it, with a journal
  trustfix report run.jsonl                            # the morning after
  trustfix report run.jsonl -o markdown > change.md    # the change record for the ticket
  trustfix fix netops@10.0.0.1                         # one device from a laptop
  trustfix lab                                         # a simulated fleet to rehearse on`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       "-", // --version prints buildInfo (the template below)
		PersistentPreRunE: func(*cobra.Command, []string) error {
			env.applyFlags()
			return nil
		},
	}
	root.SetVersionTemplate(buildInfo())
	pf := root.PersistentFlags()
	color := &enum{flag: "--color", value: colorAuto, allowed: []string{colorAuto, colorAlways, colorNever}}
	pf.Var(color, "color", "colour verdicts and outcomes: auto (a terminal, unless NO_COLOR is set)|always|never")
	var verbose, quiet bool
	pf.BoolVarP(&verbose, "verbose", "v", false, "more on stderr: every device as it finishes (JSON Lines: debug)")
	pf.BoolVarP(&quiet, "quiet", "q", false, "less on stderr: no progress line, errors only")
	env.flags = func() (string, int) {
		switch {
		case quiet:
			return color.value, -1
		case verbose:
			return color.value, 1
		}
		return color.value, 0
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetHelpCommand(newHelpCmd())
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(newPlanCmd(env), newApplyCmd(env), newFixCmd(env), newReportCmd(env), newLabCmd(env), newInventoryCmd(env), newCompletionCmd(), newVersionCmd())
	registerCompletions(root, env)
	return root
}
