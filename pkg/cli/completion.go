package cli

import (
	"github.com/spf13/cobra"
)

// newCompletionCmd replaces cobra's default so that only the shells we
// support exist, each with an example, and any other shell is a usage error.
func newCompletionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print a shell completion script",
		Long: `completion prints a script that completes trustfix's commands and flags.
Load it from your shell's start-up file.`,
		Example: `  source <(trustfix completion bash)
  trustfix completion zsh > "${fpath[1]}/_trustfix"
  trustfix completion fish > ~/.config/fish/completions/trustfix.fish`,
		Args: cobra.NoArgs,
		// Runnable, so an unknown shell is a usage error, not help.
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	for _, sh := range []struct {
		name, example string
		gen           func(*cobra.Command) error
	}{
		{"bash", "  source <(trustfix completion bash)", func(c *cobra.Command) error { return c.Root().GenBashCompletionV2(c.OutOrStdout(), true) }},
		{"zsh", `  trustfix completion zsh > "${fpath[1]}/_trustfix"`, func(c *cobra.Command) error { return c.Root().GenZshCompletion(c.OutOrStdout()) }},
		{"fish", "  trustfix completion fish > ~/.config/fish/completions/trustfix.fish", func(c *cobra.Command) error { return c.Root().GenFishCompletion(c.OutOrStdout(), true) }},
	} {
		gen := sh.gen
		cmd.AddCommand(&cobra.Command{
			Use:     sh.name,
			Short:   "Completion script for " + sh.name,
			Example: sh.example,
			Args:    cobra.NoArgs,
			RunE:    func(c *cobra.Command, _ []string) error { return gen(c) },
		})
	}
	return cmd
}

// newHelpCmd is `trustfix help [command]`, with an example like every command.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "help [command]",
		Short:   "Help about any command",
		Example: "  trustfix help apply",
		RunE: func(c *cobra.Command, args []string) error {
			target, _, err := c.Root().Find(args)
			if err != nil || target == nil {
				return inputErrf("unknown command %q: see trustfix --help", args)
			}
			return target.Help()
		},
	}
}
