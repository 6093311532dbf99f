package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/trustfix/trustfix/pkg/inventory/formats"
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

// registerCompletions offers values, not only flags: every enum flag's
// values (-o, --platform, --method, --host-key-policy, --color), and for
// -l the device and group names of the inventory given with -i, in any
// format -i reads.
func registerCompletions(root *cobra.Command, env *Env) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if e, ok := f.Value.(*enum); ok {
				values := e.Values()
				_ = c.RegisterFlagCompletionFunc(f.Name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
					return values, cobra.ShellCompDirectiveNoFileComp
				})
			}
		})
		if c.Flags().Lookup("limit") != nil && c.Flags().Lookup("inventory") != nil {
			_ = c.RegisterFlagCompletionFunc("limit", func(c *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
				return limitValues(c, env, typed), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	_ = root.RegisterFlagCompletionFunc("color", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{colorAuto, colorAlways, colorNever}, cobra.ShellCompDirectiveNoFileComp
	})
}

// limitValues completes the last element of a comma-separated --limit:
// device and group names of the inventory named by -i (a "!" keeps its
// place). An inventory that cannot be read completes nothing.
func limitValues(c *cobra.Command, env *Env, typed string) []string {
	path, _ := c.Flags().GetString("inventory")
	if path == "" || path == "-" {
		return nil
	}
	// Completion must not need the passwords: every variable is "set".
	anything := func(string) (string, bool) { return "x", true }
	inv, _, err := formats.Load(path, nil, env.Registry, anything)
	if err != nil {
		return nil
	}
	done, last := "", typed
	if i := strings.LastIndex(typed, ","); i >= 0 {
		done, last = typed[:i+1], typed[i+1:]
	}
	if strings.HasPrefix(last, "!") {
		done += "!"
	}
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, done+name)
		}
	}
	for _, d := range inv.Devices {
		add(d.Name)
	}
	var groups []string
	for _, d := range inv.Devices {
		groups = append(groups, d.Groups...)
	}
	slices.Sort(groups)
	for _, g := range groups {
		add(g)
	}
	return out
}
